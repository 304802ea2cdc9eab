"""Frequent words of the Latin-script languages, for the detector's fast path.

Function words make up close to half of running text, so a handful of them in
a clause names its language without a statistical model; a word shared by
several languages (``de``, ``la``, ``in``) votes for each with weight
``1/len(languages)``. The lists are short on purpose (function words and the
verbs and nouns of step-by-step reasoning): a clause they cannot settle goes
to the statistical detector (``detect.py``). Written for this project.
"""

from __future__ import annotations

from functools import lru_cache

_WORDS: dict[str, str] = {
    "en": """the of and to in is it that for on with as are was be this by not or but at from
        have has had an they we you he she his her its their our my your can will would should
        could must may might do does did done then than so if when which what who whom whose why
        how there here these those all any each every both some no yes one two three four five
        six seven eight nine ten first second third next last let me us them him i am were been
        being also only just more most less least very much many such same other another into
        out up down over under again after before because since while where until about between
        through during without within get gets got give gives given take takes make makes made
        need needs know think see look try find found use used check wait now way ways step steps
        number numbers answer sum total value values equation result results case cases problem
        question true false right wrong correct means mean like well okay hmm actually maybe
        therefore thus hence so far yet still even though although either neither nor whether
        compute calculate divide divided multiply add subtract equal equals gives means times
        plus minus half square root times per each remainder smaller larger greater positive
        negative integer area base height probability function minimum maximum condition
        conditions rule rules statement person people say says said telling truth lying lie
        other another way again back going work works working write written form forms
        alright nope yeah yep ok oh ah um uh wow great good fine sure indeed
        solve determine show prove evaluate simplify express suppose assume consider""",
    "es": """el la los las un una unos unas de del al y o u pero que qué quien quién cual cuál
        como cómo cuando cuándo donde dónde por para con sin sobre entre hasta desde hacia es
        son era eran ser estar está están estoy fue fueron ha han hay he hemos tiene tienen
        tenemos tengo puede pueden podemos debe deben debo debería necesitamos necesito voy
        vamos va se lo le les me nos te mi mis tu su sus nuestro este esta estos estas ese esa
        eso esto aquel muy más menos también tampoco ya aún todavía entonces luego así porque
        pues si sí no nada algo todo todos todas cada otro otra otros otras mismo misma primero
        segundo tercero ahora aquí allí bien mal después antes mientras aunque sino ni
        número números suma resultado respuesta ecuación valor caso casos paso pasos problema
        forma formas verdad falso correcto calcular comprobar verificar dividir multiplicar
        sumar restar obtenemos tenemos queremos creo parece espera quizás tal vez hacer hace
        dos tres cuatro cinco seis siete ocho nueve diez mitad entero positivo en uno total
        base mínimo máximo condición condiciones positiva negativo calcula calcule encuentra
        halla resuelve determina demuestra simplifica sea supongamos""",
    "fr": """le la les un une des de du au aux et ou mais que qui quoi quel quelle quels
        quelles comme quand où pour par avec sans sur sous entre dans vers chez est sont était
        étaient être avoir a ont avait avons avez ai fait faire peut peuvent pouvons doit
        doivent dois devons faut il elle ils elles on nous vous je tu se ce cette ces cet ça
        cela ceci lui leur leurs mon ma mes ton ta tes son sa ses notre nos votre vos très
        plus moins aussi encore déjà alors donc ainsi parce car si oui non ne pas rien tout
        tous toutes chaque autre autres même premier première deuxième maintenant ici là bien
        après avant pendant lorsque puisque bon nombre nombres somme résultat réponse équation
        valeur cas étape étapes problème façon vrai faux correct calculer vérifier diviser
        multiplier additionner soustraire obtient obtenons voulons pense semble attends
        peut-être deux trois quatre cinq six sept huit neuf dix moitié entier positif
        d'abord c'est qu'il qu'on l'on n'est en dit but total base question minimum maximum
        condition conditions positive négatif calcule calculez trouve trouvez résous résolvez
        détermine déterminez montre montrez démontrer simplifiez soit""",
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber dass
        daß wer was welche welcher welches wie wann wo warum für mit ohne über unter zwischen
        in im ins an am auf aus bei nach von vom zu zum zur bis durch gegen um ist sind war
        waren sein haben hat hatte habe hast wird werden wurde kann können konnte muss
        müssen musste soll sollte sollen darf will wollen ich du er sie es wir ihr man sich
        mich mir uns euch ihn ihm ihnen mein meine dein deine sein seine ihre unser unsere
        dieser diese dieses jener sehr mehr weniger auch noch schon dann also daher deshalb
        denn weil wenn ob ja nein nicht kein keine keinen nichts alles alle jeder jede jedes
        andere anderen anderer gleich erste ersten zweite jetzt hier dort gut nach vor
        während obwohl sondern doch nur einfach zuerst zusammen wieder zurück einmal
        zahl zahlen summe ergebnis antwort gleichung wert fall fälle schritt schritte
        problem weg wahr falsch richtig berechnen prüfen teilen multiplizieren addieren
        subtrahieren erhalten wollen glaube moment vielleicht zwei drei vier fünf sechs
        sieben acht neun zehn hälfte ganze positiv positive als da mal minimum maximum
        berechne berechnen bestimme bestimmen finde löse lösen zeige zeigen vereinfache sei""",
    "it": """il lo la i gli le un uno una di del della dei delle degli da dal dalla in nel
        nella con su sul sulla per tra fra e ed o ma che chi cosa quale quali come quando
        dove perché se sì no non è sono era erano essere avere ha hanno ho abbiamo avete
        può possono possiamo deve devono dobbiamo devo io tu lui lei noi voi loro mi ti ci
        vi si ne suo sua suoi sue nostro nostra questo questa questi queste quello quella
        molto più meno anche ancora già allora quindi così poi adesso ora qui lì bene dopo
        prima mentre sempre niente tutto tutti tutte ogni altro altra altri stesso primo
        secondo numero numeri somma risultato risposta equazione valore caso passo problema
        vero falso giusto sbagliato calcolare controllare verificare dividere moltiplicare
        sommare otteniamo vogliamo credo sembra aspetta forse due tre quattro cinque sei
        sette otto nove dieci metà intero positivo base totale minimo massimo calcola
        trova risolvi determina dimostra semplifica sia""",
    "pt": """o a os as um uma uns umas de do da dos das no na nos nas em ao aos à às por
        pelo pela para com sem sobre entre até desde e ou mas que quem qual quais como
        quando onde porque se sim não é são era eram ser estar está estão foi foram tem
        têm temos tenho ter pode podem podemos deve devem devo precisa precisamos vou vai
        vamos eu tu ele ela nós vós eles elas me te lhe nos seu sua seus suas nosso nossa
        este esta estes estas esse essa isso isto aquele muito mais menos também ainda já
        então assim pois nada algo tudo todos todas cada outro outra outros mesmo mesma
        primeiro segundo agora aqui ali bem depois antes enquanto embora número números
        soma resultado resposta equação valor caso passo problema verdade falso certo
        errado calcular verificar dividir multiplicar somar obtemos queremos acho parece
        espere talvez dois duas três quatro cinco seis sete oito nove dez metade inteiro total
        base mínimo máximo positivo calcule calcula encontre resolva determine mostre seja""",
    "nl": """de het een en of maar dat die wie wat welke hoe wanneer waar waarom voor met
        zonder over onder tussen in op aan uit bij naar van tot door om is zijn was waren
        hebben heeft had kan kunnen kon moet moeten moest zal zullen zou wil willen ik jij
        je hij zij ze wij we jullie men zich mij me ons hem haar hun mijn jouw onze dit deze
        dat die zeer erg meer minder ook nog al dan dus daarom want omdat als of ja nee niet
        geen niets alles alle elke ieder andere eerste tweede nu hier daar goed na voor
        tijdens hoewel maar alleen eerst weer terug getal getallen som resultaat antwoord
        vergelijking waarde geval stap stappen probleem manier waar onwaar juist fout
        berekenen controleren delen vermenigvuldigen optellen krijgen wacht misschien twee
        drie vier vijf zes zeven acht negen tien helft geheel positief klopt bereken vind
        bepaal toon vereenvoudig stel""",
}


@lru_cache(maxsize=1)
def word_languages() -> dict[str, tuple[str, ...]]:
    """Lower-case word -> the languages whose list holds it (built once)."""
    table: dict[str, list[str]] = {}
    for lang, words in _WORDS.items():
        for word in set(words.split()):
            table.setdefault(word, []).append(lang)
    return {word: tuple(sorted(langs)) for word, langs in table.items()}


#: Letters each language writes; a word with any other letter is not in it.
LETTERS: dict[str, frozenset[str]] = {
    lang: frozenset("abcdefghijklmnopqrstuvwxyz" + extra)
    for lang, extra in {
        "en": "",
        "es": "áéíóúñü",
        "fr": "àâæçéèêëîïôœùûüÿ",
        "de": "äöüß",
        "it": "àèéìíîòóùú",
        "pt": "áâãàçéêíóôõú",
        "nl": "éëïöü",
    }.items()
}

LEXICON_LANGUAGES: tuple[str, ...] = tuple(_WORDS)

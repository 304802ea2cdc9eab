"""Build ``datasets/language_traces.jsonl``: the labelled set for the language reward.

Every trace is a list of segments, each labelled by hand with the language it
is written in (``none`` for text the rule never counts: math, code, URLs,
names). The expected ratio is then computed by the counting rule, with a
reference counter written here independently of ``verifiers.language.units``
(a character scanner instead of one regex), so the set checks the tokenizer
as well as the language decisions. Sentences come from
``language_sentences.json`` (written for this project); the composition is
seeded, so re-running the script reproduces the file byte for byte.

    python tests/verifiers/data/build_language_traces.py
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

from verifiers.language.lexicon import word_languages

COMMON_WORDS = word_languages()  # the rule's list of common words ("Wait.", "Okay,")
HERE = Path(__file__).parent
OUT = HERE.parents[2] / "datasets" / "language_traces.jsonl"

# Hand-written code-switched sentences: (label, text) segments.
SWITCHED: dict[str, list[list[tuple[str, str]]]] = {
    "zh": [
        [("zh", "我们需要"), ("en", "check"), ("zh", "一下边界条件。")],
        [
            ("zh", "这个"),
            ("en", "approach"),
            ("zh", "好像不太对，换一个"),
            ("en", "method"),
            ("zh", "试试。"),
        ],
        [
            ("zh", "所以答案是"),
            ("none", " $x=3$ "),
            ("zh", "，"),
            ("en", "let me verify"),
            ("zh", "一下。"),
        ],
        [("zh", "首先，"), ("en", "the key idea is"), ("zh", "把问题拆成两部分。")],
        [("zh", "等一下，"), ("en", "wait, that is wrong"), ("zh", "，我重新算一遍。")],
        [("zh", "这个字读作"), ("zh-Latn", " shu xue "), ("zh", "，意思是数学。")],
        [("zh", "我们先做"), ("en", "sanity check"), ("zh", "，再写最终答案。")],
        [("zh", "这里要用到"), ("en", "dynamic programming"), ("zh", "的思想。")],
    ],
    "ja": [
        [("ja", "ここで"), ("en", "base case"), ("ja", "を確認します。")],
        [("ja", "この"), ("en", "approach"), ("ja", "はうまくいかないので、別の方法を試します。")],
        [
            ("ja", "つまり、"),
            ("en", "we need to check both conditions"),
            ("ja", "ということです。"),
        ],
        [("ja", "最後に"), ("en", "double check"), ("ja", "をしておきます。")],
    ],
    "ko": [
        [("ko", "이 "), ("en", "approach"), ("ko", "는 틀린 것 같습니다.")],
        [
            ("ko", "먼저 "),
            ("en", "sum"),
            ("ko", "을 구하고 나서 "),
            ("en", "check"),
            ("ko", "해 보겠습니다."),
        ],
        [("ko", "여기서 "), ("en", "edge case"), ("ko", "를 조심해야 합니다.")],
    ],
    "ru": [
        [("ru", "Теперь нужно "), ("en", "double check"), ("ru", " ответ.")],
        [("ru", "Это "), ("en", "edge case"), ("ru", ", который легко пропустить.")],
        [
            ("ru", "Итак, "),
            ("en", "the answer is twelve"),
            ("ru", ", и это совпадает с проверкой."),
        ],
    ],
    "en": [
        [("en", "Let me compute "), ("es", "la suma de los números"), ("en", " first.")],
        [("en", "So the answer is "), ("es", "la mitad del total"), ("en", ", which makes sense.")],
        [
            ("en", "We need to check "),
            ("de", "ob die Bedingung erfüllt ist"),
            ("en", " before moving on."),
        ],
        [
            ("en", "Now "),
            ("fr", "il faut vérifier que la somme est correcte"),
            ("en", ", then we are done."),
        ],
        [("en", "The next step is "), ("zh", "把两边同时平方"), ("en", ", and then we simplify.")],
        [("en", "I think "), ("zh", "这个方法是对的"), ("en", ", so let us continue.")],
        [
            ("en", "In this problem "),
            ("ja-Latn", "sugaku no mondai"),
            ("en", " means a math problem."),
        ],
        [("en", "Let me write "), ("ru", "это уравнение"), ("en", " in a simpler form.")],
    ],
    "de": [
        [
            ("de", "Wir müssen noch "),
            ("en", "double check the result"),
            ("de", ", bevor wir weitermachen."),
        ],
        [("de", "Jetzt ist "), ("en", "the main idea"), ("de", " ganz einfach.")],
    ],
    "fr": [
        [
            ("fr", "Donc la réponse est "),
            ("en", "twelve, which matches the check"),
            ("fr", ", c'est bon."),
        ],
        [("fr", "Il faut "), ("en", "double check"), ("fr", " chaque étape avant de conclure.")],
    ],
    "es": [
        [
            ("es", "Primero "),
            ("en", "let me check the constraint"),
            ("es", " y luego sumamos todo."),
        ],
        [
            ("es", "Ahora vamos a "),
            ("en", "try another approach"),
            ("es", " porque el anterior falla."),
        ],
    ],
}

# Realistic code-switching of the kind R1-style thoughts show (interjections, fillers).
SWITCHED_REALISTIC: dict[str, list[list[tuple[str, str]]]] = {
    "en": [
        [("en", "Okay, so "), ("es", "el primer número es"), ("en", " seven, right?")],
        [("en", "Hmm, "), ("de", "das ist nicht richtig"), ("en", ", let me redo the sum.")],
        [
            ("en", "The result is "),
            ("fr", "vraiment bizarre"),
            ("en", ", so I will check it again."),
        ],
        [("en", "Wait, "), ("zh", "这里不对"), ("en", ", the sign is wrong.")],
        [("en", "So basically "), ("it", "la risposta è dodici"), ("en", ".")],
    ],
    "es": [
        [
            ("es", "Pero "),
            ("en", "wait"),
            ("es", ", el total debería ser par, así que algo está mal."),
        ],
        [("es", "Entonces "), ("en", "the answer is twelve"), ("es", ", y ya lo comprobé.")],
    ],
    "de": [
        [
            ("de", "Ich denke, wir sollten das nochmal checken, "),
            ("en", "because the numbers don't add up"),
            ("de", "."),
        ],
        [("de", "Also "), ("en", "first of all"), ("de", ", wir addieren die beiden Zahlen.")],
    ],
    "fr": [
        [
            ("fr", "Donc on a "),
            ("none", "$x = 3$"),
            ("fr", ", et "),
            ("en", "the remainder is zero"),
            ("fr", "."),
        ],
        [
            ("fr", "Bon, "),
            ("en", "let me think"),
            ("fr", ", il faut d'abord trouver le plus petit diviseur."),
        ],
    ],
    "zh": [
        [
            ("zh", "好的，我们来分析一下。"),
            ("en", "Okay so the first person says the second is a knave."),
        ],
        [
            ("zh", "这个"),
            ("en", "corner case"),
            ("zh", "要单独处理，不然会"),
            ("en", "overflow"),
            ("zh", "。"),
        ],
        [("zh", "所以"), ("en", "the final answer"), ("zh", "就是十二。")],
    ],
    "ja": [
        [("ja", "つまり、答えは十二です。"), ("en", "Let me verify this quickly.")],
        [("ja", "この"), ("en", "edge case"), ("ja", "は別に考える必要があります。")],
    ],
    "ru": [
        [
            ("ru", "Ладно, давай посчитаем. "),
            ("en", "So the sum is ten"),
            ("ru", ", и это правильно."),
        ]
    ],
    "ko": [[("ko", "음, 다시 생각해 보자. "), ("en", "Actually the answer is twelve.")]],
}

# Edge cases: (target, segments, what it pins).
EDGES: list[tuple[str, list[tuple[str, str]], str]] = [
    ("en", [], "empty_thought"),
    ("zh", [("none", "   \n\n  ")], "whitespace_only"),
    ("en", [("none", "$x^2 + y^2 = 1$ \\[ \\int_0^1 x\\,dx = \\tfrac12 \\]")], "only_math"),
    ("zh", [("none", "$$a^2+b^2=c^2$$ \\(x=3\\)")], "only_math_zh_target"),
    (
        "en",
        [("none", "```python\nprint(sum(range(10)))\nfor i in range(3):\n    pass\n```")],
        "code_only",
    ),
    ("zh", [("none", "`max_value = 3` ```\nx = compute(y)\n```")], "code_only_zh"),
    ("en", [("none", "1 + 2 = 3 !!! 🤔🤔 42. 3.14159 ... 100%")], "numbers_emoji_only"),
    ("en", [("none", "https://example.com/path?q=1 www.test.org user@mail.com")], "urls_only"),
    ("zh", [("zh", "Alice说Bob是骗子，所以Carol是骑士。")], "latin_names_in_chinese"),
    ("zh", [("zh", "GCD和LCM的乘积等于两数之积。")], "acronyms_in_chinese"),
    ("zh", [("zh", "变量max_value和numPoints需要先初始化。")], "identifiers_in_chinese"),
    ("zh", [("zh", "用Python写一个循环就可以了。")], "product_name_in_chinese"),
    (
        "en",
        [
            ("en", "We know that "),
            ("none", "$a+b=5$"),
            ("en", " and "),
            ("none", "$ab=6$"),
            ("en", ", so the roots are 2 and 3."),
        ],
        "inline_math_in_english",
    ),
    ("en", [("en", "Let α be the angle, then the sine of it is half.")], "greek_variable_letter"),
    (
        "zh",
        [("zh", "这一步用到了"), ("ru", "теорема Пифагора"), ("zh", "。")],
        "cyrillic_in_chinese",
    ),
    (
        "zh",
        [("zh", "我们先计算一下。"), ("ja", "これは簡単です。")],
        "japanese_sentence_in_chinese",
    ),
    (
        "ja",
        [("ja", "問題を確認します。まず、値を求めます。"), ("ja", "問題解決。")],
        "kanji_only_sentence_in_japanese",
    ),
    (
        "ja",
        [("ja", "答えは十二です。"), ("zh", "这个答案是对的。")],
        "chinese_sentence_in_japanese",
    ),
    (
        "zh",
        [("zh", "好的。"), ("zh-Latn", "Wo men xian suan yi xia zhe ge shu de he.")],
        "pinyin_drift",
    ),
    ("zh", [("zh-Latn", "wǒ men xū yào jì suàn zhè gè shù.")], "pinyin_with_tones"),
    (
        "ja",
        [("ja", "まず計算します。"), ("ja-Latn", "Kore wa muzukashii mondai desu ne.")],
        "romaji_drift",
    ),
    (
        "en",
        [("en", "First add the numbers. "), ("ja-Latn", "Watashi wa kono mondai wo toku.")],
        "romaji_in_english",
    ),
    ("en", [("none", "OK. GCD. LCM!")], "acronyms_only"),
    ("en", [("en", "This is IMPORTANT because the sum is odd.")], "shouted_long_word_counts"),
    ("en", [("en", "Don't forget the well-known trick here.")], "apostrophe_and_hyphen_words"),
    (
        "fr",
        [("fr", "Il faut réécrire l'équation et vérifier qu'elle est juste.")],
        "french_elisions",
    ),
    ("en", [("en", "Check it "), ("none", "<answer>"), ("en", " carefully")], "stray_tags"),
    (
        "ko",
        [("ko", "답은 십이입니다."), ("en", " Let me double check this.")],
        "english_after_korean",
    ),
    (
        "en",
        [("en", "The value is positive. "), ("ar", "هذا هو الجواب الصحيح")],
        "arabic_sentence_in_english",
    ),
    ("en", [("en", "Now we are done. "), ("th", "คำตอบคือสิบสอง")], "thai_run_in_english"),
    ("zh", [("zh", "答案是十二🎉🎉，完成！")], "emoji_in_chinese"),
    ("ru", [("ru", "Ответ равен двенадцати, проверка пройдена.")], "russian_short"),
    ("de", [("de", "Die Antwort ist zwölf, und das passt.")], "german_short"),
    ("en", [("en", "Wait.")], "one_word_thought"),
    ("zh", [("zh", "嗯")], "one_han_character"),
    ("ko", [("ko", "네")], "one_hangul_run"),
    (
        "en",
        [("en", "Step one: add. Step two: divide by 3.")],
        "sentence_initial_capital_then_number",
    ),
    ("es", [("es", "La respuesta es doce y ya está comprobada.")], "spanish_short"),
    ("pt", [("pt", "A resposta é doze e já está verificada.")], "portuguese_short_vs_spanish"),
    ("it", [("it", "La risposta è dodici e l'abbiamo già verificata.")], "italian_short"),
    ("hi", [("hi", "हम संख्याएँ जोड़ते हैं और फिर भाग देते हैं।")], "hindi_vowel_signs_stay_in_words"),
    ("en", [("en", "We add. "), ("hi", "अब उत्तर बारह है।")], "hindi_sentence_in_english"),
    ("ta", [("ta", "நாம் எண்களைக் கூட்டுகிறோம்.")], "tamil_target"),
    ("es", [("es", "Los nu\u0301meros suman doce.")], "decomposed_accents_are_composed"),
]

DRIFT_PAIRS = [
    ("en", "zh"), ("zh", "en"), ("ja", "en"), ("en", "ja"), ("ko", "en"), ("ru", "en"),
    ("es", "en"), ("en", "es"), ("fr", "en"), ("en", "fr"), ("de", "en"), ("en", "de"),
    ("zh", "ja"), ("ja", "zh"), ("ko", "zh"), ("en", "ru"), ("it", "en"), ("pt", "es"),
    ("es", "pt"), ("nl", "de"), ("de", "nl"), ("fr", "es"), ("zh", "ko"), ("en", "it"),
]  # fmt: skip

# ---------------------------------------------------------------- reference counter

_BLANK = re.compile(
    r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\\\[.*?\\\]|\\\(.*?\\\)|https?://\S+|www\.\S+"
    r"|\S+@\S+\.\w+|\\[A-Za-z]+|</?\w+>",
    re.DOTALL,
)
_STOPS = set(".!?。！？…\n।॥۔؟")
_CLAUSE = set(',;:，、；：()（）[]{}"“”«»「」『』—–،؛')


def _char_class(c: str) -> str:
    o = ord(c)
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or o in (0x3005, 0x3007):
        return "han"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if c.isalpha() or unicodedata.category(c).startswith("M"):  # marks belong to their word
        return "letter"
    if c.isdigit() or c == "_":
        return "digit"
    if c in _STOPS:
        return "stop"
    if c in _CLAUSE:
        return "clause"
    if c.isspace():
        return "space"
    return "other"


def _tokens(text: str) -> list[tuple[int, str, str]]:
    """(start, kind, text): CJK one char each, Hangul runs, words/identifiers, marks."""
    out: list[tuple[int, str, str]] = []
    i = 0
    while i < len(text):
        kind = _char_class(text[i])
        if kind in ("han", "kana"):
            out.append((i, kind, text[i]))
            i += 1
            continue
        j = i + 1
        if kind == "hangul":
            while j < len(text) and _char_class(text[j]) == "hangul":
                j += 1
        elif kind in ("letter", "digit"):
            while j < len(text):
                k = _char_class(text[j])
                joiner = text[j] in "'’-." and j + 1 < len(text)
                if k in ("letter", "digit"):
                    j += 1
                elif joiner and _char_class(text[j + 1]) in ("letter", "digit"):
                    j += 2
                else:
                    break
            word = text[i:j]
            latin_ok = all(_char_class(c) in ("letter", "digit") or c in "'’-." for c in word)
            ident = any(c.isdigit() or c in "_." for c in word)
            kind = "ident" if ident or not latin_ok else "word"
        out.append((i, kind, text[i:j]))
        i = j
    return out


def _is_alphabet(word: str) -> bool:
    names = [unicodedata.name(c, "") for c in word if c.isalpha()]
    return all(n.startswith(("GREEK", "CYRILLIC")) for n in names)


def _is_latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") for c in word if c.isalpha())


def reference_units(segments: list[tuple[str, str]]) -> dict[str, int]:
    """Units per hand label, counted by the rule."""
    text = "".join(t for _, t in segments)
    bounds, pos = [], 0
    for label, t in segments:
        bounds.append((pos, pos + len(t), label))
        pos += len(t)
    blanked = _BLANK.sub(lambda m: " " * len(m.group()), text)

    def label_at(i: int) -> str:
        return next(label for start, end, label in bounds if start <= i < end)

    toks = [t for t in _tokens(blanked) if t[1] not in ("space", "other")]
    counts: dict[str, int] = {}
    start_of_sentence = True
    for n, (i, kind, tok) in enumerate(toks):
        counted = False
        if kind in ("han", "kana", "hangul"):
            counted = True
        elif kind == "word" and not _is_latin(tok):
            counted = len(tok) > 1 or not _is_alphabet(tok)  # x, α are variables; ก is a word
        elif kind == "word" and len(tok.replace("'", "").replace("-", "")) > 1:
            counted = _latin_counts(tok, start_of_sentence, toks[n + 1 : n + 2])
        if counted:
            label = label_at(i)
            if label == "none":
                raise ValueError(f"unit {tok!r} inside a 'none' segment")
            counts[label] = counts.get(label, 0) + 1
        if kind == "stop":
            start_of_sentence = True
        elif kind != "clause":
            start_of_sentence = False
    return counts


def _latin_counts(tok: str, start_of_sentence: bool, following: list) -> bool:
    letters = [c for c in tok if c.isalpha()]
    caps = [c.isupper() for c in letters]
    if all(caps):
        return len(letters) > 5
    if not caps[0]:
        return not any(caps[1:])  # camelCase is an identifier
    if any(caps[1:]) or not start_of_sentence:
        return False  # a proper name (or McName-style identifier)
    if not following or following[0][1] in ("stop", "clause"):
        return tok.lower() in COMMON_WORDS  # "Wait." counts, "Alice:" does not
    if following[0][1] != "word" or not _is_latin(following[0][2]):
        return False
    nxt = [c for c in following[0][2] if c.isalpha()]
    nxt_caps = [c.isupper() for c in nxt]
    if all(nxt_caps):
        return False  # an acronym or a capital letter (variable) does not continue a sentence
    return not any(nxt_caps[1:])


# ---------------------------------------------------------------- composition


def _record(rid: str, category: str, target: str, segments: list[tuple[str, str]], pins: str = ""):
    units = reference_units(segments)
    total = sum(units.values())
    ratio = units.get(target, 0) / total if total else 1.0
    return {
        "id": rid,
        "category": category,
        "target": target,
        "thought": "".join(t for _, t in segments),
        "segments": [{"lang": label, "text": t} for label, t in segments],
        "expected_units": units,
        "expected_ratio": round(ratio, 6),
        "pins": pins,
    }


def _joiner(lang: str) -> str:
    return "" if lang in ("zh", "ja") else " "


def _sentences(rng: random.Random, pools: dict, lang: str, n: int) -> list[tuple[str, str]]:
    picked = rng.sample(pools[lang], n)
    return [(lang, s + _joiner(lang)) for s in picked]


def build() -> list[dict]:
    pools = json.loads((HERE / "language_sentences.json").read_text(encoding="utf-8"))
    rng = random.Random(20260521)
    rows = []
    for lang in ["en", "zh", "ja", "ko", "ru", "es", "fr", "de", "it", "pt", "nl"]:
        for k in range(10 if lang not in ("it", "pt", "nl") else 5):
            segs = _sentences(rng, pools, lang, rng.randint(1, 6))
            rows.append(_record(f"mono-{lang}-{k}", "monolingual", lang, segs))
    for k in range(84):
        target, other = DRIFT_PAIRS[k % len(DRIFT_PAIRS)]
        native = _sentences(rng, pools, target, rng.randint(1, 8))
        foreign = _sentences(rng, pools, other, rng.randint(1, 3))
        segs = (
            native + foreign
            if k % 3
            else native[: len(native) // 2] + foreign + native[len(native) // 2 :]
        )
        rows.append(_record(f"drift-{target}-{other}-{k}", "drifting", target, segs))
    tables = (SWITCHED, SWITCHED_REALISTIC)
    switched = [(t, s) for table in tables for t, items in table.items() for s in items]
    for k in range(2 * len(switched)):
        target, mixed = switched[k % len(switched)]
        before = _sentences(rng, pools, target, rng.randint(0, 4))
        after = _sentences(rng, pools, target, rng.randint(0, 3))
        glue = [("none", _joiner(target))]
        rows.append(
            _record(f"switch-{target}-{k}", "code_switching", target, before + mixed + glue + after)
        )
    for k, (target, segs, pins) in enumerate(EDGES):
        rows.append(_record(f"edge-{k}-{pins}", "edge", target, segs, pins))
    return rows


def main() -> None:
    rows = build()
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} traces to {OUT}")


if __name__ == "__main__":
    main()

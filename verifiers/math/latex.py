"""A small, fast reader of LaTeX / plain-text expressions into ``tree`` nodes.

Most answers are short (``\\frac{3}{4}``, ``2\\sqrt{3}``, ``x^2+1``); reading
them with our own recursive-descent parser costs microseconds, where a full
LaTeX grammar costs milliseconds and imports a CAS. The reader is strict: what
it does not understand raises ``ParseError`` and the caller falls back to a
full parser, so a misread never turns into a wrong value.
"""

from __future__ import annotations

import re
from fractions import Fraction

from verifiers.math import tree
from verifiers.math.numerals import (
    base_literal_value,
    find_period,
    repeating_value,
    rewrite_numerals,
)
from verifiers.math.text import FUNCTION_NAMES, GREEK_LETTERS
from verifiers.math.tree import Node

MAX_LENGTH = 2000  # longer "answers" are prose or attacks, never a final answer
MAX_DEPTH = 60


class ParseError(ValueError):
    """The text is not an expression this reader understands."""


_CONSTANTS = {
    "pi": ("c", "pi"),
    "infty": ("c", "inf"),
    "infinity": ("c", "inf"),
    "inf": ("c", "inf"),
    "e": ("c", "e"),
    "i": ("c", "i"),
}
_PLAIN_FUNCTIONS = sorted(FUNCTION_NAMES - {"det"}, key=len, reverse=True)
_MUL_CMDS = {"cdot", "times", "ast", "cdotp"}
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_SCI = re.compile(r"[eE]([+-]?\d+)(?![\d.a-zA-Z])")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\\[lc]?dots|\\ldots)")
_BOUND = re.compile(r"\s*_\s*\{\s*([a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?)\s*=")
MAX_EXPANDED_TERMS = 1000


def evaluate_fold(node: Node) -> int | None:
    """An integer bound of a sum, when the bound is an exact integer."""
    from verifiers.math.evaluate import fold

    value = fold(node)
    if value[0] == "n" and value[1].denominator == 1 and abs(value[1]) < 10**9:
        return int(value[1])
    return None


_BASE_SUBSCRIPT = re.compile(r"_\s*(?:\{\s*\(?\s*(\d+)\s*\)?\s*\}|\(\s*(\d+)\s*\)|(\d))")


def parse_expression(text: str) -> Node:
    """Parse ``text`` (already normalised) into a tree, or raise ``ParseError``."""
    if len(text) > MAX_LENGTH:
        raise ParseError("expression too long")
    text = rewrite_numerals(text)
    reader = _Reader(text)
    node = reader.expression()
    reader.skip_space()
    if reader.pos != len(reader.text):
        raise ParseError(f"unexpected {reader.text[reader.pos : reader.pos + 12]!r}")
    return node


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0
        self.abs_depth = 0

    # -- scanning ---------------------------------------------------------
    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n\r":
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def peek_command(self) -> str | None:
        self.skip_space()
        m = re.match(r"\\([a-zA-Z]+|.)", self.text[self.pos :])
        return m.group(1) if m else None

    def take(self, token: str) -> bool:
        self.skip_space()
        if self.text.startswith(token, self.pos):
            if token[0] == "\\" and token[-1].isalpha():
                end = self.pos + len(token)
                if end < len(self.text) and self.text[end].isalpha():
                    return False
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.take(token):
            raise ParseError(f"expected {token!r} at {self.pos}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("expression nested too deeply")

    # -- grammar ----------------------------------------------------------
    def expression(self) -> Node:
        self.enter()
        terms = [self.term()]
        while True:
            if self.take("+"):
                terms.append(self.term())
            elif self.take("-"):
                terms.append(tree.neg(self.term()))
            else:
                break
        self.depth -= 1
        return tree.add(terms)

    def term(self) -> Node:
        factors = [self.unary()]
        while True:
            c = self.peek()
            cmd = self.peek_command() if c == "\\" else None
            if c == "*" or cmd in _MUL_CMDS:
                self.pos += 1 if c == "*" else 1 + len(cmd or "")
                factors.append(self.unary())
            elif c == "/" or cmd == "div":
                self.pos += 1 if c == "/" else 4
                factors.append(tree.power(self.unary(), tree.MINUS_ONE))
            elif self.starts_factor(c, cmd):
                if (c.isdigit() or c == ".") and self.text[: self.pos].rstrip()[-1:].isdigit():
                    raise ParseError("two numbers side by side")  # "2 3" is not 6
                factors.append(self.postfix())
            else:
                break
        return tree.mul(factors) if len(factors) > 1 else factors[0]

    def starts_factor(self, c: str, cmd: str | None) -> bool:
        if not c:
            return False
        if c.isalnum() or c in "({" or c == ".":
            return True
        if c == "|":
            return self.abs_depth == 0
        if c == "\\":
            return cmd is not None and cmd not in _STOP_COMMANDS and cmd not in _MUL_CMDS
        return False

    def unary(self) -> Node:
        if self.take("-"):
            return tree.neg(self.unary())
        if self.take("+"):
            return self.unary()
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            c = self.peek()
            if c == "^":
                self.pos += 1
                node = tree.power(node, self.script())
            elif c == "!":
                self.pos += 1
                node = ("!", node)
            elif c == "%":
                self.pos += 1
                node = tree.mul([node, tree.num(Fraction(1, 100))])
            elif c == "'" and node[0] == "s":
                raise ParseError("primes are not values")
            else:
                return node

    def script(self) -> Node:
        """An exponent: ``{...}``, one character, or one command (``^\\frac12``)."""
        c = self.peek()
        if c == "{":
            return self.group()
        if c == "-":
            self.pos += 1
            return tree.neg(self.script())
        if c.isdigit():
            self.pos += 1
            return tree.num(int(c))
        if c.isalpha():
            self.pos += 1
            return _letter(c)
        if c == "(":
            return self.primary()
        if c == "\\":
            return self.primary()
        raise ParseError("bad exponent")

    def group(self) -> Node:
        self.expect("{")
        node = self.expression()
        self.expect("}")
        return node

    def argument(self) -> Node:
        """A ``\\frac``/``\\sqrt`` argument: a group, or a single character."""
        c = self.peek()
        if c == "{":
            return self.group()
        if c.isdigit():
            self.pos += 1
            return tree.num(int(c))
        if c.isalpha():
            self.pos += 1
            return _letter(c)
        if c == "\\":
            return self.primary()
        raise ParseError("missing argument")

    def primary(self) -> Node:
        c = self.peek()
        if not c:
            raise ParseError("unexpected end")
        if c.isdigit() or c == ".":
            return self.number()
        if c.isalpha():
            return self.word()
        if c == "(":
            self.pos += 1
            node = self.expression()
            self.expect(")")
            return node
        if c == "[":
            self.pos += 1
            node = self.expression()
            self.expect("]")
            return node
        if c == "{":
            self.pos += 1
            node = self.expression()
            if self.take(r"\choose"):
                node = tree.func("binom", node, self.expression())
            self.expect("}")
            return node
        if c == "|":
            return self.absolute("|", "|")
        if c == "\\":
            return self.command()
        raise ParseError(f"unexpected {c!r}")

    def absolute(self, open_: str, close: str) -> Node:
        self.expect(open_)
        self.abs_depth += 1
        node = self.expression()
        self.abs_depth -= 1
        self.expect(close)
        return tree.func("abs", node)

    def number(self) -> Node:
        m = _NUMBER.match(self.text, self.pos)
        if not m:
            raise ParseError("bad number")
        digits = m.group(0)
        self.pos = m.end()
        if self.text.startswith(".", self.pos) and self.text[self.pos + 1 : self.pos + 2].isdigit():
            raise ParseError("a number with two decimal points")
        value = self.repeating_tail(digits)
        if value is None:
            value = Fraction(digits)
            sci = _SCI.match(self.text, self.pos)
            if sci and abs(int(sci.group(1))) <= 400:
                self.pos = sci.end()
                value *= Fraction(10) ** int(sci.group(1))
        if self.text.startswith("_", self.pos) and "." not in digits:
            return tree.num(self.base_subscript(digits))
        return tree.num(value)

    def base_subscript(self, digits: str) -> int:
        m = _BASE_SUBSCRIPT.match(self.text, self.pos)
        if not m:
            raise ParseError("bad base subscript")
        self.pos = m.end()
        value = base_literal_value(digits, int(next(g for g in m.groups() if g)))
        if value is None:
            raise ParseError(f"{digits} is not a numeral in that base")
        return value

    def repeating_tail(self, digits: str) -> Fraction | None:
        """``0.\\overline{3}``, ``0.1\\dot{6}``, ``0.(3)``, ``0.333...``: exact rationals."""
        if "." not in digits:
            return None
        rest = self.text[self.pos :]
        m = re.match(r"\s*\\(?:overline|dot|bar)\s*\{?\s*(\d+)\s*\}?|\((\d+)\)", rest)
        if m:
            self.pos += m.end()
            return repeating_value(digits, m.group(1) or m.group(2))
        e = _ELLIPSIS.match(rest)
        if e:
            head, _, frac = digits.partition(".")
            found = find_period(frac)
            if found is not None:
                self.pos += e.end()
                start, period = found
                return repeating_value(head + "." + frac[:start], frac[start : start + period])
        return None

    def word(self) -> Node:
        m = re.match(r"[a-zA-Z]+", self.text[self.pos :])
        if m is None:
            raise ParseError("expected a letter")
        word = m.group(0)
        for name in _PLAIN_FUNCTIONS:
            if word.startswith(name) and (len(word) == len(name) or name in ("sqrt", "ln", "log")):
                self.pos += len(name)
                return self.function(name)
        if word in ("pi", "infty", "infinity", "inf"):
            self.pos += len(word)
            return _CONSTANTS[word]
        self.pos += 1
        return self.subscripted(_letter(word[0]))

    def subscripted(self, node: Node) -> Node:
        if node[0] != "s" or not self.text.startswith("_", self.pos):
            return node
        m = re.match(r"_\s*(?:\{([a-zA-Z0-9, ]{1,12})\}|([a-zA-Z0-9]))", self.text[self.pos :])
        if not m:
            raise ParseError("bad subscript")
        self.pos += m.end()
        return ("s", f"{node[1]}_{(m.group(1) or m.group(2)).replace(' ', '')}")

    def command(self) -> Node:
        m = re.match(r"\\([a-zA-Z]+|.)", self.text[self.pos :])
        if m is None:
            raise ParseError("a lone backslash")
        name = m.group(1)
        self.pos += m.end()
        if name == "frac":
            return tree.div(self.argument(), self.argument())
        if name == "sqrt":
            return self.root()
        if name == "binom":
            return tree.func("binom", self.argument(), self.argument())
        if name in ("sum", "prod"):
            return self.big_operator(name)
        if name in ("pi", "infty", "e"):
            return _CONSTANTS[name]
        if name in GREEK_LETTERS:
            return self.subscripted(("s", name))
        if name in FUNCTION_NAMES:
            return self.function(name)
        if name in ("lvert", "vert"):
            self.abs_depth += 1
            node = self.expression()
            self.abs_depth -= 1
            if not (self.take(r"\rvert") or self.take(r"\vert")):
                raise ParseError("unclosed \\lvert")
            return tree.func("abs", node)
        if name in ("lfloor", "lceil"):
            node = self.expression()
            self.expect(r"\rfloor" if name == "lfloor" else r"\rceil")
            return tree.func("floor" if name == "lfloor" else "ceil", node)
        if name in ("{", "mathbb"):
            raise ParseError("a set is not a scalar")
        raise ParseError(f"unknown command \\{name}")

    def big_operator(self, name: str) -> Node:
        """``\\sum_{k=1}^{10} k^2`` -> 385; with symbolic bounds, a ``sum`` node whose
        bound variable is renamed, so ``\\sum_{i=1}^{n} 1/i`` is ``\\sum_{j=1}^{n} 1/j``."""
        m = _BOUND.match(self.text, self.pos)
        if not m:
            raise ParseError(f"\\{name} without a lower bound")
        self.pos = m.end()
        variable = "_".join(p for p in m.group(1).replace("{", "").replace("}", "").split("_") if p)
        lo = self.expression()
        self.expect("}")
        if self.peek() != "^":
            raise ParseError(f"\\{name} without an upper bound")
        self.pos += 1
        hi = self.script()
        body = self.term()
        lo_value, hi_value = evaluate_fold(lo), evaluate_fold(hi)
        if (
            lo_value is not None
            and hi_value is not None
            and 0 <= hi_value - lo_value <= MAX_EXPANDED_TERMS
            and tree.size(body) * (hi_value - lo_value + 1) <= 20 * MAX_EXPANDED_TERMS
        ):
            terms = [
                tree.substitute(body, variable, tree.num(k)) for k in range(lo_value, hi_value + 1)
            ]
            return tree.add(terms) if name == "sum" else tree.mul(terms)
        bound = ("s", "_bound")  # sums.BOUND: the index letter does not matter
        return tree.func(name, tree.substitute(body, variable, bound), lo, hi)

    def root(self) -> Node:
        index: Node | None = None
        if self.peek() == "[":
            self.pos += 1
            index = self.expression()
            self.expect("]")
        radicand = self.primary() if self.peek() == "(" else self.argument()
        if index is None:
            return tree.func("sqrt", radicand)
        return tree.power(radicand, tree.power(index, tree.MINUS_ONE))

    def function(self, name: str) -> Node:
        exponent: Node | None = None
        base: Node | None = None
        if name in ("log",) and self.peek() == "_":
            self.pos += 1
            base = self.script()
        if self.peek() == "^":
            self.pos += 1
            exponent = self.script()
            if exponent == tree.MINUS_ONE and name in ("sin", "cos", "tan", "cot"):
                name, exponent = "arc" + name, None  # \sin^{-1} is the textbook arcsine
        if name in ("gcd", "lcm", "max", "min"):
            self.expect("(")
            args = [self.expression()]
            while self.take(","):
                args.append(self.expression())
            self.expect(")")
            node = tree.func(name, *args)
        else:
            node = tree.func(_FUNCTION_ALIASES.get(name, name), self.function_argument())
            if base is not None:
                node = tree.div(tree.func("ln", node[2][0]), tree.func("ln", base))
        if exponent is not None:
            node = tree.power(node, exponent)
        return node

    def function_argument(self) -> Node:
        c = self.peek()
        if c in "({":
            return self.primary()
        if not c:
            raise ParseError("function without argument")
        factors = [self.postfix()]
        while self.peek().isalnum():
            factors.append(self.postfix())
        return tree.mul(factors) if len(factors) > 1 else factors[0]


_STOP_COMMANDS = {
    "rfloor",
    "rceil",
    "rvert",
    "right",
    "cup",
    "cap",
    "le",
    "ge",
    "leq",
    "geq",
    "lt",
    "gt",
    "ne",
    "neq",
    "pm",
    "mp",
    "in",
    "to",
    "choose",
    "cdot",
    "times",
    "div",
    "}",
    "leqslant",
    "geqslant",
    "land",
    "lor",
    "text",
    "quad",
}
_FUNCTION_ALIASES = {"lg": "log10", "log": "log"}


def _letter(ch: str) -> Node:
    if ch in ("e", "i"):
        return _CONSTANTS[ch]
    return ("s", ch)

"""The expression language of a custom target: `sin(x) * x`, `x^2`, `where(x > 0, x, 0)`.

The text is tokenized and parsed (recursive descent) into a small tree of numbers, names, operators and
calls from a fixed whitelist; the tree is then evaluated with numpy in float64. Nothing the person typed is
ever handed to Python's `eval`: a name outside the whitelist, an attribute, a subscript, a string or a
lambda is simply not a token or not a rule of the grammar, and is refused with a message that points at it.

Grammar (lowest precedence first):

    comparison := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]     only as where()'s first argument
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | power
    power      := atom [("**" | "^") unary]                              right-associative: 2^3^2 = 2^9
    atom       := number | name | name "(" arguments ")" | "(" comparison ")"

As in Python and in mathematics, `-x^2` is `-(x^2)` and `2^-1` is 0.5; `^` is a power (nudge's examples
display their targets that way), never an exclusive or.

Bounds keep a hostile text cheap: at most MAX_LENGTH characters, MAX_DEPTH levels of nesting (parentheses,
calls, operators and unary signs all count), a literal exponent at most MAX_EXPONENT in size, and numbers that
are finite in float64. Every problem is a ConfigError on the field `target` that says what and where (the
column, counted from 1).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Union

import numpy as np

from .config import ConfigError, quoted

MAX_LENGTH = 200  # characters: a target is a formula, not a program
MAX_DEPTH = 24  # nested parentheses, calls and operators
MAX_EXPONENT = 64  # |p| of a literal power: x^64 already spans 10^64 at x = 10

FIELD = "target"

CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLE = "x"


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # the same function as 1/(1+exp(-a)), without overflow


@dataclass(frozen=True)
class Function:
    name: str
    arity: int
    evaluate: Callable[..., np.ndarray]
    source: str  # the numpy code, with {0}, {1}, {2} for the arguments


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("sin", 1, np.sin, "np.sin({0})"),
    Function("cos", 1, np.cos, "np.cos({0})"),
    Function("tan", 1, np.tan, "np.tan({0})"),
    Function("asin", 1, np.arcsin, "np.arcsin({0})"),
    Function("acos", 1, np.arccos, "np.arccos({0})"),
    Function("atan", 1, np.arctan, "np.arctan({0})"),
    Function("sinh", 1, np.sinh, "np.sinh({0})"),
    Function("cosh", 1, np.cosh, "np.cosh({0})"),
    Function("tanh", 1, np.tanh, "np.tanh({0})"),
    Function("exp", 1, np.exp, "np.exp({0})"),
    Function("log", 1, np.log, "np.log({0})"),
    Function("log2", 1, np.log2, "np.log2({0})"),
    Function("log10", 1, np.log10, "np.log10({0})"),
    Function("sqrt", 1, np.sqrt, "np.sqrt({0})"),
    Function("abs", 1, np.abs, "np.abs({0})"),
    Function("sign", 1, np.sign, "np.sign({0})"),
    Function("floor", 1, np.floor, "np.floor({0})"),
    Function("ceil", 1, np.ceil, "np.ceil({0})"),
    Function("round", 1, np.round, "np.round({0})"),
    Function("sigmoid", 1, _sigmoid, "0.5 * (1.0 + np.tanh(0.5 * ({0})))"),
    Function("relu", 1, lambda a: np.maximum(a, 0.0), "np.maximum({0}, 0.0)"),
    Function("min", 2, np.minimum, "np.minimum({0}, {1})"),
    Function("max", 2, np.maximum, "np.maximum({0}, {1})"),
    Function("where", 3, np.where, "np.where({0}, {1}, {2})"),
)}

COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
ARITHMETIC = ("+", "-", "*", "/", "^")

KNOWN_NAMES = f"expected x, pi, e or a function: {', '.join(FUNCTIONS)}"

# -- the tree -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Name:
    name: str  # "x", "pi" or "e"


@dataclass(frozen=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True)
class BinOp:
    op: str  # one of ARITHMETIC ("^" is the power) or COMPARISONS
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple["Node", ...]


Node = Union[Num, Name, Neg, BinOp, Call]

# Binding strength, for printing with as few parentheses as the grammar needs.
_PREC = {"cmp": 1, "+": 2, "-": 2, "*": 3, "/": 3, "neg": 4, "^": 5, "atom": 6}


def _prec(node: Node) -> int:
    if isinstance(node, BinOp):
        return _PREC["cmp"] if node.op in COMPARISONS else _PREC[node.op]
    if isinstance(node, Neg):
        return _PREC["neg"]
    if isinstance(node, Num) and node.value < 0:  # not made by the parser, but printable all the same
        return _PREC["neg"]
    return _PREC["atom"]


def _number_text(value: float) -> str:
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _has_x(node: Node) -> bool:
    return node == Name(VARIABLE) or any(_has_x(child) for child in _children(node))


def _constant_source(node: Node) -> str:
    """A part without x, as numpy code: its float64 value. Python's own float arithmetic would raise on 1/0 and
    turn (-8)^(1/3) complex where numpy gives inf and nan, so the value is computed here, exactly as
    `evaluate` computes it, and written with repr (which reads back to the same float)."""
    with np.errstate(all="ignore"):
        value = float(_evaluate(node, np.zeros(1)))
    if math.isnan(value):
        return "np.nan"
    if math.isinf(value):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def _render(node: Node, style: str) -> str:
    """The tree as text: style "text" (nudge's display, ^ for a power) or "numpy" (Python with np.)."""
    if style == "numpy" and isinstance(node, (BinOp, Call)) and not _has_x(node):
        return _constant_source(node)
    if isinstance(node, Num):
        return _number_text(node.value) if style == "text" else repr(node.value)
    if isinstance(node, Name):
        return node.name if node.name == VARIABLE or style == "text" else f"np.{node.name}"
    if isinstance(node, Neg):
        inner = _render(node.operand, style)
        # -(-x) and -(a - b) keep their parentheses; "--x" would read as a typo
        return f"-{inner}" if _prec(node.operand) > _PREC["neg"] else f"-({inner})"
    if isinstance(node, Call):
        args = [_render(a, style) for a in node.args]
        if style == "text":
            return f"{node.function}({', '.join(args)})"
        return FUNCTIONS[node.function].source.format(*args)
    prec = _prec(node)
    left, right = _render(node.left, style), _render(node.right, style)
    if node.op == "^":  # right-associative: the left side needs parentheses at the same strength
        if _prec(node.left) <= prec:
            left = f"({left})"
        if _prec(node.right) < _PREC["neg"]:
            right = f"({right})"
        return f"{left}{'^' if style == 'text' else ' ** '}{right}"
    if _prec(node.left) < prec:
        left = f"({left})"
    if _prec(node.right) <= prec:  # a - (b - c), a / (b * c)
        right = f"({right})"
    return f"{left} {node.op} {right}"


# -- tokens -------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/^(),<>])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    column: int  # 1-based


def _where(column: int) -> str:
    return f"at column {column}"


def _describe(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else f"{quoted(token.text)} {_where(token.column)}"


def _error(message: str) -> ConfigError:
    return ConfigError(FIELD, message)


def tokenize(text: str) -> list[Token]:
    """The tokens, ending with an "end" token. A character that no token starts with becomes a "bad" token,
    refused when the parser reaches it, so that the first problem in reading order is the one reported."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            tokens.append(Token("bad", text[pos], pos + 1))
            pos += 1
            continue
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _bad(token: Token) -> ConfigError:
    hint = {"=": " (compare with ==)", ".": " (no attributes)", "'": " (no strings)", '"': " (no strings)",
            "[": " (no subscripts)", "]": " (no subscripts)"}.get(token.text, "")
    return _error(f"{quoted(token.text)} {_where(token.column)} is not allowed{hint}; use numbers, x, pi, e, "
                  "+ - * / ^ ( ), comparisons inside where(), and functions such as sin(x)")


# -- the parser ---------------------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        if token.kind == "bad":
            raise _bad(token)
        self.i += 1
        return token

    def at(self, *texts: str) -> bool:
        if self.token.kind == "bad":
            raise _bad(self.token)
        return self.token.kind == "op" and self.token.text in texts

    def deeper(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(f"nests too deeply {_where(token.column)} (more than {MAX_DEPTH} levels); "
                         "write a shorter expression")

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise _error("empty; write an expression in x, e.g. sin(x) * x")
        node = _value(self.comparison())
        if self.token.kind != "end":
            token = self.token
            if token.kind == "bad":
                raise _bad(token)
            if token.kind in ("number", "name") or token.text == "(":
                raise _error(f"expected an operator before {_describe(token)} (write * to multiply)")
            if token.text == ")":
                raise _error(f"unmatched ) {_where(token.column)}")
            raise _error(f"unexpected {_describe(token)}")
        return node

    def comparison(self) -> Node:
        left = self.sum()
        if self.at(*COMPARISONS):
            op = self.take()
            right = _value(self.sum())
            if self.at(*COMPARISONS):
                raise _error(f"a second comparison {_where(self.token.column)}; compare two things at a time")
            return _Cmp(op.text, left, right, op.column)  # type: ignore[return-value]
        return left

    def sum(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            op = self.take().text
            node = BinOp(op, _value(node), _value(self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            node = BinOp(op, _value(node), _value(self.unary()))
        return node

    def unary(self) -> Node:
        if self.at("-", "+"):
            sign_token = self.take()
            sign = sign_token.text
            self.deeper(sign_token)
            operand = _value(self.unary())
            self.depth -= 1
            return Neg(operand) if sign == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("**", "^"):
            op = self.take()
            self.deeper(op)
            exponent = _value(self.unary())
            self.depth -= 1
            literal = _literal(exponent)
            if literal is not None and abs(literal) > MAX_EXPONENT:
                raise _error(f"the exponent {_number_text(literal)} after {op.text} {_where(op.column)} is too "
                             f"large; at most {MAX_EXPONENT} in size")
            return BinOp("^", _value(base), exponent)
        return base

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            try:
                value = float(token.text)
            except (ValueError, OverflowError):
                value = math.inf
            if not math.isfinite(value):
                raise _error(f"the number {quoted(token.text)} {_where(token.column)} is too large for float64")
            return Num(value)
        if token.kind == "name":
            return self.name(token)
        if token.kind == "op" and token.text == "(":
            self.deeper(token)
            if self.at(")"):
                raise _error(f"empty parentheses {_where(token.column)}")
            inner = self.comparison()
            self.depth -= 1
            if not self.at(")"):
                raise _error(f"missing ) for the ( {_where(token.column)}; found {_describe(self.token)}")
            self.take()
            return inner
        if token.kind == "end":
            raise _error(f"the expression ends too early {_where(token.column)}; a number, x or ( is missing")
        if token.text == ")":
            raise _error(f"unexpected ) {_where(token.column)}; a number, x or ( is missing before it")
        raise _error(f"unexpected {_describe(token)}; a number, x or ( was expected")

    def name(self, token: Token) -> Node:
        name = token.text
        if name in FUNCTIONS:
            if not self.at("("):
                raise _error(f"{name} {_where(token.column)} is a function; write {name}(...)")
            open_paren = self.take()
            self.deeper(open_paren)
            args: list[Node] = []
            if not self.at(")"):
                while True:
                    args.append(self.comparison())
                    if not self.at(","):
                        break
                    self.take()
            self.depth -= 1
            if not self.at(")"):
                raise _error(f"missing ) to close {name}( {_where(open_paren.column)}; found {_describe(self.token)}")
            self.take()
            function = FUNCTIONS[name]
            if len(args) != function.arity:
                wanted = {1: "1 argument", 2: "2 arguments", 3: "3 arguments"}[function.arity]
                raise _error(f"{name}() {_where(token.column)} takes {wanted}, not {len(args)}"
                             + ("; where(condition, then, otherwise)" if name == "where" else ""))
            for k, arg in enumerate(args):
                is_cmp = isinstance(arg, _Cmp)
                if is_cmp and not (name == "where" and k == 0):
                    raise _error(f"a comparison {_where(arg.column)} can only be where()'s first argument")
                if name == "where" and k == 0 and not is_cmp:
                    raise _error(f"where() {_where(token.column)} needs a comparison first, e.g. where(x > 0, x, 0)")
            return Call(name, tuple(_plain(a) for a in args))
        if name == VARIABLE or name in CONSTANTS:
            if self.at("("):
                raise _error(f"{name} {_where(token.column)} is not a function; write {name} * (...) to multiply")
            return Name(name)
        if self.token.kind == "op" and self.token.text == "(":
            raise _error(f"unknown function {quoted(name)} {_where(token.column)}; {KNOWN_NAMES}")
        raise _error(f"unknown name {quoted(name)} {_where(token.column)}; {KNOWN_NAMES}")


@dataclass(frozen=True)
class _Cmp(BinOp):
    """A comparison while parsing, with its column for messages; stored in the tree as a plain BinOp."""

    column: int = 0


def _value(node: Node) -> Node:
    """A node used as a number: a comparison there is refused (it is only where()'s condition)."""
    if isinstance(node, _Cmp):
        raise _error(f"a comparison {_where(node.column)} can only be where()'s first argument, "
                     "e.g. where(x > 0, x, 0)")
    return node


def _plain(node: Node) -> Node:
    return BinOp(node.op, node.left, node.right) if isinstance(node, _Cmp) else node


def _literal(node: Node) -> float | None:
    """The value of a number, or of a negated number: the exponents the bound looks at."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg):
        inner = _literal(node.operand)
        return None if inner is None else -inner
    return None


# -- evaluation ---------------------------------------------------------------------------------------------

def _evaluate(node: Node, x: np.ndarray) -> np.ndarray | np.float64:
    """The values at x: an array, or a float64 scalar for a part without x. Operators are Python's (`a ** b`,
    not np.power), so that numpy takes the same paths as `numpy_source()`'s code (`a ** -1.0` is numpy's
    reciprocal, a hair from np.power's): the two agree bit for bit."""
    if isinstance(node, Num):
        return np.float64(node.value)
    if isinstance(node, Name):
        return x if node.name == VARIABLE else np.float64(CONSTANTS[node.name])
    if isinstance(node, Neg):
        return -_evaluate(node.operand, x)
    if isinstance(node, Call):
        return FUNCTIONS[node.function].evaluate(*(_evaluate(a, x) for a in node.args))
    left, right = _evaluate(node.left, x), _evaluate(node.right, x)
    return _OPERATORS[node.op](left, right)


_OPERATORS: dict[str, Callable] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "^": lambda a, b: a ** b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def _array(values, x: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.asarray(values, np.float64), x.shape).copy()


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _first_failure(node: Node, x: np.ndarray, counts: np.ndarray) -> tuple[Node, int] | None:
    """The innermost part of the tree that turns finite values into a non-finite one, and the index of the
    first x where it does, among the x that `counts` (where() only counts the branch it takes); None when
    the whole is finite there."""
    if isinstance(node, Call) and node.function == "where":
        taken = _array(_evaluate(node.args[0], x), x) != 0
        parts = [(node.args[0], counts), (node.args[1], counts & taken), (node.args[2], counts & ~taken)]
    else:
        parts = [(child, counts) for child in _children(node)]
    for child, child_counts in parts:
        found = _first_failure(child, x, child_counts)
        if found is not None:
            return found
    if isinstance(node, BinOp) and node.op in COMPARISONS:
        return None  # true or false, never infinite
    bad = np.flatnonzero(counts & ~np.isfinite(_array(_evaluate(node, x), x)))
    return (node, int(bad[0])) if len(bad) else None


@dataclass(frozen=True)
class Expression:
    """A parsed expression in x. `text` is its canonical display (from the tree, ^ for a power)."""

    tree: Node

    @property
    def text(self) -> str:
        return _render(self.tree, "text")

    def numpy_source(self) -> str:
        """The expression as Python with numpy, in `x` and `np`, generated from the tree (never from the typed
        text): `np.sin(x) * x`. Numbers are written with repr, so the code computes the same float64 values."""
        return _render(self.tree, "numpy")

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """The values at x (float64, the shape of x); non-finite values are left in (see `finite_values`)."""
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            return _array(_evaluate(self.tree, x), x)

    def finite_values(self, x: np.ndarray) -> np.ndarray:
        """The values at x, or ConfigError naming the part that is not finite and where:
        "exp(x^3) is not a finite number at x=5"."""
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            y = _array(_evaluate(self.tree, x), x)
            if np.isfinite(y).all():
                return y
            found = _first_failure(self.tree, x, np.ones(x.shape, bool))
        part, at = found if found is not None else (self.tree, int(np.flatnonzero(~np.isfinite(y))[0]))
        with np.errstate(all="ignore"):
            value = float(_array(_evaluate(part, x[at:at + 1]), x[at:at + 1])[0])
        what = "infinite (too large for float64)" if math.isinf(value) else "not a number (undefined)"
        whole = "" if part == self.tree else f" in {self.text}"
        raise _error(f"{_render(part, 'text')}{whole} is {what} at x={_number_text(float(x[at]))}")


def parse_expression(text: str) -> Expression:
    """Parse a target expression, or ConfigError on the field `target` saying what is wrong and where."""
    if not isinstance(text, str):
        raise _error(f"{quoted(text)} is not allowed; expected an expression in x, e.g. sin(x) * x")
    return _parse(text)


@lru_cache(maxsize=256)
def _parse(text: str) -> Expression:
    if len(text) > MAX_LENGTH:
        raise _error(f"{quoted(text)} is too long; at most {MAX_LENGTH} characters")
    if not text.strip():
        raise _error("empty; write an expression in x, e.g. sin(x) * x")
    return Expression(_Parser(text).parse())

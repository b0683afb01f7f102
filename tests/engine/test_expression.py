"""The custom target's expression language: what parses, how it binds, what it computes, and that every
mistake (and every hostile text) is a ConfigError that points at the problem, with nothing of the text run."""

import builtins
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "nudge-hypothesis"))

from engine import ConfigError
from engine.expression import FUNCTIONS, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, parse_expression

FAST = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
XS = np.linspace(-3.0, 3.0, 13)


def values(text: str, x=XS) -> np.ndarray:
    return parse_expression(text).evaluate(np.asarray(x, np.float64))


def error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_expression(text)
    assert info.value.field == "target"
    return str(info.value)


# -- what the issue's examples mean ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("sin(x) * x", np.sin(XS) * XS),
    ("abs(x)", np.abs(XS)),
    ("x**3 - 2*x", XS**3 - 2 * XS),
    ("exp(-x**2)", np.exp(-XS**2)),
    ("where(x > 0, x, 0)", np.where(XS > 0, XS, 0.0)),
    ("x^2", XS**2),
    ("-x**2", -(XS**2)),
    ("sigmoid(x) + relu(x)", 1 / (1 + np.exp(-XS)) + np.maximum(XS, 0)),
    ("min(x, 1) * max(x, -1) + floor(x)", np.minimum(XS, 1) * np.maximum(XS, -1) + np.floor(XS)),
    ("pi * e", np.full_like(XS, math.pi * math.e)),
    ("3", np.full_like(XS, 3.0)),
])
def test_the_issues_examples_compute_what_they_say(text, expected):
    np.testing.assert_allclose(values(text), expected, rtol=1e-12, atol=1e-15)  # float64 rounding, a few ulps


@pytest.mark.parametrize("text, same_as", [
    ("2^3^2", "2^(3^2)"),  # a power is right-associative
    ("-x^2", "-(x^2)"),  # the power binds before the sign
    ("2^-1", "0.5"),
    ("1 - 2 - 3", "(1 - 2) - 3"),  # the others are left-associative
    ("8 / 4 / 2", "(8 / 4) / 2"),
    ("1 + 2 * 3", "1 + (2 * 3)"),
    ("x ** 2", "x ^ 2"),  # ** and ^ are the same power
    ("--x", "x"),
    ("+x", "x"),
    ("-2 * x", "(-2) * x"),
])
def test_precedence_and_associativity_follow_mathematics(text, same_as):
    np.testing.assert_array_equal(values(text), values(same_as))


def test_the_canonical_text_reads_back_as_the_same_tree():
    for text in ["sin(x)*x", "x**3-2*x", "2^3^2", "(2^3)^2", "-(x-1)", "x - -x", "(-x)^2", "2^-x", "-(-x)",
                 "where(x>=0, sqrt(x), -x)", "1e-5 * x", "0.1 + x / (x * 3)"]:
        expression = parse_expression(text)
        assert parse_expression(expression.text).tree == expression.tree, text
    assert parse_expression("x**2").text == "x^2"
    assert parse_expression("sin( x )*x").text == "sin(x) * x"


def test_numpy_source_comes_from_the_tree_and_computes_the_same_values():
    for text in ["sin(x) * x", "-x^2 + 2^-x", "where(x > 0, log(x + 1), 0)", "sigmoid(x) * relu(x - 1)",
                 "min(x, 1) / max(abs(x), 1)", "pi * e * x", "(2^3)^2 - x"]:
        expression = parse_expression(text)
        source = expression.numpy_source()
        # Our own generated code, run here to prove it equals the evaluator: only x and np in scope.
        with np.errstate(all="ignore"):
            got = eval(source, {"__builtins__": {}}, {"x": XS, "np": np})  # noqa: S307
        np.testing.assert_allclose(np.broadcast_to(got, XS.shape), values(text), rtol=1e-15, atol=0)
    assert parse_expression("sin(x)*x").numpy_source() == "np.sin(x) * x"
    # a part without x is its float64 value: Python's floats would raise on 1/0 where numpy gives inf
    assert parse_expression("x + 1/0").numpy_source() == "x + np.inf"
    assert parse_expression("2^3 * x").numpy_source() == "8.0 * x"


# -- every mistake points at itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, says", [
    ("", "empty"),
    ("   ", "empty"),
    ("sin(x", "missing ) to close sin( at column 4"),
    ("((x)", "missing ) for the ( at column 1"),
    ("x)", "unmatched ) at column 2"),
    ("y * 2", "unknown name 'y' at column 1"),
    ("foo(x)", "unknown function 'foo' at column 1"),
    ("2x", "expected an operator before 'x' at column 2"),
    ("x +", "ends too early at column 4"),
    ("x ^ 100", f"exponent 100 after ^ at column 3 is too large; at most {MAX_EXPONENT}"),
    ("x ** -65", "exponent -65"),
    ("1e400", "the number '1e400' at column 1 is too large"),
    ("x.real", "'.' at column 2 is not allowed (no attributes)"),
    ("x[0]", "'[' at column 2 is not allowed (no subscripts)"),
    ("'a'", "no strings"),
    ("x = 1", "compare with =="),
    ("x > 0", "comparison at column 3 can only be where()'s first argument"),
    ("(x > 0) * 2", "comparison at column 4"),
    ("where(x, 1, 0)", "needs a comparison first"),
    ("where(x > 0, x)", "takes 3 arguments, not 2"),
    ("sin(x, x)", "sin() at column 1 takes 1 argument, not 2"),
    ("sin", "sin at column 1 is a function"),
    ("x(2)", "x at column 1 is not a function"),
    ("()", "empty parentheses at column 1"),
    ("1 < x < 2", "a second comparison at column 7"),
    ("x" * (MAX_LENGTH + 1), f"too long; at most {MAX_LENGTH} characters"),
    ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), f"nests too deeply at column {MAX_DEPTH + 1}"),
    ("-" * (MAX_DEPTH + 1) + "x", "nests too deeply"),
    ("__import__('os')", "unknown function '__import__' at column 1"),
    ("x.__class__", "'.' at column 2 is not allowed (no attributes)"),
    ("lambda: 1", "unknown name 'lambda' at column 1"),
])
def test_every_mistake_is_a_config_error_that_points_at_it(text, says):
    message = error(text)
    assert says in message
    assert message.startswith("target: ") and "\n" not in message and len(message) < 500


def test_a_value_that_is_not_finite_names_the_part_and_the_x():
    with pytest.raises(ConfigError, match=r"exp\(x\^3\) is infinite \(too large for float64\) at x=10"):
        parse_expression("exp(x**3)").finite_values(np.array([0.0, 10.0]))
    with pytest.raises(ConfigError, match=r"log\(x\) in log\(x\) \+ 1 is not a number \(undefined\) at x=-1"):
        parse_expression("log(x) + 1").finite_values(np.array([1.0, -1.0]))
    with pytest.raises(ConfigError, match=r"1 / x is infinite .* at x=0"):
        parse_expression("1 / x").finite_values(np.array([0.0]))
    # the branch where() does not take may be undefined, and is not blamed for another part's failure
    with pytest.raises(ConfigError, match=r"1 / x in .* is infinite .* at x=0"):
        parse_expression("where(x > 0, log(x), 0) + 1 / x").finite_values(np.array([-1.0, 0.0]))
    assert np.isfinite(parse_expression("where(x > 0, log(x), 0)").finite_values(XS)).all()


# -- hostile text ---------------------------------------------------------------------------------------------

ALPHABET = "x0123456789.eE+-*/^()<>=!, abcdefghijklmnopqrstuvwyz_[]'\"\\:;{}@#$%&|~`?\t\n"
FRAGMENTS = st.sampled_from([
    "x", "2", "1e308", "9" * 400, ".5", "e", "pi", "(", ")", "**", "^", "-", "+", "*", "/", ",", " ", "sin(", "where(",
    "x > 0", "__import__", "__class__", ".__globals__", "lambda", "os.system", "exec", "eval", "open", "[0]",
    "'rm -rf'", "\x00", "é", "٣", "🙂", "10**10**10", "x^64", "x^65", "exp(exp(exp(x)))", ";", "import os",
])
HOSTILE = st.one_of(st.text(alphabet=ALPHABET, max_size=80), st.text(max_size=40),
                    st.lists(FRAGMENTS, max_size=30).map("".join))


def _guard(monkeypatch):
    """Whatever the parser does must not reach Python's own ways of running text."""
    def refuse(*args, **kwargs):
        raise AssertionError("the expression language ran Python")
    for name in ("eval", "exec", "compile", "open"):
        monkeypatch.setattr(builtins, name, refuse)


@FAST
@given(text=HOSTILE)
def test_any_text_parses_or_is_a_config_error_and_nothing_runs(text):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _guard(monkeypatch)
        try:
            expression = parse_expression(text)
        except ConfigError as exc:
            assert exc.field == "target" and len(str(exc)) < 500 and "\n" not in str(exc)
            return
        try:
            y = expression.finite_values(XS)
        except ConfigError as exc:
            assert exc.field == "target" and "at x=" in str(exc)
        else:
            assert y.shape == XS.shape and y.dtype == np.float64 and np.isfinite(y).all()
    assert parse_expression(expression.text).tree == expression.tree


# Trees built from the grammar: their text parses back to them, and their numpy source agrees.
LEAVES = st.one_of(st.just("x"), st.sampled_from(["pi", "e"]),
                   st.floats(0, 100, allow_nan=False).map(lambda f: f"{f:g}"))


def _combine(inner):
    unary = st.sampled_from(sorted(n for n, f in FUNCTIONS.items() if f.arity == 1))
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.integers(-4, 4)).map(lambda t: f"({t[0]})^{t[1]}"),
        inner.map(lambda a: f"-{a}"),
        st.tuples(unary, inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"where({t[0]} < {t[1]}, {t[2]}, x)"),
    )


TREES = st.recursive(LEAVES, _combine, max_leaves=8).filter(lambda t: len(t) <= MAX_LENGTH)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # the recursive strategy's long repr
@FAST
@given(text=TREES)
def test_grammar_built_text_round_trips_and_its_numpy_source_agrees(text):
    try:
        expression = parse_expression(text)
    except ConfigError as exc:  # only the depth bound can refuse text the grammar builds
        assert "nests too deeply" in str(exc)
        return
    assert parse_expression(expression.text).tree == expression.tree
    with np.errstate(all="ignore"):
        ours = expression.evaluate(XS)
        theirs = np.broadcast_to(eval(expression.numpy_source(), {"__builtins__": {}}, {"x": XS, "np": np}),  # noqa: S307
                                 XS.shape)
    # Identical operations in the same order (sigmoid is written the same way in both): equal, NaN included.
    np.testing.assert_array_equal(ours, theirs)

"""Custom examples from a TOML file: added beside the built-in ones with their own defaults, each checked by
the custom example's rules, every problem naming the file, the entry and the key."""

import pytest

from engine import ConfigError, RunConfig, all_examples, example_ids, load_examples_file, read_examples_file
from engine.examples import EXAMPLES, remove_added_examples


@pytest.fixture(autouse=True)
def registry():
    yield
    remove_added_examples()  # the registry is process-wide: leave it as the other tests expect it


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


GOOD = '''
[[example]]
id = "damped-wave"
title = "A damped wave"
target = "exp(-x^2 / 8) * sin(3 * x)"
epochs = 60
hidden = [8]

[[example]]
id = "my-points"
data = "points.csv"
y_col = "h"
'''


def test_examples_load_beside_the_built_in_ones_with_their_defaults(tmp_path):
    (tmp_path / "points.csv").write_text("t,h\n0,1\n1,3\n2,5\n")
    loaded = load_examples_file(write(tmp_path, GOOD))
    assert [e.id for e in loaded] == ["damped-wave", "my-points"]
    assert example_ids()[:len(EXAMPLES)] == [e.id for e in EXAMPLES] and example_ids()[-2:] == ["damped-wave", "my-points"]
    wave = RunConfig.for_example("damped-wave")
    assert (wave.target, wave.epochs, wave.hidden, wave.optimizer) == ("exp(-x^2 / 8) * sin(3 * x)", 60, (8,), "adam")
    assert wave.example.truth_text == wave.target and wave.example.title == "A damped wave"
    mine = RunConfig.for_example("my-points")
    assert mine.data == str(tmp_path / "points.csv")  # relative to the examples file, not to where nudge runs
    assert (mine.points, mine.target, mine.y_col) == (3, "", "h")
    # a flag's target replaces the example's data, as for the built-in custom example
    assert RunConfig.for_example("my-points", strict=True, target="x").data == ""
    assert all_examples()[-1].summary == "Your own example: the points in points.csv."


@pytest.mark.parametrize("text, says", [
    ("", "holds no [[example]] tables"),
    ("title = 'x'", "'title' is not a key of an examples file"),
    ("[[example]]\ntarget = 'x'", "example 1: id: None is not allowed"),
    ("[[example]]\nid = 'Bad Id'\ntarget = 'x'", "example 1: id: 'Bad Id' is not allowed"),
    ("[[example]]\nid = 'linear-3x'\ntarget = 'x'", "example 1 (linear-3x): id: already taken"),
    ("[[example]]\nid = 'a'\ntarget = 'x'\n[[example]]\nid = 'a'\ntarget = 'x'", "example 2 (a): id: already taken"),
    ("[[example]]\nid = 'a'", "example 1 (a): needs a target (an expression in x) or data"),
    ("[[example]]\nid = 'a'\ntarget = 'sin(x'", "example 1 (a): target: missing ) to close sin( at column 4"),
    ("[[example]]\nid = 'a'\ntarget = 'x'\nepochs = 0", "example 1 (a): epochs: 0 is not allowed"),
    ("[[example]]\nid = 'a'\ntarget = 'x'\nstep = 1", "example 1 (a): step: does not apply to custom"),
    ("[[example]]\nid = 'a'\ntarget = 'x'\ncolour = 1", "example 1 (a): colour: unknown setting"),
    ("[[example]]\nid = 'a'\ndata = 'nope.csv'", "nope.csv' does not exist"),
    ("[[example]]\nid = 'a'\ntarget = 'x'\ntitle = 5", "example 1 (a): title: 5 is not allowed"),
    ("[[example", "is not valid TOML"),
])
def test_a_bad_examples_file_names_the_file_the_entry_and_the_key(tmp_path, text, says):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read_examples_file(path)
    message = info.value.message("cli")
    assert message.startswith("--examples: ") and "mine.toml" in message and says in message, message
    assert example_ids() == [e.id for e in EXAMPLES]  # nothing was added


def test_a_missing_examples_file_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="cannot read .*nope.toml"):
        read_examples_file(str(tmp_path / "nope.toml"))

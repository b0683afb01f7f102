"""Weights files: a plain PyTorch state_dict of the README's nn.Sequential, loaded back only whole and only if it
fits, never by unpickling anything but tensors; training continues from them."""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from engine import ConfigError, RunConfig, RunController, load_weights, nudge_version, weights_bytes  # noqa: E402
from engine.weights import check_state, file_version, ordered_state, state_keys  # noqa: E402


def trained(config):
    return RunController(config).run().params


def save(tmp_path, config, params, name="w.pt"):
    path = tmp_path / name
    path.write_bytes(weights_bytes(config, params))
    return str(path)


def test_the_file_is_a_state_dict_plain_pytorch_loads_into_the_readmes_sequential(tmp_path):
    config = RunConfig.for_example("parabola-noisy", epochs=5)  # Linear(1,5), Sigmoid, Linear(5,5), ReLU, Linear(5,1)
    params = trained(config)
    state = torch.load(save(tmp_path, config, params), weights_only=True)
    model = nn.Sequential(nn.Linear(1, 5), nn.Sigmoid(), nn.Linear(5, 5), nn.ReLU(), nn.Linear(5, 1))
    model.load_state_dict(state)  # strict: exactly these keys and shapes
    for p, want in zip(model.parameters(), params):
        assert np.array_equal(p.detach().numpy().ravel(), want)
    assert file_version(state) == nudge_version()


def test_load_gives_back_the_saved_parameters_exactly(tmp_path):
    config = RunConfig.for_example("parabola-relu", epochs=3, hidden="6,3")
    params = trained(config)
    assert np.array_equal(load_weights(save(tmp_path, config, params), config), np.concatenate(params))


@pytest.mark.parametrize("backend", ["autograd", "kernel"])
def test_continuing_from_saved_weights_equals_training_on(tmp_path, backend):
    # Plain SGD without momentum keeps no optimizer state, so 20 epochs, saved, then 10 from the file must be
    # the 30-epoch run: the same operations on the same numbers. (With momentum or Adam the optimizer starts
    # fresh, which is exactly what differs.)
    config = RunConfig.for_example("parabola-sigmoid", momentum=0.0, backend=backend)
    first = trained(config.with_values(epochs=20))
    path = save(tmp_path, config, first)
    more = RunController(config.with_values(epochs=10), initial_params=load_weights(path, config)).run().params
    straight = trained(config.with_values(epochs=30))
    for a, b in zip(more, straight):
        assert np.array_equal(a, b)


def test_a_state_dict_of_another_net_is_refused_naming_each_mismatch(tmp_path):
    small = RunConfig.for_example("parabola-relu", hidden="4", activation="relu")
    path = save(tmp_path, small, trained(small.with_values(epochs=1)))
    with pytest.raises(ConfigError) as info:
        load_weights(path, RunConfig.for_example("parabola-relu", hidden="4,2"))
    message = str(info.value)
    assert "does not fit the 1-4-2-1 net" in message
    assert "2.weight is [1, 4], this model's is [2, 4]" in message and "4.weight is missing" in message
    assert message.endswith("nothing was loaded")


@pytest.mark.parametrize("change, problem", [
    (lambda s: s.pop("0.bias"), "0.bias is missing"),
    (lambda s: s.__setitem__("extra", torch.zeros(1)), "1 tensor this model does not have ('extra')"),
    (lambda s: s.__setitem__("0.weight", torch.full((2, 1), float("nan"))), "0.weight holds values that are not finite"),
    (lambda s: s.__setitem__("0.weight", torch.ones((2, 1), dtype=torch.int64)), "0.weight holds int64 values"),
    (lambda s: s.__setitem__("0.bias", [1.0, 2.0]), "0.bias is a list, not a tensor"),
])
def test_each_kind_of_mismatch_is_named(change, problem):
    config = RunConfig.for_example("parabola-sigmoid")
    state = ordered_state(config, np.zeros(7, np.float32))
    change(state)
    with pytest.raises(ConfigError, match=re.escape(problem)):
        check_state(state, config)


def test_files_that_are_not_weights_are_refused_without_running_anything(tmp_path):
    config = RunConfig.for_example("linear-3x")
    evil = tmp_path / "evil.pt"
    torch.save({"0.weight": torch.zeros(1, 1), "hook": print}, evil)  # an object weights_only must not unpickle
    with pytest.raises(ConfigError, match="holds objects other than tensors"):
        load_weights(str(evil), config)
    text = tmp_path / "notes.pt"
    text.write_text("not weights")
    with pytest.raises(ConfigError, match="is not a PyTorch weights file"):
        load_weights(str(text), config)
    listed = tmp_path / "list.pt"
    torch.save([torch.zeros(1)], listed)
    with pytest.raises(ConfigError, match="holds a list, not a state_dict"):
        load_weights(str(listed), config)
    with pytest.raises(ConfigError, match="cannot read .*No such file"):
        load_weights(str(tmp_path / "missing.pt"), config)


def test_nudge_3x_has_no_weights_file():
    config = RunConfig.for_example("nudge-3x")
    with pytest.raises(ConfigError, match="nudge-3x has no PyTorch model"):
        weights_bytes(config, [])
    with pytest.raises(ConfigError, match="nudge-3x has no PyTorch model"):
        load_weights("w.pt", config)


def test_state_keys_follow_the_sequentials_numbering():
    config = RunConfig.for_example("parabola-relu")
    model = nn.Sequential(nn.Linear(1, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
    assert [(k, tuple(v.shape)) for k, v in model.state_dict().items()] == state_keys(config)

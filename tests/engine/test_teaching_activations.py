"""Activations: values as the models apply them, slopes as torch's autograd computes them, a sentence each."""

import numpy as np
import pytest

from engine.config import ACTIVATIONS
from engine.models import activate
from engine.teaching.activations import ABOUT, activation_curve, slope, value

KINKED = {"relu", "leaky_relu"}


def test_every_activation_the_config_accepts_has_a_formula_and_a_sentence():
    assert set(ABOUT) == set(ACTIVATIONS)
    for about in ABOUT.values():
        assert about.formula and len(about.sentence.split()) >= 12


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_values_are_the_models_own(name):
    z = np.linspace(-7, 7, 57)
    np.testing.assert_array_equal(value(name, z), activate(name, z))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_slopes_match_central_differences_away_from_kinks(name):
    z = np.linspace(-6, 6, 241)
    if name in KINKED:
        z = z[np.abs(z) > 1e-3]  # the kink at 0 has no derivative; its convention is tested below
    h = 1e-5
    numeric = (value(name, z + h) - value(name, z - h)) / (2 * h)
    np.testing.assert_allclose(slope(name, z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_slopes_follow_torch_autograd_including_at_zero(name):
    torch = pytest.importorskip("torch")
    makers = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
              "leaky_relu": torch.nn.functional.leaky_relu, "identity": lambda t: t * 1.0}
    z = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0], dtype=torch.float64, requires_grad=True)
    makers[name](z).sum().backward()
    np.testing.assert_allclose(slope(name, z.detach().numpy()), z.grad.numpy(), rtol=1e-12)


def test_the_kink_conventions_are_torchs():
    assert slope("relu", np.array([0.0]))[0] == 0.0
    assert slope("leaky_relu", np.array([0.0]))[0] == 0.01


def test_a_curve_has_a_point_at_zero_and_flattens_the_sigmoid_at_its_ends():
    curve = activation_curve("sigmoid")
    assert 0.0 in curve.z and curve.z[0] == -6 and curve.z[-1] == 6
    assert curve.value[0] < 0.01 and curve.value[-1] > 0.99 and curve.slope.max() == 0.25
    with pytest.raises(ValueError, match="unknown activation"):
        activation_curve("softmax")

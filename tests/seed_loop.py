"""The seed notebook's training loop, written out independently of the engine (and its bugs fixed), for
tests and benchmarks to hold the engine against; and how far that loop moves on its own when its float32
arithmetic is disturbed by one ulp, the yardstick for a faster path that rounds differently.

It builds the notebook's own module classes after `torch.manual_seed(seed)`, makes a tensor per sample as
the notebook does, and steps `torch.optim.SGD` once per sample in data order.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch import nn


class Net(nn.Module):  # linear-3x, linear-noisy
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 1)

    def forward(self, x):
        return self.fc1(x)


class SigmoidNet(nn.Module):  # parabola-sigmoid
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 2)
        self.fc2 = nn.Sigmoid()
        self.fc3 = nn.Linear(2, 1)

    def forward(self, x):
        return self.fc3(self.fc2(self.fc1(x)))


class ReluNet(nn.Module):  # parabola-relu
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 10)
        self.fc2 = nn.ReLU()
        self.fc3 = nn.Linear(10, 10)
        self.fc4 = nn.ReLU()
        self.fc5 = nn.Linear(10, 1)

    def forward(self, x):
        return self.fc5(self.fc4(self.fc3(self.fc2(self.fc1(x)))))


class NonLinearNet(nn.Module):  # parabola-noisy
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 5)
        self.fc2 = nn.Sigmoid()
        self.fc3 = nn.Linear(5, 5)
        self.fc4 = nn.ReLU()
        self.fc5 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc5(self.fc4(self.fc3(self.fc2(self.fc1(x)))))


SEED_SETUPS = {
    # id: (module class, X, Y function, lr, momentum, epochs)
    "linear-3x": (Net, np.arange(1.0, 7.0), lambda x: 3 * x, 0.01, 0.2, 201),
    "parabola-sigmoid": (SigmoidNet, np.arange(-5.0, 6.0), lambda x: x**2, 0.001, 0.1, 2000),
    "parabola-relu": (ReluNet, np.arange(-5.0, 6.0), lambda x: x**2, 0.001, 0.1, 2000),
}


def loss_function(prediction, actual):
    return (actual - prediction) ** 2


def setup(example: str, seed: int = 0):
    """The notebook's module built after `torch.manual_seed(seed)`, its optimizer, X and Y; untrained, so a
    benchmark can time `train` alone."""
    cls, X, f, lr, momentum, _ = SEED_SETUPS[example]
    torch.manual_seed(seed)
    net = cls()
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    return net, optimizer, X, [f(x) for x in X]


def train(net, optimizer, X, Y, epochs: int, zero_grad: bool = True, after_step=None, after_epoch=None):
    """The notebook's loop (fixed): per sample, in data order. The hooks get the module."""
    for _epoch in range(epochs):
        for i in range(len(X)):
            x = torch.tensor([X[i]]).float()
            y = torch.tensor([Y[i]]).float()
            if zero_grad:
                optimizer.zero_grad()
            prediction = net(x)
            loss = loss_function(prediction, y)
            loss.backward()
            optimizer.step()
            if after_step is not None:
                after_step(net)
        if after_epoch is not None:
            after_epoch(net)
    return net


def seed_loop(example: str, seed: int = 0, epochs: int | None = None, zero_grad: bool = True):
    """Train as the notebook does (fixed); returns the module."""
    net, optimizer, X, Y = setup(example, seed)
    return train(net, optimizer, X, Y, default_epochs(example) if epochs is None else epochs, zero_grad)


def default_epochs(example: str) -> int:
    return SEED_SETUPS[example][5]


def flat_params(net: nn.Module) -> list[list[float]]:
    return [p.detach().reshape(-1).tolist() for p in net.parameters()]


def flat(net: nn.Module) -> np.ndarray:
    return torch.cat([p.detach().reshape(-1) for p in net.parameters()]).numpy().copy()


# ---------------------------------------------------------------------------------------------------------
# How far the loop moves on its own. A path that rounds differently (another CPU's BLAS, the compiled kernel)
# can only be held to the notebook as closely as the notebook holds to itself under the same disturbance.

EPS32 = float(np.finfo(np.float32).eps)  # 2**-23: one ulp of 1.0
SPREAD_FACTOR = 2  # see within_reach


def deviation(got, want) -> float:
    """max |got - want|, relative where |want| > 1: in units of EPS32, how many ulps apart at most."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    if got.size == 0:
        return 0.0
    return float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))))


def rounding_allowance(steps: int) -> float:
    """What rounding alone accounts for after `steps` optimizer steps if nothing amplifies: two float32
    evaluations of one step round apart by at most one ulp of each parameter (EPS32 relative where |p| > 1,
    less below), so n steps part them by at most n ulps. Measured on short runs: about sqrt(n)/2 ulps, a
    random walk; anything beyond n ulps needs amplification to explain it."""
    return steps * EPS32


def within_reach(dev: float, spread: float) -> bool:
    """A deviation explained by the trajectory's own sensitivity: `spread` is how far torch moves from
    itself when every parameter is moved by one ulp (the farthest of the TWINS). The other path's deviation
    is one more sample of that spread, so it may exceed the farthest twin; twice the farthest covers it
    (measured on four CPU paths where this rule decides: at most 1.05x the farthest twin)."""
    return dev <= SPREAD_FACTOR * spread


def explained(got, want, twins, steps: int | None = None, what: str = "params") -> tuple[bool, str]:
    """Whether `got` (another path) lies as close to `want` (torch) as float32 allows, and a line saying
    how close: equal; or within the rounding allowance of `steps` optimizer steps; or within reach of
    torch's own spread, twins() giving the same outputs from torch disturbed by one ulp (run only when
    needed). steps=None gives no allowance: for long runs, where n ulps would exceed what amplification
    produces and so tell nothing."""
    dev = deviation(got, want)
    ulps = f"{what} {dev:.3g} apart ({dev / EPS32:.0f} float32 ulps)"
    if dev == 0:
        return True, f"{what} equal bit for bit"
    if steps is not None and dev <= rounding_allowance(steps):
        return True, f"{ulps}, within {steps} steps of rounding ({rounding_allowance(steps):.3g})"
    spread = max(deviation(twin, want) for twin in twins())
    ok = within_reach(dev, spread)
    return ok, (f"{ulps}; torch moves {spread:.3g} from itself under a one-ulp disturbance"
                + ("" if ok else f", and that is more than {SPREAD_FACTOR}x as far")
                + ("" if steps is None else f" (rounding over {steps} steps: {rounding_allowance(steps):.3g})"))


def nudge(net: nn.Module, rng: np.random.Generator) -> None:
    """Move every parameter one ulp, up or down at random."""
    with torch.no_grad():
        for p in net.parameters():
            a = p.detach().numpy()  # shares memory with p
            a[...] = np.nextafter(a, np.where(rng.random(a.shape) < 0.5, -np.inf, np.inf).astype(np.float32))


# The disturbances torch's own spread is measured with: its start moved one ulp (two random directions),
# and one ulp of jitter on every parameter after every step, the most a different rounding of the step can
# change it by (the jitter keeps disturbing a run that would otherwise shrink a one-time nudge back).
TWINS = ("start-a", "start-b", "jitter")
TWIN_SEEDS = {"start-a": 1, "start-b": 2, "jitter": 3}
# The 2000-epoch runs use two (each twin is another full run): a start twin catches the one-off divergences
# any disturbance sets off (on parabola-relu a ReLU unit switching some steps earlier or later parts the runs
# by 1.75e-3 near epoch 1000: the kernel on MKL's AVX2 and AVX-512 paths and torch from four one-ulp
# starts, all 1.75e-3); the jitter the rounding that keeps coming (parabola-sigmoid without ATen's FMA:
# the kernel 8e-7 apart, a one-ulp start only 2e-7 to 6e-7, one ulp of jitter per step 1.3e-5).
LONG_TWINS = ("start-a", "jitter")


def trajectory(example: str, seed: int = 0, epochs: int | None = None, zero_grad: bool = True,
               twin: str | None = None) -> np.ndarray:
    """The loop's flat parameters before training (row 0) and after every epoch, [epochs + 1, P] float32;
    with `twin` (one of TWINS), the loop so disturbed. Cached (read-only): the tests share these runs."""
    return _trajectory(example, seed, default_epochs(example) if epochs is None else epochs, zero_grad, twin)


@lru_cache(maxsize=None)
def _trajectory(example, seed, epochs, zero_grad, twin):
    net, optimizer, X, Y = setup(example, seed)
    rows = [flat(net)]
    rng = np.random.default_rng(TWIN_SEEDS.get(twin, 0))
    if twin in ("start-a", "start-b"):
        nudge(net, rng)
    after_step = (lambda module: nudge(module, rng)) if twin == "jitter" else None
    train(net, optimizer, X, Y, epochs, zero_grad, after_step, lambda module: rows.append(flat(module)))
    rows = np.stack(rows)
    rows.flags.writeable = False
    return rows

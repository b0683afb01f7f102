"""The seed notebook's training loop, written out independently of the engine (and its bugs fixed), for
tests and benchmarks to hold the engine against.

It builds the notebook's own module classes after `torch.manual_seed(seed)`, makes a tensor per sample as
the notebook does, and steps `torch.optim.SGD` once per sample in data order.
"""

from __future__ import annotations

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


def seed_loop(example: str, seed: int = 0, epochs: int | None = None, zero_grad: bool = True):
    """Train as the notebook does (fixed); returns (module, [loss of the last sample of each epoch])."""
    cls, X, f, lr, momentum, default_epochs = SEED_SETUPS[example]
    Y = [f(x) for x in X]
    torch.manual_seed(seed)
    net = cls()
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    for _epoch in range(default_epochs if epochs is None else epochs):
        for i in range(len(X)):
            x = torch.tensor([X[i]]).float()
            y = torch.tensor([Y[i]]).float()
            if zero_grad:
                optimizer.zero_grad()
            prediction = net(x)
            loss = loss_function(prediction, y)
            loss.backward()
            optimizer.step()
    return net


def flat_params(net: nn.Module) -> list[list[float]]:
    return [p.detach().reshape(-1).tolist() for p in net.parameters()]

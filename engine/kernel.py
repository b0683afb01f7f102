"""The compiled training kernel: K tiny regression nets trained on 1-D data, whole epochs per call, in numba.

What it computes: for each member k (an independent copy of `nn.Sequential(Linear, act, ..., Linear)` with
1 input and 1 output), `epochs` epochs of
    for each batch in data order (DataLoader without shuffle, drop_last=False):
        loss = mean over the batch of (y - pred)**2;  backward;  optimizer.step()
with torch.optim.SGD (momentum, weight_decay, dampening 0, no nesterov) or torch.optim.Adam (betas 0.9/0.999,
eps 1e-8, L2 weight_decay) semantics, then the full-data loss and the first T parameters after each epoch.

Why a hand-written kernel: a torch per-sample step costs ~300 us of dispatch for ~500 flops of work; here one
step is well under a microsecond, so the seed notebook's 2000 epochs x 11 samples take milliseconds and a
64-seed sweep is live.

Why it is written the way it is:
- Everything is float32 and every operation mirrors the order and rounding torch's CPU kernels use (bias
  added after the dot product; `add_(alpha=)`, `lerp_`, `addcmul_` and `1 - t*t` fused into one FMA as
  ATen's kernels do; step sizes computed in float64 and rounded once, as the Python optimizers do; dot
  products summed in the order MKL's sgemm uses for a single input row). Tiny nets trained per sample
  amplify last-bit differences (summing a 10-term dot product in plain index order drifts 2e-3 from
  torch over the seed's 2000 epochs), so matching the rounding is what keeps the kernel on torch's
  trajectory: with batch size 1 the seed examples reproduce torch 2.13 + MKL bit for bit. Where torch's
  order is out of reach (MKL's mini-batch kernels and its tanh/sqrt, other BLAS builds) runs agree to
  float32 noise rather than to the bit.
- One generic kernel driven by the `sizes`/`acts` arrays, explicit loops (no np.dot: numba needs SciPy
  for it): one compilation serves every architecture, and compile time stays low.
- numba is imported lazily in `_compiled()`, so `import engine.kernel` stays cheap; the jitted functions
  use nogil (the UI thread runs while a member trains) and cache=True (later processes load, not compile).
- State that must survive between calls (momentum buffer / Adam moments, the gradient accumulator that
  zero_grad=False keeps growing, the step count) lives in caller-owned arrays, so a run can be paused,
  resumed and have its lr or momentum changed between calls exactly like torch's param_groups.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
import threading

import numpy as np

ACT_CODES = {"identity": 0, "relu": 1, "sigmoid": 2, "tanh": 3, "leaky_relu": 4}
OPTIMIZER_CODES = {"sgd": 0, "adam": 1}

_IDENTITY, _RELU, _SIGMOID, _TANH, _LEAKY = 0, 1, 2, 3, 4
_SGD, _ADAM = 0, 1

# float32 constants: numba freezes global numpy scalars with their dtype, so arithmetic with these stays
# float32 (a bare Python literal would be float64 and promote the expression).
_F0 = np.float32(0.0)
_F1 = np.float32(1.0)
_F2 = np.float32(2.0)
_NEG_SLOPE = np.float32(0.01)  # nn.LeakyReLU default, as torch rounds it to float32
_BETA1 = 0.9
_BETA2 = 0.999
_ADAM_W1 = np.float32(1.0 - _BETA1)  # lerp_ weight, as torch casts the Python float `1 - beta1`
_ADAM_B2 = np.float32(_BETA2)  # exp_avg_sq.mul_(beta2)
_ADAM_C2 = np.float32(1.0 - _BETA2)  # addcmul_(value=1 - beta2)
_ADAM_EPS = np.float32(1e-8)


def state_size(n_params: int) -> int:
    """Floats of optimizer state per member: [momentum buffer | Adam m] [Adam v] [gradient accumulator]."""
    return 3 * int(n_params)


def n_params(sizes) -> int:
    """Parameters of the net with these layer sizes (weights out x in, then biases, per layer)."""
    sizes = [int(s) for s in sizes]
    return sum(sizes[i + 1] * sizes[i] + sizes[i + 1] for i in range(len(sizes) - 1))


_available: bool | None = None


def available() -> bool:
    """True when numba imports (the kernel can be used). Never raises."""
    global _available
    if _available is None:
        try:
            import numba  # noqa: F401

            _available = True
        except Exception:
            _available = False
    return _available


# ---------------------------------------------------------------------------------------------------------
# The kernel, as plain Python functions that `_compiled()` jits. They reference each other through module
# globals, which `_compiled()` rebinds to the jitted versions before the first compilation resolves them.


def _fma(a, b, c):  # replaced by an llvm.fma intrinsic in _compiled()
    return a * b + c


def _forward(p, sizes, acts, woff, boff, hoff, h, x):
    """One sample through the net; keeps every layer's output in h (the backward pass reads them)."""
    L = sizes.shape[0] - 1
    h[0] = x
    for l in range(L):
        nin = sizes[l]
        nout = sizes[l + 1]
        w = woff[l]
        b = boff[l]
        hin = hoff[l]
        hout = hoff[l + 1]
        code = acts[l] if l < L - 1 else _IDENTITY
        # Dot products sum in the order torch 2.13's MKL sgemm uses for one input row (found by probing
        # it): output rows in groups of four put the first r products in one accumulator and the rest
        # round-robin in four, added as (a1 + a3) + (a2 + a0); leftover rows sum in index order; no FMA.
        # (Layers with under four outputs and 12+ inputs get yet other MKL orders; not mirrored.)
        r = (nin - 1) % 4 + 1
        blocked = (nout // 4) * 4
        for j in range(nout):
            row = w + j * nin
            acc = _F0
            if j < blocked:
                for i in range(r):
                    acc += p[row + i] * h[hin + i]
                acc1 = _F0
                acc2 = _F0
                acc3 = _F0
                for i in range(r, nin, 4):
                    acc += p[row + i] * h[hin + i]
                    acc1 += p[row + i + 1] * h[hin + i + 1]
                    acc2 += p[row + i + 2] * h[hin + i + 2]
                    acc3 += p[row + i + 3] * h[hin + i + 3]
                acc = (acc1 + acc3) + (acc2 + acc)
            else:
                for i in range(nin):
                    acc += p[row + i] * h[hin + i]
            z = acc + p[b + j]  # addmm: product first, bias after (no FMA)
            if code == _RELU:
                z = _F0 if z <= _F0 else z  # NaN passes, as torch.relu
            elif code == _SIGMOID:
                z = _F1 / (_F1 + math.exp(-z))
            elif code == _TANH:
                z = math.tanh(z)
            elif code == _LEAKY:
                z = z if z > _F0 else z * _NEG_SLOPE
            h[hout + j] = z
    return h[hoff[L]]


def _backward(p, sizes, acts, woff, boff, hoff, h, gout, da, db, grad):
    """Adds this sample's gradient to grad; gout is d(batch loss)/d(pred) for the sample."""
    L = sizes.shape[0] - 1
    da[0] = gout
    for l in range(L - 1, -1, -1):
        nin = sizes[l]
        nout = sizes[l + 1]
        w = woff[l]
        b = boff[l]
        hin = hoff[l]
        for j in range(nout):
            d = da[j]
            grad[b + j] += d
            row = w + j * nin
            for i in range(nin):
                grad[row + i] += d * h[hin + i]
        if l > 0:
            code = acts[l - 1]
            for i in range(nin):
                acc = _F0
                for j in range(nout):
                    acc += da[j] * p[w + j * nin + i]
                a = h[hin + i]  # the activation's output (enough for every derivative here)
                if code == _RELU:
                    acc = _F0 if a <= _F0 else acc  # threshold_backward on the result
                elif code == _SIGMOID:
                    acc = acc * (_F1 - a) * a  # sigmoid_backward: (g * (1 - s)) * s
                elif code == _TANH:
                    acc = acc * _fma(-a, a, _F1)  # tanh_backward: g * (1 - t*t), contracted to FMA
                elif code == _LEAKY:
                    acc = acc if a > _F0 else acc * _NEG_SLOPE
                db[i] = acc
            da, db = db, da


def _member(p, st, step, x, y, sizes, acts, epochs, lr, momentum, weight_decay, optimizer, batch_size,
            zero_grad, loss_limit, loss_row, trace_k):
    """Train one member in place for up to `epochs` epochs. Returns (epochs done, still active, steps)."""
    L = sizes.shape[0] - 1
    P = p.shape[0]
    N = x.shape[0]
    T = trace_k.shape[1]
    # where each layer's weight and bias start in p, and where its input starts in h
    woff = np.empty(L, np.int64)
    boff = np.empty(L, np.int64)
    hoff = np.empty(L + 1, np.int64)
    off = 0
    hoff[0] = 0
    for l in range(L):
        woff[l] = off
        off += sizes[l + 1] * sizes[l]
        boff[l] = off
        off += sizes[l + 1]
        hoff[l + 1] = hoff[l] + sizes[l]
    maxw = 1
    for l in range(L + 1):
        maxw = max(maxw, sizes[l])
    h = np.empty(hoff[L] + 1, np.float32)
    da = np.empty(maxw, np.float32)
    db = np.empty(maxw, np.float32)
    batch_grad = np.empty(P, np.float32)
    m = st[0:P]  # SGD momentum buffer, or Adam exp_avg
    v = st[P:2 * P]  # Adam exp_avg_sq
    G = st[2 * P:3 * P]  # p.grad: what the optimizer steps with; grows across steps when not zeroed

    # torch turns the Python floats into float32 scalars inside each op
    neg_lr = np.float32(-lr)
    mom = np.float32(momentum)
    wd = np.float32(weight_decay)
    # zero_grad: the batch gradient is p.grad. Otherwise it is summed separately and added to p.grad,
    # as autograd's AccumulateGrad does.
    grad = G if zero_grad else batch_grad

    for e in range(epochs):
        start = 0
        while start < N:
            stop = min(start + batch_size, N)
            inv_b = _F1 / np.float32(stop - start)  # MeanBackward: grad / numel
            for q in range(P):
                grad[q] = _F0
            for s in range(start, stop):
                pred = _forward(p, sizes, acts, woff, boff, hoff, h, x[s])
                diff = y[s] - pred
                gout = -(inv_b * (_F2 * diff))  # PowBackward (2 * diff), then SubBackward's negation
                _backward(p, sizes, acts, woff, boff, hoff, h, gout, da, db, grad)
            if not zero_grad:
                for q in range(P):
                    G[q] += batch_grad[q]
            step += 1
            if optimizer == _ADAM:
                bc1 = 1.0 - _BETA1 ** float(step)
                bc2 = 1.0 - _BETA2 ** float(step)
                neg_step = np.float32(-(lr / bc1))
                bc2_sqrt = np.float32(bc2 ** 0.5)
                for q in range(P):
                    g = G[q]
                    if wd != _F0:
                        g = _fma(p[q], wd, g)  # grad.add(param, alpha=wd)
                    mq = _fma(_ADAM_W1, g - m[q], m[q])  # exp_avg.lerp_(grad, 1 - beta1)
                    vq = _fma(_ADAM_C2 * g, g, v[q] * _ADAM_B2)  # mul_(beta2).addcmul_(g, g, 1 - beta2)
                    m[q] = mq
                    v[q] = vq
                    denom = math.sqrt(vq) / bc2_sqrt + _ADAM_EPS
                    p[q] = p[q] + (neg_step * mq) / denom  # addcdiv_: self + (value * t1) / t2
            else:
                for q in range(P):
                    g = G[q]
                    if wd != _F0:
                        g = _fma(p[q], wd, g)
                    if mom != _F0:  # torch leaves the buffer alone while momentum is 0
                        g = m[q] * mom + g  # buf.mul_(momentum).add_(grad)
                        m[q] = g
                    p[q] = _fma(g, neg_lr, p[q])  # param.add_(grad, alpha=-lr)
            start = stop

        total = 0.0
        for s in range(N):
            d = float(y[s] - _forward(p, sizes, acts, woff, boff, hoff, h, x[s]))
            total += d * d
        loss = total / N
        loss_row[e] = loss
        for t in range(T):
            trace_k[e, t] = p[t]
        if not (loss <= loss_limit) or not math.isfinite(loss):  # NaN fails the first test
            return e + 1, False, step
    return epochs, True, step


def _train_members(members, params, state, steps, active, sizes, acts, X, Y, epochs, lr, momentum,
                   weight_decay, optimizer, batch_size, zero_grad, loss_limit, losses, trace, done):
    for k in members:
        if active[k] == 0:
            done[k] = 0
            for e in range(epochs):
                losses[k, e] = np.nan
            continue
        n, ok, st = _member(params[k], state[k], steps[k], X[k], Y[k], sizes, acts, epochs, lr, momentum,
                            weight_decay, optimizer, batch_size, zero_grad, loss_limit, losses[k], trace[k])
        done[k] = n
        steps[k] = st
        if not ok:
            active[k] = 0
            for e in range(n, epochs):
                losses[k, e] = np.nan


_lock = threading.Lock()
_kernel = None  # the jitted _train_members, once built
_pool = None  # worker threads for many-member calls (the kernel releases the GIL)


def _compiled():
    """Jit (or load from numba's on-disk cache) the kernel and return it. Imports numba on first use."""
    global _kernel
    if _kernel is not None:
        return _kernel
    with _lock:
        if _kernel is None:
            import numba
            from numba.core import types
            from numba.extending import intrinsic

            @intrinsic
            def fma(typingctx, a, b, c):
                # a * b + c with one rounding: ATen's CPU kernels fuse these (vec::fmadd, and GCC
                # contracts the scalar tails), so the kernel must too to stay on torch's trajectory.
                if not (a == b == c == types.float32):
                    return None

                def codegen(context, builder, signature, args):
                    return builder.fma(*args)

                return types.float32(types.float32, types.float32, types.float32), codegen

            def jit(func):
                opts = dict(nogil=True, error_model="numpy", boundscheck=False)
                try:
                    return numba.njit(cache=True, **opts)(func)
                except RuntimeError:  # no writable cache location: compile every process instead
                    return numba.njit(**opts)(func)

            g = globals()
            g["_fma"] = fma
            for name in ("_forward", "_backward", "_member", "_train_members"):
                g[name] = jit(g[name])
            _kernel = g["_train_members"]
    return _kernel


def warm_up() -> None:
    """Compile the kernel, or load it from numba's cache, now (e.g. on a background thread at startup),
    so the first real call does not wait for it. Raises ImportError without numba."""
    sizes = np.array([1, 1], dtype=np.int64)
    train(np.zeros((1, 2), np.float32), np.zeros((1, state_size(2)), np.float32), np.zeros(1, np.int64),
          np.ones(1, np.uint8), sizes, np.zeros(0, np.int64), np.zeros((1, 1), np.float32),
          np.zeros((1, 1), np.float32), 1, 0.0, 0.0, 0.0, _SGD, 1, True, 1.0, np.zeros((1, 1)),
          np.zeros((1, 1, 0), np.float32), np.zeros(1, np.int64))


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _check(name, a, dtype, ndim):
    if not isinstance(a, np.ndarray) or a.dtype != dtype or a.ndim != ndim or not a.flags.c_contiguous:
        got = f"{a.dtype} {a.ndim}-D" if isinstance(a, np.ndarray) else type(a).__name__
        raise TypeError(f"{name}: expected a C-contiguous {np.dtype(dtype)} {ndim}-D array, got {got}")


def train(params, state, steps, active, sizes, acts, X, Y, epochs, lr, momentum, weight_decay,
          optimizer, batch_size, zero_grad, loss_limit, losses, trace, done) -> None:
    """Train every active member for `epochs` epochs, in place (K members, P params, N points, L layers).

    Kept by the caller between calls (zeros/ones at the start of a run):
      params  float32 [K, P]   flat `torch.cat([p.flatten() for p in model.parameters()])` per member
      state   float32 [K, state_size(P)]   optimizer state and the gradient accumulator
      steps   int64 [K]        optimizer steps taken (Adam's bias correction)
      active  uint8 [K]        0 = skipped; set to 0 here when a member's loss diverges
    Inputs: sizes int64 [L+1] (1, hidden..., 1); acts int64 [L-1] (ACT_CODES); X, Y float32 [K, N];
      lr, momentum, weight_decay may change between calls (momentum is ignored by Adam); optimizer is an
      OPTIMIZER_CODES value; batch_size in 1..N; zero_grad False keeps adding each batch's gradient to the
      one the optimizer steps with; an epoch whose full-data loss is not finite or > loss_limit stops the
      member (that epoch counts as done).
    Written for this call: losses float64 [K, >=epochs] (NaN after a member's last done epoch), trace
      float32 [K, >=epochs, T] (the first T params after each epoch; T may be 0), done int64 [K].
    Many members run on one thread per core; the GIL is released while the kernel runs.
    """
    _check("params", params, np.float32, 2)
    _check("state", state, np.float32, 2)
    _check("steps", steps, np.int64, 1)
    _check("active", active, np.uint8, 1)
    _check("sizes", sizes, np.int64, 1)
    _check("acts", acts, np.int64, 1)
    _check("X", X, np.float32, 2)
    _check("Y", Y, np.float32, 2)
    _check("losses", losses, np.float64, 2)
    _check("trace", trace, np.float32, 3)
    _check("done", done, np.int64, 1)
    K, P = params.shape
    N = X.shape[1]
    epochs = int(epochs)
    batch_size = int(batch_size)
    L = sizes.shape[0] - 1
    if L < 1 or sizes[0] != 1 or sizes[-1] != 1 or (sizes < 1).any():
        raise ValueError(f"sizes must run from 1 to 1 with positive widths, got {sizes.tolist()}")
    if acts.shape[0] != L - 1 or ((acts < 0) | (acts > 4)).any():
        raise ValueError(f"acts: expected {L - 1} activation codes 0..4, got {acts.tolist()}")
    if n_params(sizes) != P:
        raise ValueError(f"params has {P} columns; sizes {sizes.tolist()} need {n_params(sizes)}")
    if state.shape != (K, state_size(P)):
        raise ValueError(f"state: expected shape {(K, state_size(P))}, got {state.shape}")
    if X.shape != Y.shape or X.shape[0] != K or N < 1:
        raise ValueError(f"X and Y: expected the same shape (K={K}, N>=1), got {X.shape} and {Y.shape}")
    if not 1 <= batch_size <= N:
        raise ValueError(f"batch_size must be in 1..{N}, got {batch_size}")
    if epochs < 0 or losses.shape[0] != K or losses.shape[1] < epochs:
        raise ValueError(f"losses: expected shape ({K}, >={epochs}), got {losses.shape}")
    if trace.shape[0] != K or trace.shape[1] < epochs or trace.shape[2] > P:
        raise ValueError(f"trace: expected shape ({K}, >={epochs}, <={P}), got {trace.shape}")
    if steps.shape[0] != K or active.shape[0] != K or done.shape[0] != K:
        raise ValueError("steps, active and done need one entry per member")
    optimizer = int(optimizer)
    if optimizer not in (_SGD, _ADAM):
        raise ValueError(f"optimizer: expected a code in {OPTIMIZER_CODES}, got {optimizer}")
    kernel = _compiled()
    args = (params, state, steps, active, sizes, acts, X, Y, epochs, float(lr), float(momentum),
            float(weight_decay), optimizer, batch_size, bool(zero_grad), float(loss_limit), losses, trace, done)
    n = min(K, _threads())
    if n == 1:
        kernel(np.arange(K, dtype=np.int64), *args)
        return
    # Members are independent: deal them round-robin to one thread per core (members that diverge stop
    # early, so interleaving balances better than blocks). This thread runs the first group itself.
    # Threads rather than numba.prange: same spread, no second (parallel) compilation, no threading layer.
    global _pool
    with _lock:
        if _pool is None or _pool._max_workers < n - 1:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=n - 1, thread_name_prefix="nudge-kernel")
    groups = [np.arange(i, K, n, dtype=np.int64) for i in range(n)]
    futures = [_pool.submit(kernel, group, *args) for group in groups[1:]]
    kernel(groups[0], *args)
    for future in futures:
        future.result()

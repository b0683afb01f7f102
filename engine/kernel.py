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
- Two variants: a scalar one for a lone member, and for K > 1 a lockstep one that trains _LANES members
  at once, one per lane of a vector register (~15x the members per second). Every lane performs exactly
  the scalar kernel's float32 operations in the same order, so a member's result does not depend on K or
  on its neighbours: bit for bit what it gets trained alone. Each variant is jitted (or loaded from the
  cache) only when a call first needs it.
- Each member has its own learning rate, momentum and divergence limit (arrays of K; a number is every
  member's): a sweep's cells train as the members of one call. A lane's -lr and momentum are its own lane
  vector, and where a lane's momentum is 0 a select leaves its buffer alone (as torch does) without
  rounding anything, so a member still equals its run alone bit for bit. A lane whose momentum buffer has
  sunk into the subnormal floats (a dead unit's, past momentum 0.5 it sticks there) is stepped without
  arithmetic on subnormals, which x86 does ~100x slower and which would hold its whole block back; the
  results are the IEEE ones all the same (`_subnormal_lanes` says why).
- numba is imported lazily in `_compiled()`, so `import engine.kernel` stays cheap; the jitted functions
  use nogil (the UI thread runs while members train; many members spread over one thread per core) and
  cache=True (later processes load, not compile).
- State that must survive between calls (momentum buffer / Adam moments, the gradient accumulator that
  zero_grad=False keeps growing, the step count) lives in caller-owned arrays, so a run can be paused,
  resumed and have its lr or momentum changed between calls exactly like torch's param_groups.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from .kernel_threads import cores, run_pulled
from .layout import param_count

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
# The scalar kernel, as plain Python functions that `_compiled()` jits. They reference each other through
# module globals, which `_compiled()` rebinds to the jitted versions before the first compilation resolves
# them.


def _fma(a, b, c):  # replaced by an llvm.fma intrinsic in _setup_jit() (for floats and lane vectors)
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


def _layout(sizes):
    """Where each layer's weight and bias start in the flat parameters, where its input starts in the
    activations buffer, and the widest layer (the size of the back-propagation scratch)."""
    L = sizes.shape[0] - 1
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
    return woff, boff, hoff, maxw


def _member(p, st, step, x, y, sizes, acts, epochs, lr, momentum, weight_decay, optimizer, batch_size,
            zero_grad, loss_limit, loss_row, trace_k, pos, total, pend, budget):
    """Train one member in place for up to `epochs` epochs, starting at `pos` inside the epoch in progress
    (with `total`, the loss pass's sum so far, and `pend`, the batch gradient so far when gradients are
    not zeroed), and, with budget > 0, stopping before the sample that would exceed `budget` units of work.
    Returns (epochs finished, still active, steps, position, loss sum) for the caller to keep."""
    L = sizes.shape[0] - 1
    P = p.shape[0]
    N = x.shape[0]
    T = trace_k.shape[1]
    woff, boff, hoff, maxw = _layout(sizes)
    h = np.empty(hoff[L] + 1, np.float32)
    da = np.empty(maxw, np.float32)
    db = np.empty(maxw, np.float32)
    # the caller's row when it keeps one (a call may end mid-batch), else scratch
    batch_grad = pend if pend.shape[0] == P else np.empty(P, np.float32)
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

    used = 0  # units of work done in this call (see WORK_SAMPLE)
    e = 0
    while e < epochs:
        while pos < N:  # the batches, in data order
            start = pos - pos % batch_size
            stop = min(start + batch_size, N)
            inv_b = _F1 / np.float32(stop - start)  # MeanBackward: grad / numel
            if pos == start:
                for q in range(P):
                    grad[q] = _F0
            for s in range(pos, stop):
                if budget > 0 and used >= budget:  # out of work: leave here, mid-batch if need be
                    return e, True, step, s, total
                pred = _forward(p, sizes, acts, woff, boff, hoff, h, x[s])
                diff = y[s] - pred
                gout = -(inv_b * (_F2 * diff))  # PowBackward (2 * diff), then SubBackward's negation
                _backward(p, sizes, acts, woff, boff, hoff, h, gout, da, db, grad)
                used += 3
            pos = stop
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
            used += 1

        while pos < 2 * N:  # the full-data loss after the epoch
            if budget > 0 and used >= budget:
                return e, True, step, pos, total
            s = pos - N
            if s == 0:
                total = 0.0
            d = float(y[s] - _forward(p, sizes, acts, woff, boff, hoff, h, x[s]))
            total += d * d
            used += 1
            pos += 1
        loss = total / N
        pos = 0
        total = 0.0
        loss_row[e] = loss
        for t in range(T):
            trace_k[e, t] = p[t]
        e += 1
        if not (loss <= loss_limit) or not math.isfinite(loss):  # NaN fails the first test
            return e, False, step, pos, total
    return e, True, step, pos, total


def _train_members(members, params, state, steps, active, sizes, acts, X, Y, epochs, lr, momentum,
                   weight_decay, optimizer, batch_size, zero_grad, loss_limit, losses, trace, done,
                   position, loss_sum, pending, budget):
    for k in members:
        if active[k] == 0:
            done[k] = 0
            for e in range(epochs):
                losses[k, e] = np.nan
            continue
        n, ok, st, pos, total = _member(params[k], state[k], steps[k], X[k], Y[k], sizes, acts, epochs, lr[k],
                                        momentum[k], weight_decay, optimizer, batch_size, zero_grad, loss_limit[k],
                                        losses[k], trace[k], position[k], loss_sum[k], pending[k], budget)
        done[k] = n
        steps[k] = st
        position[k] = pos
        loss_sum[k] = total
        if not ok:
            active[k] = 0
            for e in range(n, epochs):
                losses[k, e] = np.nan


# ---------------------------------------------------------------------------------------------------------
# The lockstep kernel, for K > 1: _LANES members at a time, their arrays laid out [row, lane], the
# arithmetic done on lane vectors (one LLVM <_LANES x float> value, a register) loaded from and stored to
# rows. Plain `for lane in range(_LANES)` loops stay scalar: LLVM unrolls them fully, then cannot prove the
# scratch rows don't overlap. Each lane performs the scalar kernel's float32 operations in the same order
# (same MKL dot-product order, same FMAs, same float64 step sizes), so a member trained here equals the
# member trained alone, bit for bit. Members share the data order and batch boundaries, so nothing branches
# per lane but the end-of-epoch check; a member that stops is written back and its lane zeroed: zero
# params, state and data are a fixed point (zero gradients, zero updates), so it runs on without masks.
#
# The lane-vector operations, here as numpy on rows for reading; _setup_jit() replaces them by LLVM vector
# code. Lane vectors also support + - * / (a float32 operand is broadcast to every lane) and unary minus.

_LANES = 16  # one AVX-512 register of float32; measured faster than 8 or 32 for 64 members


def _vload(a, row):  # a[row] of a [rows, _LANES] float32 array
    return a[row].copy()


def _vstore(a, row, v):  # a[row] = v
    a[row] = v


def _vsplat(x):  # every lane = the float32 x
    return np.full(_LANES, x, np.float32)


def _vsqrt(v):
    return np.sqrt(v)


def _vle0(c, a, b):  # per lane: a where c <= 0, else b (NaN picks b, as Python's `<=` does)
    return np.where(c <= 0, a, b).astype(np.float32)


def _vgt0(c, a, b):  # per lane: a where c > 0, else b
    return np.where(c > 0, a, b).astype(np.float32)


def _vsubnormal(v):  # a bit mask of the lanes holding a subnormal float (from the bits: no float arithmetic)
    bits = v.view(np.int32)
    return sum(1 << k for k in range(_LANES) if bits[k] & 0x7F800000 == 0 and bits[k] & 0x7FFFFFFF)


def _vpick(mask, a, b):  # per lane: a where the lane's bit is set in mask, else b
    return np.where([(mask >> k) & 1 for k in range(_LANES)], a, b).astype(np.float32)


def _vstuck(buf, grad, param, most):  # the lanes whose momentum step changes nothing (see _subnormal_lanes)
    b, g, p = (np.asarray(v, np.float32).view(np.int32) for v in (buf, grad, param))
    return sum(1 << k for k in range(_LANES)
               if b[k] & 0x7F800000 == 0 and b[k] & 0x7FFFFFFF and not g[k] & 0x7FFFFFFF
               and (p[k] & 0x7F800000) >> 23 >= 37 and b[k] & 0x7FFFFF <= most[k])


def _stuck_most(momentum, lr):
    """The largest k for which a subnormal buffer k * 2^-149 times `momentum` rounds back to itself (k *
    (1 - momentum) < 1/2, exact in float64), as a float32; -1 where no buffer sticks, or where |lr| > 16
    (_subnormal_lanes's bound on the parameter step)."""
    mom = float(np.float32(momentum))
    if not 0.5 < mom < 1.0 or abs(float(np.float32(lr))) > 16.0:
        return np.float32(-1.0)
    k = math.floor(0.5 / (1.0 - mom))
    while k > 0 and k * (1.0 - mom) >= 0.5:
        k -= 1
    return np.float32(min(k, (1 << 23) - 1))


def _f32_bits(x):  # a float32's bits as an int32
    return np.float32(x).view(np.int32)


def _bits_f32(i):  # int32 bits as the float32 they encode
    return np.int32(i).view(np.float32)


def _subnormal_lanes(tiny, q, m, p, G, hyper, saved, wd):
    """Finish row q's SGD momentum step for the lanes in `tiny` whose buffer was subnormal (the vector step ran
    them as 0): the results IEEE float32 arithmetic gives, as the scalar kernel computes them, without doing
    arithmetic on a subnormal where that can be avoided. `saved` holds each such lane's buffer and parameter
    from before the step.

    Why: a dead ReLU unit's gradients are exactly 0, so its momentum buffer only decays, buf * momentum each
    step, down into the subnormals; past momentum 0.5 the smallest subnormal times it rounds back to itself,
    and the buffer stays there for good. x86 takes a ~100x microcode assist for each float operation on a
    subnormal, and a lockstep block runs at its slowest lane's pace: a 12 x 12 sweep ran ~5x slower.
    Exactly: for a subnormal b = k * 2^-149 (k < 2^23) and 0 <= momentum < 1, b * momentum is subnormal too,
    so float32 rounds it to the nearest multiple of 2^-149, ties to even: rint(k * momentum) * 2^-149, with
    k * momentum exact in float64 (23 x 24 bits). Adding a zero gradient leaves a nonzero value as it is. The
    parameter step p + (-lr) * buf then moves p by under 2^-122 (|lr| <= 16), below half an ulp of any
    |p| >= 2^-90, so p stays p. Every other case (a gradient that is not 0, a tiny p) is computed as is."""
    for k in range(_LANES):
        if not (tiny >> k) & 1:
            continue
        mom = hyper[1, k]
        if mom == _F0:  # the select kept this lane's buffer and stepped with its gradient: already right
            continue
        buf = saved[0, k]
        pk = saved[1, k]
        neg_lr = hyper[0, k]
        g = G[q, k]
        if wd != _F0:
            g = _fma(pk, wd, g)
        if _f32_bits(g) & 0x7FFFFFFF == 0:  # a zero gradient: the buffer only decays
            bits = np.int64(_f32_bits(buf))
            x = float(bits & 0x7FFFFF) * float(mom)
            j = math.floor(x)
            if x - j > 0.5 or (x - j == 0.5 and j % 2 == 1):  # round half to even
                j += 1
            sign = bits & 0x80000000
            if j == 0:
                moved = _bits_f32(np.int32(sign)) + g  # a zero plus a zero
            else:
                moved = _bits_f32(np.int32(sign | np.int64(j)))
        else:
            moved = buf * mom + g  # as the vector step would have: rare, and arithmetic on the subnormal
        m[q, k] = moved
        mb = _f32_bits(moved)
        if (mb & 0x7F800000 == 0 and mb & 0x7FFFFFFF != 0 and (_f32_bits(pk) >> 23) & 0xFF >= 37
                and abs(neg_lr) <= np.float32(16.0)):
            p[q, k] = pk
        else:
            p[q, k] = _fma(moved, neg_lr, pk)


def _lanes_forward(p, sizes, acts, woff, boff, hoff, h, xs, s):
    """_forward for every lane: sample s (row s of xs) through the net, each layer's output kept in h."""
    L = sizes.shape[0] - 1
    _vstore(h, 0, _vload(xs, s))
    zero = _vsplat(_F0)
    for l in range(L):
        nin = sizes[l]
        nout = sizes[l + 1]
        w = woff[l]
        b = boff[l]
        hin = hoff[l]
        hout = hoff[l + 1]
        code = acts[l] if l < L - 1 else _IDENTITY
        r = (nin - 1) % 4 + 1  # MKL's summation order, as in _forward
        blocked = (nout // 4) * 4
        for j in range(nout):
            row = w + j * nin
            acc = zero
            if j < blocked:
                for i in range(r):
                    acc = acc + _vload(p, row + i) * _vload(h, hin + i)
                acc1 = zero
                acc2 = zero
                acc3 = zero
                for i in range(r, nin, 4):
                    acc = acc + _vload(p, row + i) * _vload(h, hin + i)
                    acc1 = acc1 + _vload(p, row + i + 1) * _vload(h, hin + i + 1)
                    acc2 = acc2 + _vload(p, row + i + 2) * _vload(h, hin + i + 2)
                    acc3 = acc3 + _vload(p, row + i + 3) * _vload(h, hin + i + 3)
                acc = (acc1 + acc3) + (acc2 + acc)
            else:
                for i in range(nin):
                    acc = acc + _vload(p, row + i) * _vload(h, hin + i)
            z = acc + _vload(p, b + j)
            if code == _RELU:
                z = _vle0(z, _F0, z)
            elif code == _LEAKY:
                z = _vgt0(z, z, z * _NEG_SLOPE)
            _vstore(h, hout + j, z)
            if code == _SIGMOID:  # no vector exp/tanh here: lane by lane, through libm as _forward
                for k in range(_LANES):
                    h[hout + j, k] = _F1 / (_F1 + math.exp(-h[hout + j, k]))
            elif code == _TANH:
                for k in range(_LANES):
                    h[hout + j, k] = math.tanh(h[hout + j, k])


def _lanes_backward(p, sizes, acts, woff, boff, hoff, h, da, db, grad):
    """_backward for every lane: adds each lane's sample gradient to grad; da[0] holds d(loss)/d(pred)."""
    L = sizes.shape[0] - 1
    zero = _vsplat(_F0)
    for l in range(L - 1, -1, -1):
        nin = sizes[l]
        nout = sizes[l + 1]
        w = woff[l]
        b = boff[l]
        hin = hoff[l]
        for j in range(nout):
            d = _vload(da, j)
            _vstore(grad, b + j, _vload(grad, b + j) + d)
            row = w + j * nin
            for i in range(nin):
                _vstore(grad, row + i, _vload(grad, row + i) + d * _vload(h, hin + i))
        if l > 0:
            code = acts[l - 1]
            for i in range(nin):
                acc = zero
                for j in range(nout):
                    acc = acc + _vload(da, j) * _vload(p, w + j * nin + i)
                a = _vload(h, hin + i)
                if code == _RELU:
                    acc = _vle0(a, _F0, acc)
                elif code == _SIGMOID:
                    acc = acc * (_F1 - a) * a
                elif code == _TANH:
                    acc = acc * _fma(-a, a, _F1)
                elif code == _LEAKY:
                    acc = _vgt0(a, acc, acc * _NEG_SLOPE)
                _vstore(db, i, acc)
            da, db = db, da


def _lanes_write_back(k, mk, P, p, m, v, G, batch_grad, params, state, pending):
    """Lane k's params, optimizer state and (when the caller keeps it) batch gradient back to member mk."""
    for q in range(P):
        params[mk, q] = p[q, k]
        state[mk, q] = m[q, k]
        state[mk, P + q] = v[q, k]
        state[mk, 2 * P + q] = G[q, k]
    if pending.shape[1] == P:
        for q in range(P):
            pending[mk, q] = batch_grad[q, k]


def _lanes_train(blocks, params, state, steps, active, sizes, acts, X, Y, epochs, lr, momentum, weight_decay,
                 optimizer, batch_size, zero_grad, loss_limit, losses, trace, done, position, loss_sum, pending,
                 budget):
    """_train_members for active members, _LANES at a time: each row of blocks lists the member in each
    lane (-1: an idle lane, all zeros). Every member of a call stands at the same position in the epoch
    (they share data order and batches), and a budget counts the work of one lane, as in _member."""
    L = sizes.shape[0] - 1
    P = params.shape[1]
    N = X.shape[1]
    T = trace.shape[2]
    woff, boff, hoff, maxw = _layout(sizes)
    # All scratch in one [row, lane] array: the block's params, state (as in _member) and data transposed,
    # then one sample's activations and back-propagated gradients, then Adam's per-lane step sizes.
    H = hoff[L] + 1
    lane_rows = 5 * P + 2 * N  # what a member that stops has zeroed
    n_rows = lane_rows + H + 2 * maxw + 5
    # each row on its own cache line (numba only aligns arrays to 32 bytes; straddling rows ran ~25% slower)
    buf = np.empty((n_rows + 1) * _LANES, np.float32)
    skip = (-(buf.ctypes.data // 4)) % _LANES
    S = buf[skip:skip + n_rows * _LANES].reshape((n_rows, _LANES))
    p = S[0:P]
    m = S[P:2 * P]  # SGD momentum buffer, or Adam exp_avg
    v = S[2 * P:3 * P]  # Adam exp_avg_sq
    G = S[3 * P:4 * P]  # p.grad
    batch_grad = S[4 * P:5 * P]
    xs = S[5 * P:5 * P + N]
    ys = S[5 * P + N:lane_rows]
    h = S[lane_rows:lane_rows + H]
    da = S[lane_rows + H:lane_rows + H + maxw]
    db = S[lane_rows + H + maxw:n_rows - 5]
    # per lane: -lr and momentum, as float32 (each member has its own), and _stuck_most's bound
    hyper = S[n_rows - 5:n_rows - 2]
    adam = S[n_rows - 2:n_rows]  # per lane: -(lr / bias correction 1), sqrt(bias correction 2)
    total = np.empty(_LANES, np.float64)
    step = np.empty(_LANES, np.int64)
    alive = np.empty(_LANES, np.bool_)
    saved = np.empty((2, _LANES), np.float32)  # a row's subnormal lanes before the step (_subnormal_lanes)

    wd = np.float32(weight_decay)
    grad = G if zero_grad else batch_grad
    out = hoff[L]
    zero = _vsplat(_F0)
    keep_batch = pending.shape[1] == P

    for block in range(blocks.shape[0]):
        lanes = blocks[block]
        for q in range(S.shape[0]):
            _vstore(S, q, zero)
        n_alive = 0
        first = -1
        for k in range(_LANES):
            mk = lanes[k]
            alive[k] = mk >= 0
            total[k] = 0.0
            if mk < 0:
                continue
            n_alive += 1
            if first < 0:
                first = mk
            step[k] = steps[mk]
            done[mk] = 0
            total[k] = loss_sum[mk]
            for q in range(P):
                p[q, k] = params[mk, q]
                m[q, k] = state[mk, q]
                v[q, k] = state[mk, P + q]
                G[q, k] = state[mk, 2 * P + q]
            if keep_batch:
                for q in range(P):
                    batch_grad[q, k] = pending[mk, q]
            for s in range(N):
                xs[s, k] = X[mk, s]
                ys[s, k] = Y[mk, s]
        # Each lane's own learning rate and momentum (an idle lane borrows the first member's, so a block
        # whose members share them stays uniform), rounded to float32 as torch does inside each op.
        for k in range(_LANES):
            mk = lanes[k] if lanes[k] >= 0 else first
            hyper[0, k] = np.float32(-lr[mk])
            hyper[1, k] = np.float32(momentum[mk])
            hyper[2, k] = _stuck_most(momentum[mk], lr[mk])
        neg_lr = _vload(hyper, 0)
        mom = _vload(hyper, 1)
        most = _vload(hyper, 2)
        any_mom = False  # some lane has momentum: the buffer update runs
        mixed_mom = False  # some lanes have none: there the buffer is left alone, lane by lane
        for k in range(_LANES):
            any_mom = any_mom or hyper[1, k] != _F0
            mixed_mom = mixed_mom or hyper[1, k] == _F0
        mixed_mom = any_mom and mixed_mom
        # every lane at the same step count and learning rate: Adam's step sizes are computed once per step
        uniform = True
        for k in range(_LANES):
            mk = lanes[k] if lanes[k] >= 0 else first
            if lanes[k] < 0:
                step[k] = steps[first]
            uniform = uniform and step[k] == steps[first] and lr[mk] == lr[first]

        pos = position[first]
        used = 0
        out_of_work = False
        e = 0
        while e < epochs and n_alive > 0:
            while pos < N:  # the batches, in data order
                start = pos - pos % batch_size
                stop = min(start + batch_size, N)
                inv_b = _F1 / np.float32(stop - start)
                if pos == start:
                    for q in range(P):
                        _vstore(grad, q, zero)
                for s in range(pos, stop):
                    if budget > 0 and used >= budget:
                        out_of_work = True
                        pos = s
                        break
                    _lanes_forward(p, sizes, acts, woff, boff, hoff, h, xs, s)
                    _vstore(da, 0, -(inv_b * (_F2 * (_vload(ys, s) - _vload(h, out)))))
                    _lanes_backward(p, sizes, acts, woff, boff, hoff, h, da, db, grad)
                    used += 3
                if out_of_work:
                    break
                pos = stop
                if not zero_grad:
                    for q in range(P):
                        _vstore(G, q, _vload(G, q) + _vload(batch_grad, q))
                for k in range(_LANES):
                    step[k] += 1
                if optimizer == _ADAM:
                    for k in range(_LANES):
                        if k == 0 or not uniform:  # the same float64 expressions as _member
                            bc1 = 1.0 - _BETA1 ** float(step[k])
                            bc2 = 1.0 - _BETA2 ** float(step[k])
                            adam[0, k] = np.float32(-(lr[lanes[k] if lanes[k] >= 0 else first] / bc1))
                            adam[1, k] = np.float32(bc2 ** 0.5)
                        else:
                            adam[0, k] = adam[0, 0]
                            adam[1, k] = adam[1, 0]
                    neg_step = _vload(adam, 0)
                    bc2_sqrt = _vload(adam, 1)
                    for q in range(P):
                        g = _vload(G, q)
                        if wd != _F0:
                            g = _fma(_vload(p, q), wd, g)
                        mq = _vload(m, q)
                        mq = _fma(_ADAM_W1, g - mq, mq)
                        vq = _fma(_ADAM_C2 * g, g, _vload(v, q) * _ADAM_B2)
                        _vstore(m, q, mq)
                        _vstore(v, q, vq)
                        denom = _vsqrt(vq) / bc2_sqrt + _ADAM_EPS
                        _vstore(p, q, _vload(p, q) + (neg_step * mq) / denom)
                else:
                    for q in range(P):
                        g = _vload(G, q)
                        if wd != _F0:
                            g = _fma(_vload(p, q), wd, g)
                        if any_mom:
                            mq = _vload(m, q)
                            pq = _vload(p, q)
                            # Lanes whose buffer is subnormal (a dead unit's, decayed) run as 0, so that no
                            # lane pays for arithmetic on a subnormal; then those the step leaves as they were
                            # get their buffer and parameter back, and the rest are finished one by one.
                            tiny = _vsubnormal(mq)
                            rest = 0
                            if tiny != 0:
                                stuck = _vstuck(mq, g, pq, most)
                                rest = tiny & ~stuck
                                for k in range(_LANES):
                                    if (rest >> k) & 1:
                                        saved[0, k] = m[q, k]
                                        saved[1, k] = p[q, k]
                                moved = _vpick(tiny, _F0, mq) * mom + g
                            else:
                                moved = mq * mom + g  # buf.mul_(momentum).add_(grad)
                            if mixed_mom:  # where momentum is 0 torch leaves the buffer alone
                                newm = _vle0(mom, mq, moved)
                                g = _vle0(mom, g, moved)
                            else:
                                newm = moved
                                g = moved
                            newp = _fma(g, neg_lr, pq)
                            if tiny != 0:
                                newm = _vpick(stuck, mq, newm)
                                newp = _vpick(stuck, pq, newp)
                            _vstore(m, q, newm)
                            _vstore(p, q, newp)
                            if rest != 0:
                                _subnormal_lanes(rest, q, m, p, G, hyper, saved, wd)
                        else:
                            _vstore(p, q, _fma(g, neg_lr, _vload(p, q)))
                used += 1
            if out_of_work:
                break

            while pos < 2 * N:  # the full-data loss after the epoch
                if budget > 0 and used >= budget:
                    out_of_work = True
                    break
                s = pos - N
                if s == 0:
                    for k in range(_LANES):
                        total[k] = 0.0
                _lanes_forward(p, sizes, acts, woff, boff, hoff, h, xs, s)
                for k in range(_LANES):
                    d = float(ys[s, k] - h[out, k])
                    total[k] += d * d
                used += 1
                pos += 1
            if out_of_work:
                break
            pos = 0
            for k in range(_LANES):
                if not alive[k]:
                    continue
                mk = lanes[k]
                loss = total[k] / N
                losses[mk, e] = loss
                for t in range(T):
                    trace[mk, e, t] = p[t, k]
                if not (loss <= loss_limit[mk]) or not math.isfinite(loss):  # NaN fails the first test
                    steps[mk] = step[k]
                    done[mk] = e + 1
                    position[mk] = 0
                    loss_sum[mk] = 0.0
                    _lanes_write_back(k, mk, P, p, m, v, G, batch_grad, params, state, pending)
                    active[mk] = 0
                    for e2 in range(e + 1, epochs):
                        losses[mk, e2] = np.nan
                    alive[k] = False
                    n_alive -= 1
                    for q in range(lane_rows):  # zero the lane: a fixed point from here on
                        S[q, k] = _F0
            e += 1

        for k in range(_LANES):  # where every member still going stands: written back for the next call
            if not alive[k]:
                continue
            mk = lanes[k]
            steps[mk] = step[k]
            done[mk] = e
            position[mk] = pos
            loss_sum[mk] = total[k] if pos > N else 0.0
            _lanes_write_back(k, mk, P, p, m, v, G, batch_grad, params, state, pending)


_lock = threading.Lock()
# Two variants, each jitted (or loaded from the cache) only when first needed: a one-member run never pays
# for the lockstep kernel, a many-member run never for the scalar one. The entry point is the last name.
_VARIANTS = {
    "scalar": ("_layout", "_forward", "_backward", "_member", "_train_members"),
    "lanes": ("_layout", "_lanes_forward", "_lanes_backward", "_lanes_write_back", "_stuck_most", "_subnormal_lanes",
              "_lanes_train"),
}
_kernels = {}  # variant -> its jitted entry point, once built
_jit = None  # the decorator, once numba is imported and _fma is the intrinsic


def _setup_jit():
    """Import numba, bind the intrinsics (_fma, the lane-vector type and its operations) into the module
    globals and return the jit decorator. Call under _lock."""
    global _jit
    if _jit is None:
        import numba

        from .kernel_intrinsics import define_intrinsics

        globals().update(define_intrinsics(_LANES))

        def jit(func):
            opts = dict(nogil=True, error_model="numpy", boundscheck=False)
            try:
                return numba.njit(cache=True, **opts)(func)
            except RuntimeError:  # no writable cache location: compile every process instead
                return numba.njit(**opts)(func)

        _jit = jit
    return _jit


def _compiled(variant: str = "scalar"):
    """Jit (or load from numba's on-disk cache) one variant of the kernel and return its entry point.
    Imports numba on first use. The functions reference each other through module globals, which are
    rebound to the jitted versions here, before the first compilation resolves them."""
    kernel = _kernels.get(variant)
    if kernel is not None:
        return kernel
    with _lock:
        if variant not in _kernels:
            jit = _setup_jit()
            g = globals()
            for name in _VARIANTS[variant]:
                if not hasattr(g[name], "py_func"):  # a helper both variants share is jitted once
                    g[name] = jit(g[name])
            _kernels[variant] = g[_VARIANTS[variant][-1]]
    return _kernels[variant]


def compile_variant(members: int = 1) -> None:
    """Compile the kernel, or load it from numba's cache, now (e.g. on a background thread at startup),
    so the first real call does not wait for it: the scalar variant a one-member run uses, or with
    members > 1 the lockstep one. Raises ImportError without numba."""
    K = 1 if members <= 1 else 2
    sizes = np.array([1, 1], dtype=np.int64)
    train(np.zeros((K, 2), np.float32), np.zeros((K, state_size(2)), np.float32), np.zeros(K, np.int64),
          np.ones(K, np.uint8), sizes, np.zeros(0, np.int64), np.zeros((K, 1), np.float32),
          np.zeros((K, 1), np.float32), 1, 0.0, 0.0, 0.0, _SGD, 1, True, 1.0, np.zeros((K, 1)),
          np.zeros((K, 1, 0), np.float32), np.zeros(K, np.int64))


# The lockstep kernel streams _LANES copies of the net through memory: worth it while a block's scratch
# stays in the caches, not beyond. Measured on 16 and 64 members (AVX-512, 2 cores), lanes are 4-12x faster
# than the scalar kernel spread over the cores for the seed's nets, 1.5-3x at ~17k parameters, about even
# at ~66k, and 1.3-3x slower past that; a call that stops mid-epoch also pays for setting the block up each
# time, and at the largest nets a block is 600 MB. So lanes up to this much scratch a block (~25k params).
LANE_SCRATCH_LIMIT = 8 << 20


def lane_scratch_bytes(sizes, points: int) -> int:
    """Bytes of one lockstep block's scratch (what _lanes_train allocates) for this net and data."""
    sizes = [int(v) for v in sizes]
    P = param_count(sizes)
    rows = 5 * P + 2 * points + sum(sizes[:-1]) + 1 + 2 * max(sizes) + 5
    return (rows + 1) * _LANES * 4


# ---------------------------------------------------------------------------------------------------------
# Work budgets: a call may stop inside an epoch (even inside a batch) and the next one resumes exactly there.
# An epoch of a large net on many points takes minutes, and pause, step and stop must land within a fraction
# of a second, so the caller hands `train` a budget of work and a Cursor that keeps the place. Work is
# counted in forward passes of one sample: a training sample (forward and backward) is WORK_SAMPLE, an
# optimizer step WORK_STEP, a sample of the end-of-epoch loss pass WORK_LOSS. No memory is shared with
# another thread while the kernel runs: the caller decides between calls.

WORK_SAMPLE = 3
WORK_STEP = 1
WORK_LOSS = 1


def epoch_work(points: int, batch_size: int) -> int:
    """Units of work in one member's epoch of `points` samples in batches of `batch_size`."""
    return WORK_SAMPLE * points + WORK_STEP * -(-points // batch_size) + WORK_LOSS * points


def work_done(position: int, points: int, batch_size: int) -> int:
    """Units of the epoch in progress already done at `position` (a Cursor's)."""
    position = int(position)
    if position <= points:
        steps = -(-position // batch_size) if position == points else position // batch_size
        return WORK_SAMPLE * position + WORK_STEP * steps
    return epoch_work(points, batch_size) - WORK_LOSS * (2 * points - position)


class Cursor:
    """Where each member stands inside its epoch in progress, kept by the caller between `train` calls that
    have a budget. `position` 0..N-1 is the next training sample (inside a batch when it is not a multiple
    of the batch size), N..2N-1 the next sample of the end-of-epoch loss pass, whose sum so far is in
    `loss_sum`; 0 is an epoch boundary. With zero_grad off, a call that stops inside a batch keeps the
    batch's gradient so far in `batch_grad` (with zero_grad on it is p.grad, in the optimizer state)."""

    def __init__(self, members: int, n_params: int, zero_grad: bool = True):
        self.position = np.zeros(members, np.int64)
        self.loss_sum = np.zeros(members, np.float64)
        self.batch_grad = np.zeros((members, 0 if zero_grad else n_params), np.float32)

    def at_boundary(self, active: np.ndarray | None = None) -> bool:
        """True when every (active) member is between epochs."""
        pos = self.position if active is None else self.position[active != 0]
        return not pos.any()

    def copy(self) -> "Cursor":
        other = Cursor.__new__(Cursor)
        other.position, other.loss_sum, other.batch_grad = (self.position.copy(), self.loss_sum.copy(),
                                                             self.batch_grad.copy())
        return other


def _check(name, a, dtype, ndim):
    if not isinstance(a, np.ndarray) or a.dtype != dtype or a.ndim != ndim or not a.flags.c_contiguous:
        got = f"{a.dtype} {a.ndim}-D" if isinstance(a, np.ndarray) else type(a).__name__
        raise TypeError(f"{name}: expected a C-contiguous {np.dtype(dtype)} {ndim}-D array, got {got}")


def _per_member(name, value, K: int) -> np.ndarray:
    """A hyperparameter as one float64 per member: a number is every member's, a sequence each one's."""
    a = np.array(value, dtype=np.float64)  # a copy: the caller may change its own between calls
    if a.ndim == 0:
        return np.full(K, a, np.float64)
    if a.shape != (K,):
        raise ValueError(f"{name}: expected a number or one per member ({K}), got shape {a.shape}")
    return a


def train(params, state, steps, active, sizes, acts, X, Y, epochs, lr, momentum, weight_decay,
          optimizer, batch_size, zero_grad, loss_limit, losses, trace, done, *, budget: int = 0,
          cursor: Cursor | None = None) -> None:
    """Train every active member for `epochs` epochs, in place (K members, P params, N points, L layers).

    Kept by the caller between calls (zeros/ones at the start of a run):
      params  float32 [K, P]   flat `torch.cat([p.flatten() for p in model.parameters()])` per member
      state   float32 [K, state_size(P)]   optimizer state and the gradient accumulator
      steps   int64 [K]        optimizer steps taken (Adam's bias correction)
      active  uint8 [K]        0 = skipped; set to 0 here when a member's loss diverges
    Inputs: sizes int64 [L+1] (1, hidden..., 1); acts int64 [L-1] (ACT_CODES); X, Y float32 [K, N];
      lr, momentum, weight_decay may change between calls (momentum is ignored by Adam); lr, momentum and
      loss_limit are a number for every member or a sequence of K, one per member (a sweep's cells); optimizer is an
      OPTIMIZER_CODES value; batch_size in 1..N; zero_grad False keeps adding each batch's gradient to the
      one the optimizer steps with; an epoch whose full-data loss is not finite or > loss_limit stops the
      member (that epoch counts as done).
    Written for this call: losses float64 [K, >=epochs] (NaN after a member's last done epoch), trace
      float32 [K, >=epochs, T] (the first T params after each epoch; T may be 0), done int64 [K].
    One member runs on the scalar kernel; more run in lockstep blocks of _LANES spread over one thread
    per core while a block's scratch stays small (LANE_SCRATCH_LIMIT), else member by member on the scalar
    kernel, spread likewise; each member bit for bit what it gets alone either way. The GIL is released
    while the kernel runs.

    Optional, for calls that may stop inside an epoch: `cursor` (a Cursor, kept by the caller) says where
    each member stands in its epoch in progress; the call starts there and leaves it where it stopped.
    `budget` > 0 (units of work, see WORK_SAMPLE; it needs a cursor) stops each member before the sample
    that would go past it, mid-batch if need be; `epochs` then bounds the epochs *finished* in the call
    (done), the one in progress counting when it finishes. Split calls equal one long call bit for bit.
    Every active member must stand at the same position (members share data order and batches).
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
    if param_count(sizes) != P:
        raise ValueError(f"params has {P} columns; sizes {sizes.tolist()} need {param_count(sizes)}")
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
    budget = int(budget or 0)
    if budget < 0:
        raise ValueError(f"budget must be 0 (none) or a positive number of work units, got {budget}")
    if cursor is None:
        if budget:
            raise ValueError("a budget needs a cursor: a call that stops inside an epoch must keep its place")
        position, loss_sum, pending = np.zeros(K, np.int64), np.zeros(K, np.float64), np.zeros((K, 0), np.float32)
    else:
        position, loss_sum, pending = cursor.position, cursor.loss_sum, cursor.batch_grad
        _check("cursor.position", position, np.int64, 1)
        _check("cursor.loss_sum", loss_sum, np.float64, 1)
        _check("cursor.batch_grad", pending, np.float32, 2)
        if position.shape[0] != K or loss_sum.shape[0] != K or pending.shape[0] != K:
            raise ValueError("cursor: expected one entry per member")
        if not zero_grad and pending.shape[1] != P:
            raise ValueError("cursor: without zero_grad a cursor keeps the batch gradient; "
                             "make it with Cursor(K, P, zero_grad=False)")
        if ((position < 0) | (position >= 2 * N)).any():
            raise ValueError(f"cursor: positions must be in 0..{2 * N - 1}, got {position.tolist()}")
        live = position[active != 0]
        if K > 1 and len(live) and (live != live[0]).any():
            raise ValueError("cursor: every active member must stand at the same position in its epoch")
    lr, momentum, loss_limit = (_per_member(name, value, K) for name, value in
                                (("lr", lr), ("momentum", momentum), ("loss_limit", loss_limit)))
    args = (params, state, steps, active, sizes, acts, X, Y, epochs, lr, momentum,
            float(weight_decay), optimizer, batch_size, bool(zero_grad), loss_limit, losses, trace, done,
            position, loss_sum, pending, budget)
    if K == 1:
        _compiled("scalar")(np.zeros(1, np.int64), *args)
        return
    # Stopped members are skipped; the rest are trained on one thread per core, this thread among them.
    # Threads rather than numba.prange: same spread, no second (parallel) compilation, no
    # threading layer.
    stopped = active == 0
    losses[stopped, :epochs] = np.nan
    done[stopped] = 0
    members = np.flatnonzero(~stopped)
    if len(members) == 0:
        return
    if lane_scratch_bytes(sizes, N) > LANE_SCRATCH_LIMIT:
        # A large net: member by member on the scalar kernel (same results, bit for bit).
        run_pulled(_compiled("scalar"), [members[i:i + 1] for i in range(len(members))], *args)
        return
    kernel = _compiled("lanes")
    # Packed into blocks of up to _LANES, at least one block per core (a block costs about what one member
    # alone does, however full), filled evenly; each thread takes the next block in order as it finishes one.
    n_blocks = max(-(-len(members) // _LANES), min(len(members), cores()))
    blocks = np.full((n_blocks, _LANES), -1, np.int64)  # the member in each lane; -1 leaves it idle
    for i, chunk in enumerate(np.array_split(members, n_blocks)):
        blocks[i, :len(chunk)] = chunk
    run_pulled(kernel, [blocks[i:i + 1] for i in range(n_blocks)], *args)

"""The numba plumbing behind engine/kernel.py, kept apart so the kernel reads as numerics.

`define_intrinsics` teaches numba a lane-vector type (an LLVM `<lanes x float>` value: one register) with
+ - * / and unary minus, and builds the intrinsics the kernel calls by name: `_fma` (one rounding, as ATen's
CPU kernels fuse), `_vload`/`_vstore` (a row of a [rows, lanes] array), `_vsplat`, `_vsqrt` and the
per-lane selects `_vle0`/`_vgt0`, and for the subnormal lanes `_vsubnormal` (which lanes hold one),
`_vstuck`, `_vpick` and the bit casts `_f32_bits`/`_bits_f32`. Each emits the one IEEE instruction the scalar kernel uses, per lane, so a
member trained in a lane equals the member trained alone, bit for bit.
"""

from __future__ import annotations


def define_intrinsics(_LANES: int) -> dict:
    """The intrinsics that replace the kernel's _fma and lane-vector stand-ins (_vload, ...), by name; teaches numba the
    lane-vector type: an LLVM <_LANES x float> value with + - * / and unary minus. Each emits the one IEEE
    instruction the scalar kernel uses, per lane. Lane vectors never cross a jitted function's signature
    (callees take arrays and rows), so numba's cache never has to pickle the type."""
    import operator

    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.core.typing.templates import ConcreteTemplate, infer_global, signature
    from numba.extending import intrinsic, lower_builtin, models, register_model

    f32 = types.float32
    vty = ir.VectorType(ir.FloatType(), _LANES)

    class Lanes(types.Type):
        """_LANES float32 lanes held as one LLVM vector value (a register, not memory)."""

        def __init__(self):
            super().__init__(name=f"Lanes{_LANES}xf32")

    lanes = Lanes()

    @register_model(Lanes)
    class LanesModel(models.PrimitiveModel):
        def __init__(self, dmm, fe_type):
            super().__init__(dmm, fe_type, vty)

    def vec(builder, ty, value):  # a lane vector as is; a float32 broadcast to every lane
        if ty == lanes:
            return value
        one = builder.insert_element(ir.Constant(vty, ir.Undefined), value, ir.Constant(ir.IntType(32), 0))
        mask = ir.Constant(ir.VectorType(ir.IntType(32), _LANES), [0] * _LANES)
        return builder.shuffle_vector(one, ir.Constant(vty, ir.Undefined), mask)

    def call(builder, name, *args):  # an LLVM vector intrinsic, e.g. llvm.sqrt.v16f32
        fnty = ir.FunctionType(vty, [vty] * len(args))
        return builder.call(cgutils.get_or_insert_function(builder.module, fnty, f"{name}.v{_LANES}f32"), args)

    # + - * / on lane vectors, a float32 on either side broadcast (the same IEEE op in every lane)
    mixed = [(lanes, lanes), (f32, lanes), (lanes, f32)]
    for ops, emit in (((operator.add, operator.iadd), "fadd"), ((operator.sub, operator.isub), "fsub"),
                      ((operator.mul, operator.imul), "fmul"), ((operator.truediv, operator.itruediv), "fdiv")):

        def lower(context, builder, sig, args, emit=emit):
            a, b = (vec(builder, t, x) for t, x in zip(sig.args, args))
            return getattr(builder, emit)(a, b)

        for op in ops:
            infer_global(op)(type("LanesOp", (ConcreteTemplate,), {"cases": [signature(lanes, *m) for m in mixed]}))
            for m in mixed:
                lower_builtin(op, *m)(lower)

    infer_global(operator.neg)(type("LanesNeg", (ConcreteTemplate,), {"cases": [signature(lanes, lanes)]}))

    @lower_builtin(operator.neg, lanes)
    def neg(context, builder, sig, args):  # as numba negates a float: -0.0 - x
        return builder.fsub(vec(builder, f32, ir.Constant(ir.FloatType(), -0.0)), args[0])

    def is_rows(a):
        return isinstance(a, types.Array) and a.dtype == f32 and a.ndim == 2 and a.layout == "C"

    def row_pointer(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        row = context.cast(builder, args[1], sig.args[1], types.intp)
        ptr = cgutils.gep_inbounds(builder, data, builder.mul(row, ir.Constant(row.type, _LANES)))
        return builder.bitcast(ptr, vty.as_pointer())

    @intrinsic
    def vload(typingctx, a, row):
        if not (is_rows(a) and isinstance(row, types.Integer)):
            return None

        def codegen(context, builder, sig, args):
            return builder.load(row_pointer(context, builder, sig, args), align=4)

        return lanes(a, row), codegen

    @intrinsic
    def vstore(typingctx, a, row, v):
        if not (is_rows(a) and isinstance(row, types.Integer) and v == lanes):
            return None

        def codegen(context, builder, sig, args):
            builder.store(args[2], row_pointer(context, builder, sig, args), align=4)
            return context.get_dummy_value()

        return types.none(a, row, v), codegen

    @intrinsic
    def vsplat(typingctx, x):
        if x != f32:
            return None
        return lanes(x), lambda context, builder, sig, args: vec(builder, f32, args[0])

    @intrinsic
    def vsqrt(typingctx, x):
        if x != lanes:
            return None
        return lanes(x), lambda context, builder, sig, args: call(builder, "llvm.sqrt", args[0])

    def select(predicate):
        @intrinsic
        def sel(typingctx, c, a, b):
            if not (c == lanes and a in (f32, lanes) and b in (f32, lanes)):
                return None

            def codegen(context, builder, sig, args):
                c, a, b = (vec(builder, t, x) for t, x in zip(sig.args, args))
                return builder.select(builder.fcmp_ordered(predicate, c, ir.Constant(vty, None)), a, b)

            return lanes(c, a, b), codegen

        return sel

    @intrinsic
    def fma(typingctx, a, b, c):
        # a * b + c with one rounding: ATen's CPU kernels fuse these (vec::fmadd, and GCC contracts the
        # scalar tails), so the kernel must too to stay on torch's trajectory. Lane vectors: per lane.
        if a == b == c == f32:
            return f32(f32, f32, f32), lambda context, builder, sig, args: builder.fma(*args)
        if lanes in (a, b, c) and {a, b, c} <= {f32, lanes}:

            def codegen(context, builder, sig, args):
                return call(builder, "llvm.fma", *(vec(builder, t, x) for t, x in zip(sig.args, args)))

            return lanes(a, b, c), codegen
        return None

    i32 = ir.IntType(32)
    ivty = ir.VectorType(i32, _LANES)
    mask_ty = ir.IntType(_LANES)

    @intrinsic
    def vsubnormal(typingctx, x):
        # A bit mask of the lanes holding a subnormal float (exponent bits 0, not zero), from the bits alone:
        # integer operations, so no lane pays the microcode assist x86 takes for floating-point arithmetic on
        # subnormals (~100x the cost of an ordinary operation).
        if x != lanes:
            return None

        def codegen(context, builder, sig, args):
            bits = builder.bitcast(args[0], ivty)
            exponent = builder.and_(bits, ir.Constant(ivty, [0x7F800000] * _LANES))
            magnitude = builder.and_(bits, ir.Constant(ivty, [0x7FFFFFFF] * _LANES))
            tiny = builder.and_(builder.icmp_unsigned("==", exponent, ir.Constant(ivty, [0] * _LANES)),
                                builder.icmp_unsigned("!=", magnitude, ir.Constant(ivty, [0] * _LANES)))
            return builder.zext(builder.bitcast(tiny, mask_ty), ir.IntType(64))

        return types.int64(x), codegen

    @intrinsic
    def vpick(typingctx, mask, a, b):
        # per lane: a where the lane's bit is set in `mask` (a bit mask as vsubnormal gives), else b
        if not (isinstance(mask, types.Integer) and a in (f32, lanes) and b in (f32, lanes)):
            return None

        def codegen(context, builder, sig, args):
            bits = builder.bitcast(builder.trunc(args[0], mask_ty), ir.VectorType(ir.IntType(1), _LANES))
            return builder.select(bits, vec(builder, sig.args[1], args[1]), vec(builder, sig.args[2], args[2]))

        return lanes(mask, a, b), codegen

    @intrinsic
    def vstuck(typingctx, buf, grad, param, most):
        # The lanes whose SGD momentum step changes nothing, from the bits alone: a subnormal buffer k * 2^-149
        # with k <= most (then buf * momentum rounds back to buf), a zero gradient, and a parameter of at
        # least 2^-90 (then p - lr * buf rounds back to p). engine/kernel.py's _subnormal_lanes says why.
        if not (buf == grad == param == most == lanes):
            return None

        def codegen(context, builder, sig, args):
            zero = ir.Constant(ivty, [0] * _LANES)
            b, g, p = (builder.bitcast(a, ivty) for a in args[:3])
            sub = builder.and_(
                builder.icmp_unsigned("==", builder.and_(b, ir.Constant(ivty, [0x7F800000] * _LANES)), zero),
                builder.icmp_unsigned("!=", builder.and_(b, ir.Constant(ivty, [0x7FFFFFFF] * _LANES)), zero))
            flat = builder.icmp_unsigned("==", builder.and_(g, ir.Constant(ivty, [0x7FFFFFFF] * _LANES)), zero)
            exponent = builder.lshr(builder.and_(p, ir.Constant(ivty, [0x7F800000] * _LANES)),
                                    ir.Constant(ivty, [23] * _LANES))
            big = builder.icmp_unsigned(">=", exponent, ir.Constant(ivty, [37] * _LANES))
            k = builder.sitofp(builder.and_(b, ir.Constant(ivty, [0x7FFFFF] * _LANES)), vty)  # exact: < 2^23
            few = builder.fcmp_ordered("<=", k, args[3])
            stuck = builder.and_(builder.and_(sub, flat), builder.and_(big, few))
            return builder.zext(builder.bitcast(stuck, mask_ty), ir.IntType(64))

        return types.int64(buf, grad, param, most), codegen

    @intrinsic
    def f32_bits(typingctx, x):  # a float32's bits as an int32
        if x != f32:
            return None
        return types.int32(x), lambda context, builder, sig, args: builder.bitcast(args[0], i32)

    @intrinsic
    def bits_f32(typingctx, x):  # int32 bits as the float32 they encode
        if x != types.int32:
            return None
        return f32(x), lambda context, builder, sig, args: builder.bitcast(args[0], ir.FloatType())

    return dict(_fma=fma, _vload=vload, _vstore=vstore, _vsplat=vsplat, _vsqrt=vsqrt,
                _vle0=select("<="), _vgt0=select(">"), _vsubnormal=vsubnormal, _vpick=vpick, _vstuck=vstuck,
                _f32_bits=f32_bits, _bits_f32=bits_f32)

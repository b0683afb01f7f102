"""The numba plumbing behind engine/kernel.py, kept apart so the kernel reads as numerics.

`define_intrinsics` teaches numba a lane-vector type (an LLVM `<lanes x float>` value: one register) with
+ - * / and unary minus, and builds the intrinsics the kernel calls by name: `_fma` (one rounding, as ATen's
CPU kernels fuse), `_vload`/`_vstore` (a row of a [rows, lanes] array), `_vsplat`, `_vsqrt` and the
per-lane selects `_vle0`/`_vgt0`. Each emits the one IEEE instruction the scalar kernel uses, per lane, so a
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

    return dict(_fma=fma, _vload=vload, _vstore=vstore, _vsplat=vsplat, _vsqrt=vsqrt,
                _vle0=select("<="), _vgt0=select(">"))

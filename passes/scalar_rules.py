"""Scalar bodies of elementwise `mt` ops, as `arith`/`math` ops: one entry per op class.

`convert-mt-to-loop` puts these ops inside `loop.elemwise` regions. Each rule takes a
`ScalarBuilder` (which appends ops to the region's block), the operands already
converted to the op's computation dtype, and returns the scalar result. Integer
division and remainder keep Python's floor semantics here; the emitter makes C's
undefined cases (division by zero, INT_MIN / -1) total.
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import FloatAttr, IntegerAttr
from xdsl.ir import Operation, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.passes.scalar_rules_math import MATH_SCALAR_RULES
from mlc.passes.scalar_rules_nnet import NNET_SCALAR_RULES


class ScalarBuilder:
    """Appends scalar ops to a list, with dtype-aware helpers."""

    def __init__(self) -> None:
        self.ops: list[Operation] = []

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def const(self, value: float | int | bool, dtype: str) -> SSAValue:
        el = dt.elem_type(dtype)
        if dt.is_float(dtype):
            return self.add(arith.ConstantOp(FloatAttr(float(value), el)))
        if dtype == "bool":
            return self.add(arith.ConstantOp(IntegerAttr(-1 if value else 0, el)))
        return self.add(arith.ConstantOp(IntegerAttr(int(value), el)))

    def convert(self, v: SSAValue, src: str, dst: str) -> SSAValue:
        """C/NumPy `astype` between two dtypes."""
        if src == dst:
            return v
        el = dt.elem_type(dst)
        if dst == "bool":
            zero = self.const(0, src)
            if dt.is_float(src):
                return self.add(arith.CmpfOp(v, zero, "une"))
            return self.add(arith.CmpiOp(v, zero, "ne"))
        if src == "bool":
            op = arith.UIToFPOp(v, el) if dt.is_float(dst) else arith.ExtUIOp(v, el)
            return self.add(op)
        if dt.is_float(src) and dt.is_float(dst):
            wider = dst == "float64"
            return self.add(arith.ExtFOp(v, el) if wider else arith.TruncFOp(v, el))
        if dt.is_float(src):
            return self.add(arith.FPToSIOp(v, el))
        if dt.is_float(dst):
            return self.add(arith.SIToFPOp(v, el))
        wider = dt.elem_type(dst).width.data > dt.elem_type(src).width.data  # type: ignore[attr-defined]
        return self.add(arith.ExtSIOp(v, el) if wider else arith.TruncIOp(v, el))


Rule = Callable[[ScalarBuilder, list[SSAValue], str], SSAValue]


def _fi(float_op: type, int_op: type) -> Rule:
    """A binary rule that picks the float or the integer arith op by dtype."""
    def rule(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
        return b.add((float_op if dt.is_float(dtype) else int_op)(a[0], a[1]))
    return rule


def _unary_math(op: type) -> Rule:
    return lambda b, a, dtype: b.add(op(a[0]))


def _neg(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    if dt.is_float(dtype):
        return b.add(arith.NegfOp(a[0]))
    return b.add(arith.SubiOp(b.const(0, dtype), a[0]))


def _abs(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    if dtype == "bool":  # |x| of a bool is x (NumPy keeps the dtype)
        return a[0]
    return b.add(math.AbsFOp(a[0]) if dt.is_float(dtype) else math.AbsIOp(a[0]))


def _sign(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    zero, one, minus = b.const(0, dtype), b.const(1, dtype), b.const(-1, dtype)
    if dt.is_float(dtype):  # NaN fails both tests and passes through; -0.0 gives +0.0 (NumPy)
        pos, neg = b.add(arith.CmpfOp(a[0], zero, "ogt")), b.add(arith.CmpfOp(a[0], zero, "olt"))
        other = b.add(arith.SelectOp(b.add(arith.CmpfOp(a[0], a[0], "uno")), a[0], zero))
    else:
        pos, neg = b.add(arith.CmpiOp(a[0], zero, "sgt")), b.add(arith.CmpiOp(a[0], zero, "slt"))
        other = zero
    return b.add(arith.SelectOp(pos, one, b.add(arith.SelectOp(neg, minus, other))))


def _sigmoid(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    one = b.const(1.0, dtype)
    e = b.add(math.ExpOp(b.add(arith.NegfOp(a[0]))))
    return b.add(arith.DivfOp(one, b.add(arith.AddfOp(one, e))))


def float_divmod(b: ScalarBuilder, x: SSAValue, y: SSAValue, dtype: str) -> tuple[SSAValue, SSAValue]:
    """(x // y, x % y) for floats, as NumPy's npy_divmod: exact remainder from fmod,
    quotient snapped to an integer, signs of zero results kept."""
    zero, one, half = b.const(0.0, dtype), b.const(1.0, dtype), b.const(0.5, dtype)
    mod = b.add(loop.FModOp(x, y))
    div = b.add(arith.DivfOp(b.add(arith.SubfOp(x, mod)), y))
    mod_nonzero = b.add(arith.CmpfOp(mod, zero, "une"))
    signs_differ = b.add(arith.XOrIOp(b.add(arith.CmpfOp(y, zero, "olt")),
                                      b.add(arith.CmpfOp(mod, zero, "olt"))))
    adjust = b.add(arith.AndIOp(mod_nonzero, signs_differ))
    signed_zero_mod = b.add(math.CopySignOp(zero, y))
    mod = b.add(arith.SelectOp(adjust, b.add(arith.AddfOp(mod, y)),
                               b.add(arith.SelectOp(mod_nonzero, mod, signed_zero_mod))))
    div = b.add(arith.SelectOp(adjust, b.add(arith.SubfOp(div, one)), div))
    floor = b.add(math.FloorOp(div))
    round_up = b.add(arith.CmpfOp(b.add(arith.SubfOp(div, floor)), half, "ogt"))
    snapped = b.add(arith.SelectOp(round_up, b.add(arith.AddfOp(floor, one)), floor))
    quotient = b.add(arith.DivfOp(x, y))
    signed_zero_div = b.add(math.CopySignOp(zero, quotient))
    floordiv = b.add(arith.SelectOp(b.add(arith.CmpfOp(div, zero, "une")), snapped, signed_zero_div))
    by_zero = b.add(arith.CmpfOp(y, zero, "oeq"))
    return b.add(arith.SelectOp(by_zero, quotient, floordiv)), mod


def _int_div(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    if dt.is_float(dtype):
        return float_divmod(b, a[0], a[1], dtype)[0]
    return b.add(arith.FloorDivSIOp(a[0], a[1]))


def _mod(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    """Python's %: the result takes the divisor's sign."""
    if dt.is_float(dtype):
        return float_divmod(b, a[0], a[1], dtype)[1]
    zero = b.const(0, dtype)
    r = b.add(arith.RemSIOp(a[0], a[1]))
    nonzero = b.add(arith.CmpiOp(r, zero, "ne"))
    differ = b.add(arith.XOrIOp(b.add(arith.CmpiOp(r, zero, "slt")),
                                b.add(arith.CmpiOp(a[1], zero, "slt"))))
    fix = b.add(arith.AndIOp(nonzero, differ))
    return b.add(arith.SelectOp(fix, b.add(arith.AddiOp(r, a[1])), r))


def _pow(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    return b.add(math.PowFOp(a[0], a[1]) if dt.is_float(dtype) else math.IPowIOp(a[0], a[1]))


def _minmax(float_op: type, int_op: type, bool_op: type) -> Rule:
    def rule(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
        op = float_op if dt.is_float(dtype) else bool_op if dtype == "bool" else int_op
        return b.add(op(a[0], a[1]))
    return rule


def _compare(fpred: str, ipred: str) -> Rule:
    def rule(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
        if dt.is_float(dtype):
            return b.add(arith.CmpfOp(a[0], a[1], fpred))
        pred = ipred.replace("s", "u", 1) if dtype == "bool" and ipred[0] == "s" else ipred
        return b.add(arith.CmpiOp(a[0], a[1], pred))
    return rule


def _select(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    return b.add(arith.SelectOp(a[0], a[1], a[2]))


SCALAR_RULES: dict[type, Rule] = {
    mt.NegOp: _neg, mt.AbsOp: _abs, mt.SignOp: _sign,
    mt.ExpOp: _unary_math(math.ExpOp), mt.LogOp: _unary_math(math.LogOp),
    mt.Log1pOp: _unary_math(math.Log1pOp), mt.Expm1Op: _unary_math(math.ExpM1Op),
    mt.SqrtOp: _unary_math(math.SqrtOp), mt.SinOp: _unary_math(math.SinOp),
    mt.CosOp: _unary_math(math.CosOp), mt.TanhOp: _unary_math(math.TanhOp),
    mt.SigmoidOp: _sigmoid,
    mt.AddOp: _fi(arith.AddfOp, arith.AddiOp), mt.SubOp: _fi(arith.SubfOp, arith.SubiOp),
    mt.MulOp: _fi(arith.MulfOp, arith.MuliOp), mt.TrueDivOp: _fi(arith.DivfOp, arith.DivSIOp),
    mt.IntDivOp: _int_div, mt.ModOp: _mod, mt.PowOp: _pow,
    mt.MaximumOp: _minmax(arith.MaximumfOp, arith.MaxSIOp, arith.OrIOp),
    mt.MinimumOp: _minmax(arith.MinimumfOp, arith.MinSIOp, arith.AndIOp),
    mt.EqOp: _compare("oeq", "eq"), mt.NeqOp: _compare("une", "ne"),
    mt.LtOp: _compare("olt", "slt"), mt.LeOp: _compare("ole", "sle"),
    mt.GtOp: _compare("ogt", "sgt"), mt.GeOp: _compare("oge", "sge"),
    mt.AndOp: _fi(arith.AndIOp, arith.AndIOp), mt.OrOp: _fi(arith.OrIOp, arith.OrIOp),
    mt.XorOp: _fi(arith.XOrIOp, arith.XOrIOp),
    mt.SelectOp: _select,
    mt.CastOp: lambda b, a, dtype: a[0],  # the operand conversion is the whole cast
    **MATH_SCALAR_RULES,
    **NNET_SCALAR_RULES,
    mt.SecondOp: lambda b, a, dtype: a[1],
}


def compute_dtypes(op: mt.ElemwiseOp | mt.CastOp) -> tuple[list[str], str]:
    """(dtype each operand is converted to, dtype the rule computes in)."""
    ins = [dt.dtype_of(v.type) for v in op.operands]
    out = dt.dtype_of(op.results[0].type)
    if isinstance(op, (mt.CompareOp, mt.ClassifyOp)):
        common = dt.upcast(*ins)
        return [common] * len(ins), common
    if isinstance(op, mt.SelectOp):
        return ["bool", out, out], out
    return [out] * len(ins), out

"""Scalar bodies of the math ops of dialects/mt/math.py, merged into
`SCALAR_RULES` (used by `convert-mt-to-loop` inside `loop.elemwise`).

Elementary functions become xDSL `math` ops; the special functions that `math` lacks
become `loop.special` (C helpers in passes/emit/math.py). Rounding is the identity on
integers and bool; `isnan`/`isinf` compute in the input's dtype and are constant False
on integers and bool.

    mt.floor (f64)   ->  %y = math.floor %x : f64
    mt.erfinv (f32)  ->  %y = loop.special %x {fn = "erfinv"} : f32
    mt.isnan (f64)   ->  %y = arith.cmpf uno, %x, %x : f64
"""

from __future__ import annotations


from xdsl.dialects import arith, math
from xdsl.ir import SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.passes.mt_to_loop.scalar import Rule, ScalarBuilder


def _libm(op: type) -> Rule:
    return lambda b, a, dtype: b.add(op(*a))


def _rounding(op: type) -> Rule:
    def rule(b: "ScalarBuilder", a: list[SSAValue], dtype: str) -> SSAValue:
        return b.add(op(a[0])) if dt.is_float(dtype) else a[0]
    return rule


def _special(fn: str) -> Rule:
    return lambda b, a, dtype: b.add(loop.SpecialOp(fn, a[0]))


def _isnan(b: "ScalarBuilder", a: list[SSAValue], dtype: str) -> SSAValue:
    if not dt.is_float(dtype):
        return b.const(False, "bool")
    return b.add(arith.CmpfOp(a[0], a[0], "uno"))


def _isinf(b: "ScalarBuilder", a: list[SSAValue], dtype: str) -> SSAValue:
    if not dt.is_float(dtype):
        return b.const(False, "bool")
    inf = b.const(float("inf"), dtype)
    return b.add(arith.CmpfOp(b.add(math.AbsFOp(a[0])), inf, "oeq"))


def _sigmoid(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
    one = b.const(1.0, dtype)
    e = b.add(math.ExpOp(b.add(arith.NegfOp(a[0]))))
    return b.add(arith.DivfOp(one, b.add(arith.AddfOp(one, e))))


SCALAR_RULES: dict[type, Rule] = {
    mt.ExpOp: _libm(math.ExpOp), mt.LogOp: _libm(math.LogOp),
    mt.Log1pOp: _libm(math.Log1pOp), mt.Expm1Op: _libm(math.ExpM1Op),
    mt.SqrtOp: _libm(math.SqrtOp), mt.SinOp: _libm(math.SinOp),
    mt.CosOp: _libm(math.CosOp), mt.TanhOp: _libm(math.TanhOp),
    mt.SigmoidOp: _sigmoid,
    mt.FloorOp: _rounding(math.FloorOp), mt.CeilOp: _rounding(math.CeilOp),
    mt.TruncOp: _rounding(math.TruncOp), mt.RoundHalfToEvenOp: _rounding(math.RoundEvenOp),
    mt.RoundHalfAwayFromZeroOp: _rounding(math.RoundOp),
    mt.Exp2Op: _libm(math.Exp2Op), mt.Log2Op: _libm(math.Log2Op), mt.Log10Op: _libm(math.Log10Op),
    mt.CbrtOp: _libm(math.CbrtOp),
    mt.TanOp: _libm(math.TanOp), mt.ArcsinOp: _libm(math.AsinOp), mt.ArccosOp: _libm(math.AcosOp),
    mt.ArctanOp: _libm(math.AtanOp), mt.SinhOp: _libm(math.SinhOp), mt.CoshOp: _libm(math.CoshOp),
    mt.ArcsinhOp: _libm(math.AsinhOp), mt.ArccoshOp: _libm(math.AcoshOp),
    mt.ArctanhOp: _libm(math.AtanhOp), mt.ErfOp: _libm(math.ErfOp),
    mt.Arctan2Op: _libm(math.Atan2Op),
    **{op: _special(op.name[len("mt."):]) for op in mt.SPECIAL_OPS},
    mt.IsNanOp: _isnan, mt.IsInfOp: _isinf,
}

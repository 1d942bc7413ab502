"""The scalar builder of `convert-mt-to-loop`: kernel bodies (`loop.elemwise`,
`loop.reduce`, ... regions) are built as `arith`/`math` ops through a `ScalarBuilder`,
which appends ops and converts between dtypes as C/NumPy `astype` does. A scalar rule
(`Rule`) takes the builder, the operands already converted to the op's computation
dtype, and that dtype, and returns the scalar result; the rules of each op family sit in
that family's module (elemwise.py, math.py, nnet.py, gradient.py).
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import arith
from xdsl.dialects.builtin import (FloatAttr, IntegerAttr)
from xdsl.ir import Attribute, Operation, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import mt


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


def scalar_attr(value: float | int | bool, dtype: str) -> Attribute:
    el = dt.elem_type(dtype)
    if dt.is_float(dtype):
        return FloatAttr(float(value), el)
    return IntegerAttr(-1 if dtype == "bool" and value else int(value), el)


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

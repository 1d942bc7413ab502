"""Scalar bodies of the elementwise `mt` ops of dialects/mt/elemwise.py (arithmetic,
comparisons, logic, select, cast): one `SCALAR_RULES` entry per op class, used inside
`loop.elemwise` regions. Integer division and remainder keep Python's floor semantics
here; the emitter makes C's undefined cases (division by zero, INT_MIN / -1) total.
`LOWERINGS` holds the ops whose lowering is more than the shared `lower_elemwise`:
`mt.pow` on integers checks for negative exponents.

    mt.add (f64)   ->  %z = arith.addf %x, %y : f64
    mt.mod (i64)   ->  arith.remsi, then the divisor's sign (Python's %)
"""

from __future__ import annotations


import numpy as np
from xdsl.dialects import arith, math, memref
from xdsl.dialects.builtin import (IndexType, IntegerAttr)
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, describe, lower_elemwise, where
from mlc.passes.mt_to_loop.scalar import Rule, ScalarBuilder


def _fi(float_op: type, int_op: type) -> Rule:
    """A binary rule that picks the float or the integer arith op by dtype."""
    def rule(b: ScalarBuilder, a: list[SSAValue], dtype: str) -> SSAValue:
        return b.add((float_op if dt.is_float(dtype) else int_op)(a[0], a[1]))
    return rule


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
}


def lower_pow(L: FuncLowering, op: mt.PowOp) -> SSAValue:
    """x ** y, and for integers NumPy's error when an exponent is negative: a min
    reduction over y (skipped when y is a constant without negative values)."""
    out = lower_elemwise(L, op, _pow)
    ydtype = dt.dtype_of(op.rhs.type)
    if dt.is_float(dt.dtype_of(op.result.type)) or ydtype == "bool":
        return out
    if isinstance(op.rhs.owner, mt.ConstantOp) and (op.rhs.owner.array() >= 0).all():
        return out
    y = L.buf[op.rhs]
    el = dt.elem_type(ydtype)
    low = L.alloc(el, (), [])
    block = Block(arg_types=[el, el])
    sb = ScalarBuilder()
    smallest = SCALAR_RULES[mt.MinimumOp](sb, list(block.args), ydtype)
    block.add_ops([*sb.ops, loop.YieldOp(smallest)])
    props = {"axes": int_array(range(len(dt.shape_of(op.rhs.type)))),
             "init": IntegerAttr(int(np.iinfo(ydtype).max), el)}
    L.emit(loop.ReduceOp([y], low, Region(block), props))
    value = L.emit(memref.LoadOp.get(low, []))
    ok = L.emit(arith.CmpiOp(value, L.emit(arith.ConstantOp(IntegerAttr(0, el))), "sge"))
    L.check(ok, [L.emit(arith.IndexCastOp(value, IndexType()))],
            f"{op.name}{where(op)}: integers to negative integer powers are not allowed "
            f"({describe(op.rhs, 1)} holds {{0}})")
    return out


LOWERINGS: dict[type, Lowering] = {mt.PowOp: lower_pow}

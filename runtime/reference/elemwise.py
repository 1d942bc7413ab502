"""NumPy semantics of the elemwise family: arithmetic, comparisons, logic, `mt.select`
and `mt.cast` (the ops of passes/mt_to_loop/elemwise.py).

Operands arrive in the computation dtype (`core.computation_operands`). Integer
division and modulo by zero give 0, as the compiled code does, instead of NumPy's
warning and Python's floor semantics on a trap.
"""

from __future__ import annotations

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def _floor_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":  # C truncates and traps on /0; Python floors, we give 0
        with np.errstate(divide="ignore"):
            return np.floor_divide(a, np.where(b == 0, 1, b)) * (b != 0)
    return np.floor_divide(a, b)


def _mod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":
        return np.mod(a, np.where(b == 0, 1, b)) * (b != 0)
    return np.mod(a, b)


ELEMWISE_REFERENCE: dict[type, Ref] = {
    mt.NegOp: np.negative, mt.AbsOp: np.abs, mt.SignOp: np.sign,
    mt.AddOp: np.add, mt.SubOp: np.subtract, mt.MulOp: np.multiply,
    mt.TrueDivOp: np.true_divide, mt.IntDivOp: _floor_div, mt.ModOp: _mod, mt.PowOp: np.power,
    mt.MaximumOp: np.maximum, mt.MinimumOp: np.minimum,
    mt.EqOp: np.equal, mt.NeqOp: np.not_equal, mt.LtOp: np.less, mt.LeOp: np.less_equal,
    mt.GtOp: np.greater, mt.GeOp: np.greater_equal,
    mt.AndOp: np.bitwise_and, mt.OrOp: np.bitwise_or, mt.XorOp: np.bitwise_xor,
    mt.SelectOp: np.where,
    mt.CastOp: lambda x, dtype: x.astype(dtype),
}

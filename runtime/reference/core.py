"""The evaluator machinery shared by the family tables of `mlc.runtime.reference`.

`Ref` is the type of one table entry: it takes the operand arrays and the op's
parameters (`op.params()`) and returns the result array. `apply_reference` runs one
entry the way every op is evaluated: operands first cast to the computation dtype
(`computation_operands`), floating-point warnings silenced, and the result converted
to exactly the dtype that type inference gives.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt

Ref = Callable[..., np.ndarray]


def computation_operands(op: mt.MtOp, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """arrays converted to the dtype op computes in: the result dtype for arithmetic
    elementwise ops, the common dtype for comparisons and `mt.dot`, unchanged otherwise."""
    out_dtype = dt.dtype_of(op.results[0].type)
    if isinstance(op, mt.ElemwiseOp) and not isinstance(op, (mt.CompareOp, mt.SelectOp, mt.LogicOp,
                                                             mt.ClassifyOp)):
        arrays = [a.astype(out_dtype) for a in arrays]
    if isinstance(op, (mt.CompareOp, mt.DotOp)):
        common = dt.arith_dtype(*(a.dtype.name for a in arrays)) if isinstance(op, mt.DotOp) \
            else dt.upcast(*(a.dtype.name for a in arrays))
        arrays = [a.astype(common) for a in arrays]
    return arrays


def apply_reference(ref: Ref, op: mt.MtOp, arrays: list[np.ndarray]) -> np.ndarray:
    """Run the table entry ref of op on arrays, in the computation dtype, and return
    the result in op's result dtype."""
    out_dtype = dt.dtype_of(op.results[0].type)
    arrays = computation_operands(op, arrays)
    with np.errstate(all="ignore"):
        result = ref(*arrays, **op.params())
    return np.asarray(result).astype(out_dtype, copy=False)

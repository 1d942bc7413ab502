"""Sorting along one axis: `mt.sort` (the values) and `mt.argsort` (int64 positions that
sort them, stable). NaNs sort last, as in NumPy.

    %v = mt.sort %x {axis = 0 : i64} : tensor<?xf64> -> tensor<?xf64>
    %s = mt.argsort %x {axis = 1 : i64} : tensor<?x?xf32> -> tensor<?x?xi64>
"""

from __future__ import annotations

from xdsl.irdl import irdl_op_definition

from mlc.dialects.mt.base import AxisOp


def _int64(dtype: str) -> str:
    return "int64"


@irdl_op_definition
class SortOp(AxisOp):
    """`mt.sort %x {axis}`: the values sorted ascending along axis, NaNs last."""

    name = "mt.sort"


@irdl_op_definition
class ArgSortOp(AxisOp):
    """`mt.argsort %x {axis}`: int64 indices that sort x along axis (stable, NaNs last)."""

    name = "mt.argsort"
    DTYPE_RULE = staticmethod(_int64)


SORT_OPS = (SortOp, ArgSortOp)

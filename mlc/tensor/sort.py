"""The sort family of the frontend: `T.sort` and `T.argsort` along one axis (of the
flattened tensor when the axis is None). The sort is always stable and puts NaNs last,
whatever `kind` says.
"""

from __future__ import annotations

from typing import Any, Optional

from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.structure import along_axis
from mlc.tensor.variable import Variable


def _check_sort(kind: str, order: Any, fn: str) -> None:
    if order is not None:
        raise ValueError(f"{fn}: order is only for structured arrays, which mlc lacks" + at())
    if kind not in ("quicksort", "mergesort", "heapsort", "stable"):
        raise ValueError(f"{fn}: unknown kind {kind!r}" + at())


def sort(a: Any, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> Variable:
    """Sorted copy along `axis` (the flattened a when None); NaNs last. The sort is
    always stable, whatever `kind` says."""
    _check_sort(kind, order, "sort")
    return along_axis(mt.SortOp, a, axis, "sort")


def argsort(a: Any, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> Variable:
    """Indices that sort a along `axis` (stable: ties keep their order; NaNs last)."""
    _check_sort(kind, order, "argsort")
    return along_axis(mt.ArgSortOp, a, axis, "argsort")


__all__ = [
    "sort", "argsort",
]

"""NumPy semantics of the sort family: `mt.sort` and `mt.argsort` (the ops of
passes/mt_to_loop/sort.py), both stable like the compiled merge sort."""

from __future__ import annotations

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref

SORT_REFERENCE: dict[type, Ref] = {
    mt.SortOp: lambda x, axis: np.sort(x, axis=axis, kind="stable"),
    mt.ArgSortOp: lambda x, axis: np.argsort(x, axis=axis, kind="stable").astype(np.int64),
}

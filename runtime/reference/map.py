"""NumPy semantics of the map family: `mt.map` interprets its body once per index
with the per-op evaluator it is given, and stacks the yielded rows."""

from __future__ import annotations

from typing import Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference.core import Ref

Evaluator = Callable[[mt.MtOp, list[np.ndarray]], np.ndarray]

MAP_REFERENCE: dict[type, Ref] = {
    mt.MapOp: lambda *a: None,  # a region: interpreted by `evaluate_map`
}


def evaluate_map(op: mt.MapOp, arrays: list[np.ndarray], evaluate: Evaluator) -> np.ndarray:
    """mt.map: interpret the body with `evaluate`, once per index, and stack."""
    count, like, *captures = arrays
    block = op.body.block
    rows = []
    for i in range(int(count)):
        env = dict(zip(block.args, [np.array(i, np.int64), *captures]))
        for inner in block.ops:
            if isinstance(inner, mt.MapYieldOp):
                rows.append(env[inner.value])
            else:
                env[inner.results[0]] = evaluate(inner, [env[v] for v in inner.operands])
    out_dtype = dt.dtype_of(op.result.type)
    return np.stack(rows).astype(out_dtype) if rows else np.zeros((0, *like.shape), out_dtype)

"""NumPy reference semantics of every `mt` op: the test oracle and the constant folder.

One module per op family (the names of passes/mt_to_loop/): elemwise, math, nnet,
reduce, sort, linalg, structure, indexing, random, map, scan, gradient; each holds the
table of its ops, and core.py the machinery they share. `REFERENCE` merges the tables:
one entry per op class, taking the operand arrays and the op's parameters
(`op.params()`) and returning the result array with exactly the dtype that type
inference gives. `evaluate(op, arrays)` applies it. Passes import this package only
for constant folding (DESIGN.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref, apply_reference
from mlc.runtime.reference.elemwise import ELEMWISE_REFERENCE
from mlc.runtime.reference.gradient import GRADIENT_REFERENCE
from mlc.runtime.reference.indexing import INDEXING_REFERENCE
from mlc.runtime.reference.linalg import LINALG_REFERENCE
from mlc.runtime.reference.map import MAP_REFERENCE, evaluate_map
from mlc.runtime.reference.math import MATH_REFERENCE
from mlc.runtime.reference.nnet import NNET_REFERENCE
from mlc.runtime.reference.random import RANDOM_REFERENCE
from mlc.runtime.reference.reduce import REDUCE_REFERENCE
from mlc.runtime.reference.scan import SCAN_REFERENCE, evaluate_scan
from mlc.runtime.reference.sort import SORT_REFERENCE
from mlc.runtime.reference.structure import STRUCTURE_REFERENCE

REFERENCE: dict[type, Ref] = {
    **ELEMWISE_REFERENCE, **MATH_REFERENCE, **NNET_REFERENCE, **REDUCE_REFERENCE,
    **SORT_REFERENCE, **LINALG_REFERENCE, **STRUCTURE_REFERENCE, **INDEXING_REFERENCE,
    **RANDOM_REFERENCE, **MAP_REFERENCE, **SCAN_REFERENCE, **GRADIENT_REFERENCE,
}


def evaluate(op: mt.MtOp, arrays: list[np.ndarray]) -> Any:
    """Run op's reference on arrays, with operands first cast to the computation dtype:
    the result array (a list of them for an op with several results, `mt.scan`)."""
    if isinstance(op, mt.ConstantOp):
        return op.array()
    if isinstance(op, mt.MapOp):
        return evaluate_map(op, arrays, evaluate)
    if isinstance(op, mt.ScanOp):
        results = evaluate_scan(op, arrays, evaluate)
        return results if len(results) > 1 else results[0]
    return apply_reference(REFERENCE[type(op)], op, arrays)


__all__ = ["REFERENCE", "Ref", "evaluate", "evaluate_map", "evaluate_scan"]

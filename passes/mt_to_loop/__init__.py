"""The rules of `convert-mt-to-loop` (passes/convert_mt_to_loop.py), one module per op family.

Each family module (elemwise, math, nnet, reduce, sort, linalg, structure, indexing,
random, map, scan, gradient: the same names as dialects/mt/) holds `LOWERINGS` (op class ->
`(L, op) -> memref`) for its ops and, for elementwise ops, `SCALAR_RULES` (op class ->
scalar body). They build on three builder modules: builder.py (`FuncLowering`, the state
of one function's lowering, and `lower_elemwise`), scalar.py (`ScalarBuilder`) and
sizes.py (symbolic sizes and their run-time checks). This module merges the tables:
every op with a scalar rule lowers through `lower_elemwise` unless its family gives a
lowering of its own.
"""

from __future__ import annotations

from mlc.dialects import mt
from mlc.passes.mt_to_loop import (elemwise, gradient, indexing, linalg, map, math, nnet, random, reduce, scan,
                                   sort, structure)
from mlc.passes.mt_to_loop.builder import Lowering, elementwise
from mlc.passes.mt_to_loop.scalar import Rule

SCALAR_RULES: dict[type, Rule] = {
    **elemwise.SCALAR_RULES, **math.SCALAR_RULES, **nnet.SCALAR_RULES, **gradient.SCALAR_RULES,
}

LOWERINGS: dict[type, Lowering] = {
    **{cls: elementwise(rule) for cls, rule in SCALAR_RULES.items()},
    **elemwise.LOWERINGS, **nnet.LOWERINGS, **reduce.LOWERINGS, **sort.LOWERINGS, **linalg.LOWERINGS,
    **structure.LOWERINGS, **indexing.LOWERINGS, **random.LOWERINGS, **gradient.LOWERINGS,
    mt.MapOp: lambda L, op: map.lower_map(L, op, LOWERINGS),
    mt.ScanOp: lambda L, op: scan.lower_scan(L, op, LOWERINGS),
}

"""NumPy semantics of the scan family: `mt.scan` interprets its body once per step with
the per-op evaluator it is given (dialects/mt/scan.py states the semantics)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference.core import Ref

Evaluator = Callable[[mt.MtOp, list[np.ndarray]], Any]

SCAN_REFERENCE: dict[type, Ref] = {
    mt.ScanOp: lambda *a: None,  # a region: interpreted by `evaluate_scan`
}


def run_block(block: Any, args: list[np.ndarray], evaluate: Evaluator) -> list[np.ndarray]:
    """Interpret a region block on `args`; the values its terminator yields."""
    env = dict(zip(block.args, args))
    for inner in block.ops:
        if inner is block.last_op:
            return [env[v] for v in inner.operands]
        value = evaluate(inner, [env[v] for v in inner.operands])
        for r, v in zip(inner.results, value if len(inner.results) > 1 else [value]):
            env[r] = v
    raise ValueError("mt region without a terminator")


def evaluate_scan(op: mt.ScanOp, arrays: list[np.ndarray], evaluate: Evaluator) -> list[np.ndarray]:
    """mt.scan: run the body n times, feeding each state's rows back through its taps."""
    p = op.params()
    n, rest = int(arrays[0]), arrays[1:]
    seqs, inits, caps = mt.ScanOp.split(rest, p["n_seqs"], p["taps"])
    for i, s in enumerate(seqs):
        if len(s) < n:
            raise ValueError(f"mt.scan: sequence {i} has {len(s)} rows for {n} steps")
    states = []
    for s, (init, taps) in enumerate(zip(inits, p["taps"])):
        k = max(-t for t in taps)
        if len(init) != k:
            raise ValueError(f"mt.scan: state {s} needs {k} initial rows, got {len(init)}")
        states.append(list(init))
    outs: list[list[np.ndarray]] = [[] for _ in range(p["n_outs"])]
    for t in range(n):
        taps_in = [rows[len(rows) + tap] for rows, taps in zip(states, p["taps"]) for tap in taps]
        yielded = run_block(op.body.block, [s[t] for s in seqs] + taps_in + list(caps), evaluate)
        for rows, v in zip(states, yielded):
            rows.append(v)
        for rows, v in zip(outs, yielded[len(states):]):
            rows.append(v)
    results = []
    for rows, r in zip([*states, *outs], op.results):
        shape = dt.shape_of(r.type)[1:]
        empty = np.zeros((0, *(0 if d == dt.DYN else d for d in shape)), dt.dtype_of(r.type))
        results.append(np.stack(rows).astype(dt.dtype_of(r.type)) if rows else empty)
    return results

"""Structural hash of a `FunctionGraph`, computed before any xDSL work.

Two graphs with the same hash translate to the same templated `mt` module
(`translate.to_module(fg, templated=True)`) and so compile to the same code: the hash
covers op class names, parameters, types, constant bytes, topology, input/output order,
shared-variable slots and the update targets. It leaves out variable names and source
locations: the compiled code's messages refer to them by site number, and each function
fills in its own (passes/message_templates.py). So the same graph built on another line
(a re-run notebook cell, a loop) hits the caches. `mlc.function` keys its in-memory and
disk caches on it.
"""

from __future__ import annotations

import hashlib

from mlc.compile.fgraph import FunctionGraph
from mlc.tensor.variable import Constant, Variable


class _Hasher:
    def __init__(self) -> None:
        self.h = hashlib.blake2b(digest_size=20)
        self.ids: dict[Variable, int] = {}

    def feed(self, *items: object) -> None:
        self.h.update(repr(items).encode())
        self.h.update(b"\x00")

    def leaf(self, v: Variable, kind: str) -> None:
        self.ids[v] = len(self.ids)
        self.feed(kind, v.type.dtype, v.type.dims)

    def ref(self, v: Variable) -> int:
        found = self.ids.get(v)
        if found is not None:
            return found
        if not isinstance(v, Constant):
            raise AssertionError(f"hash: {v!r} is not a leaf of the graph")
        self.leaf(v, "const")
        self.h.update(hashlib.blake2b(v.data.tobytes(), digest_size=20).digest())
        return self.ids[v]


def graph_hash(fg: FunctionGraph) -> str:
    """Hex digest identifying `fg` up to the identity of its shared values."""
    hs = _Hasher()
    for v in fg.inputs:
        hs.leaf(v, "in")
    for v in fg.shared:
        hs.leaf(v, "shared")
    for node in fg.nodes:
        args = [hs.ref(v) for v in node.inputs]
        params = tuple(sorted(node.params.items()))
        hs.feed("op", node.op.name, params, args,
                [(o.type.dtype, o.type.dims) for o in node.outputs])
        for out in node.outputs:
            hs.ids[out] = len(hs.ids)
    hs.feed("out", fg.single, [hs.ref(v) for v in fg.outputs])
    hs.feed("upd", [hs.ref(v) for v in fg.update_values], fg.updates)
    return hs.h.hexdigest()

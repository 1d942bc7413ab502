"""Algorithms on the frontend graph (`Variable`/`Apply` of variable.py): `toposort`,
`clone_replace` and the structural hash `graph_key`.

They walk light frontend nodes only, so `mlc.gradient`, `tensor/map.py` and the compile
layer (`mlc/compile/fgraph.py`, `hashing.py`) share them without `mlc.tensor` importing
anything from `mlc.compile`.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Sequence

from mlc.tensor.variable import Apply, Constant, Variable, apply_node


def toposort(roots: Iterable[Variable], stop: set[Variable] | frozenset = frozenset()) -> list[Apply]:
    """Apply nodes that `roots` depend on, each after its inputs' nodes (iterative DFS,
    so deep graphs do not hit the recursion limit); the walk does not enter `stop`."""
    order: list[Apply] = []
    seen: set[int] = set()
    for root in roots:
        stack = [(root, False)]
        while stack:
            var, done = stack.pop()
            node = var.owner
            if node is None or var in stop:
                continue
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((var, True))
                stack.extend((v, False) for v in reversed(node.inputs))
    return order


def clone_replace(roots: Sequence[Variable], replace: dict[Variable, Variable]) -> list[Variable]:
    """`roots` rebuilt with variables substituted by `replace` (types re-inferred);
    nodes that do not depend on a replaced variable are shared, not copied."""
    memo: dict[Variable, Variable] = dict(replace)
    for node in toposort(roots, stop=set(replace)):
        inputs = [memo.get(v, v) for v in node.inputs]
        if all(a is b for a, b in zip(inputs, node.inputs)):
            continue
        new = apply_node(node.op, inputs, node.params, f"givens ({node.op.name})", node.loc)
        memo.update(zip(node.outputs, new.outputs))
    return [memo.get(v, v) for v in roots]


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


def graph_key(inputs: Sequence[Variable], outputs: Sequence[Variable], nodes: Sequence[Apply],
              single: bool = True, shared: Sequence[Variable] = (),
              update_values: Sequence[Variable] = (), updates: Sequence[int] = ()) -> str:
    """Hex digest of a graph's structure: op names, parameters, types, constant bytes,
    topology, leaf order and update targets; names and source lines are left out."""
    hs = _Hasher()
    for v in inputs:
        hs.leaf(v, "in")
    for v in shared:
        hs.leaf(v, "shared")
    for node in nodes:
        args = [hs.ref(v) for v in node.inputs]
        params = tuple(sorted(node.params.items()))
        hs.feed("op", node.op.name, params, args,
                [(o.type.dtype, o.type.dims) for o in node.outputs])
        for out in node.outputs:
            hs.ids[out] = len(hs.ids)
    hs.feed("out", single, [hs.ref(v) for v in outputs])
    hs.feed("upd", [hs.ref(v) for v in update_values], list(updates))
    return hs.h.hexdigest()

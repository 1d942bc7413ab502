"""`Body`: the graph of a region op's body (`mt.map`, `mt.scan`) on the frontend.

A body is an ordinary frontend graph between fresh leaf variables (the region block's
arguments, in order) and its results (what the region yields), with the nodes between
them in topological order. Values the body reads from outside reach it only through
leaves (captures), so cloning or hashing the outer graph never looks inside. Bodies
compare and hash by structure (`graph_key`); `mlc/compile/translate.py` turns one into
the region's block.
"""

from __future__ import annotations

from typing import Any, Sequence

from mlc.tensor.graph import graph_key, toposort
from mlc.tensor.slots import SlotState
from mlc.tensor.variable import Apply, Constant, Variable


class Body(SlotState):
    """Leaves (block arguments), results (yielded values) and the nodes between them."""

    __slots__ = ("leaves", "results", "nodes", "key")

    def __init__(self, leaves: Sequence[Variable], results: Sequence[Variable], nodes: Sequence[Apply]):
        self.leaves, self.results, self.nodes = list(leaves), list(results), list(nodes)
        self.key = graph_key(self.leaves, self.results, self.nodes)

    @property
    def result_types(self) -> list[Any]:
        """The mt types of the yielded values."""
        return [r.type.mt for r in self.results]

    def graph(self) -> tuple[list[Variable], list[Apply], list[Variable]]:
        """(leaves, nodes, results): the body as the autodiff walks see a graph."""
        return self.leaves, self.nodes, self.results

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.key == self.key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: "Body") -> bool:
        return self.key < other.key


def dependent_nodes(leaves: Sequence[Variable], results: Sequence[Variable]) -> tuple[list[Apply], list[Variable]]:
    """The nodes between `leaves` and `results` that depend on a leaf (in order), and the
    outside values (not constants) that those nodes or the results read."""
    dependent, nodes = set(leaves), []
    for node in toposort(list(results)):
        if any(v in dependent for v in node.inputs):
            nodes.append(node)
            dependent.update(node.outputs)
    outside: list[Variable] = []
    for v in [i for node in nodes for i in node.inputs] + list(results):
        if v not in dependent and not isinstance(v, Constant) and v not in outside:
            outside.append(v)
    return nodes, outside

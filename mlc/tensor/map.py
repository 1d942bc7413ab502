"""`map_rows`: a symbolic loop that stacks one row per index (`mt.map`), the building block
of `jacobian`/`hessian` for vectors whose length is known only at run time.

The body is an ordinary frontend graph of a fresh index variable; nodes that do not depend
on the index stay outside the loop, the values the body reads from outside are passed to
it as captures. A `MapBody` is only the body's graph: `mlc/compile/translate.py` reads it
and translates it into the `mt.map` region.
"""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.tensor.basic import as_tensor_variable
from mlc.tensor.graph import graph_key, toposort
from mlc.tensor.slots import SlotState
from mlc.tensor.type import TensorType
from mlc.tensor.variable import Apply, Constant, Variable, apply


class MapBody(SlotState):
    """The body of an `mt.map` node: index variable, captured variables, the row, and the
    nodes between them in topological order. Compares and hashes by structure."""

    __slots__ = ("index", "captures", "row", "nodes", "key")

    def __init__(self, index: Variable, captures: list[Variable], row: Variable, nodes: list[Apply]):
        self.index, self.captures, self.row, self.nodes = index, captures, row, nodes
        self.key = graph_key([index, *captures], [row], nodes)

    @property
    def leaves(self) -> list[Variable]:
        """The body block's arguments, in order: the index, then the captures."""
        return [self.index, *self.captures]

    @property
    def row_type(self) -> Any:
        return self.row.type.mt

    def __repr__(self) -> str:
        return f"MapBody({self.key})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MapBody) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: "MapBody") -> bool:
        return self.key < other.key


def _body(index: Variable, row: Variable) -> tuple[list[Apply], list[Variable]]:
    """The nodes that depend on `index` (in order) and the outside values they read."""
    dependent, nodes = {index}, []
    for node in toposort([row]):
        if any(v in dependent for v in node.inputs):
            nodes.append(node)
            dependent.update(node.outputs)
    captures: list[Variable] = []
    for v in [i for node in nodes for i in node.inputs] + [row]:
        if v not in dependent and not isinstance(v, Constant) and v not in captures:
            captures.append(v)
    return nodes, captures


def map_rows(count: Any, like: Any, row_fn: Callable[[Variable], Any]) -> Variable:
    """stack([row_fn(i) for i in range(count)]), where every row has `like`'s shape."""
    count = as_tensor_variable(count)
    if count.ndim != 0 or not count.dtype.startswith("int"):
        raise TypeError(f"map_rows: the count must be an integer scalar, got {count!r}")
    if count.dtype != "int64":
        count = count.astype("int64")
    index = TensorType("int64", shape=())("i")
    row = as_tensor_variable(row_fn(index))
    nodes, captures = _body(index, row)
    body = MapBody(index, captures, row, nodes)
    return apply(mt.MapOp, [count, as_tensor_variable(like), *captures], "map_rows", body=body)

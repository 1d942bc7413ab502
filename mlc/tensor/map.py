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
from mlc.tensor.body import Body, dependent_nodes
from mlc.tensor.type import TensorType
from mlc.tensor.variable import Apply, Variable, apply


class MapBody(Body):
    """The body of an `mt.map` node: index variable, captured variables, the row, and the
    nodes between them in topological order (leaves = index, then captures)."""

    __slots__ = ()

    def __init__(self, index: Variable, captures: list[Variable], row: Variable, nodes: list[Apply]):
        super().__init__([index, *captures], [row], nodes)

    @property
    def index(self) -> Variable:
        return self.leaves[0]

    @property
    def captures(self) -> list[Variable]:
        return self.leaves[1:]

    @property
    def row(self) -> Variable:
        return self.results[0]

    @property
    def row_type(self) -> Any:
        return self.row.type.mt


def map_rows(count: Any, like: Any, row_fn: Callable[[Variable], Any]) -> Variable:
    """stack([row_fn(i) for i in range(count)]), where every row has `like`'s shape."""
    count = as_tensor_variable(count)
    if count.ndim != 0 or not count.dtype.startswith("int"):
        raise TypeError(f"map_rows: the count must be an integer scalar, got {count!r}")
    if count.dtype != "int64":
        count = count.astype("int64")
    index = TensorType("int64", shape=())("i")
    row = as_tensor_variable(row_fn(index))
    nodes, captures = dependent_nodes([index], [row])
    body = MapBody(index, captures, row, nodes)
    return apply(mt.MapOp, [count, as_tensor_variable(like), *captures], "map_rows", body=body)

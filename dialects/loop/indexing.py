"""`loop` ops of indexing: Python slice bounds, gather/scatter kernels and nonzero.

`loop.slice_bounds` resolves one slice against an axis size exactly as Python's
`slice.indices` does (it is emitted as the C helper `mlc_slice`). The kernels iterate
over an index space and address a buffer through index arrays (memrefs of any integer
type, already broadcast to one rank `nb`):

    loop.gather ins(%x, %i, %j : ...) outs(%o : memref<?x?xf64>) {axes = array<i64: 0, 2>, bstart = 0} {
    ^bb0(%v : f64):
      loop.yield %v : f64
    }

reads `o[p] = body(x[pos(p)])`, where pos(p) takes `i[p[bstart:bstart+nb]]` for x's axis
0, `j[...]` for axis 2 (negative entries count from the end) and the other dims of p, in
order, for x's other axes. `loop.scatter` is its mirror: `o[pos(p)] = body(o[pos(p)],
y[p])` in C order over y's index space, so repeated positions see earlier writes (an
accumulating body sums them). Neither checks bounds: the lowering that builds them
checks every index array first with `loop.check`.
"""

from __future__ import annotations

from xdsl.dialects.builtin import DYNAMIC_INDEX, DenseArrayBase, IndexType, IntegerAttr, MemRefType
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from mlc.dialects.loop.core import KernelOp, _ints


@irdl_op_definition
class SliceBoundsOp(IRDLOperation):
    """`%begin, %len = loop.slice_bounds %n, %start, %stop, %step`: Python's
    `slice(start, stop, step).indices(n)` as (first position, length); `begin` is 0 when
    the length is 0, so a view of no elements never points outside its buffer. The step
    must not be 0 (checked before)."""

    name = "loop.slice_bounds"
    size = operand_def(IndexType)
    start = operand_def(IndexType)
    stop = operand_def(IndexType)
    step = operand_def(IndexType)
    begin = result_def(IndexType)
    length = result_def(IndexType)
    traits = traits_def(Pure())
    assembly_format = "$size `,` $start `,` $stop `,` $step attr-dict"

    def __init__(self, size, start, stop, step):
        super().__init__(operands=[size, start, stop, step], result_types=[IndexType(), IndexType()])


class IndexedKernelOp(KernelOp):
    """A kernel that addresses one buffer through index arrays (the inputs after the
    first): `axes[k]` is the axis that index array k addresses, `bstart` the first
    iteration dim of the index arrays' own dims."""

    axes = prop_def(DenseArrayBase)
    bstart = prop_def(IntegerAttr)

    def get_axes(self) -> tuple[int, ...]:
        return _ints(self.axes)

    def layout(self, indexed: MemRefType, space: MemRefType) -> tuple[int, int]:
        """(bstart, nb) checked against the indexed buffer and the iteration space."""
        axes, nb = self.get_axes(), space.get_num_dims() - indexed.get_num_dims() + len(self.axes)
        for v in self.inputs[1:]:
            if v.type.get_num_dims() != nb:  # type: ignore[attr-defined]
                raise VerifyException(f"{self.name}: index arrays must have rank {nb}")
        if len(axes) != len(self.inputs) - 1 or any(not 0 <= a < indexed.get_num_dims() for a in axes):
            raise VerifyException(f"{self.name}: one axis of the indexed buffer per index array")
        bstart = self.bstart.value.data
        if nb < 0 or not 0 <= bstart <= space.get_num_dims() - nb:
            raise VerifyException(f"{self.name}: bstart {bstart} and {nb} index dims do not fit")
        return bstart, nb


@irdl_op_definition
class GatherOp(IndexedKernelOp):
    """`loop.gather ins(%x, %idx...) outs(%o)`: o[p] = body(x[pos(p)]) (module docstring)."""

    name = "loop.gather"

    def verify_(self) -> None:
        self.layout(self.inputs[0].type, self.output.type)  # type: ignore[arg-type]


@irdl_op_definition
class ScatterOp(IndexedKernelOp):
    """`loop.scatter ins(%y, %idx...) outs(%o)`: o[pos(p)] = body(o[pos(p)], y[p]) in C
    order over y's index space (module docstring)."""

    name = "loop.scatter"

    def verify_(self) -> None:
        self.layout(self.output.type, self.inputs[0].type)  # type: ignore[arg-type]


@irdl_op_definition
class NonzeroOp(KernelOp):
    """`loop.nonzero ins(%m) outs(%o)`: the positions of the elements of m (rank k) for
    which the body yields true, in C order, as rows of o (memref<(N+1) x k x i64>, N
    = their count): row r < N holds the r-th position; row N is scratch, written by the
    unselected elements, so the kernel needs no branch."""

    name = "loop.nonzero"

    def verify_(self) -> None:
        k = self.inputs[0].type.get_num_dims()  # type: ignore[attr-defined]
        out = self.output.type
        shape = out.get_shape()  # type: ignore[attr-defined]
        if len(self.inputs) != 1 or len(shape) != 2 or shape[1] not in (k, DYNAMIC_INDEX):
            raise VerifyException("loop.nonzero: one input of rank k and an output of shape (N+1) x k")


INDEXING_OPS = (SliceBoundsOp, GatherOp, ScatterOp, NonzeroOp)

"""The linalg family of `loop`: the matrix-product kernels `loop.matmul` and
`loop.batch_matmul`. They become `scf.for` nests in `convert-loop-to-scf`
(passes/loop_to_scf/linalg.py), unless `insert-blas` has replaced a float `loop.matmul`
by a `blas` op first.

    loop.matmul ins(%a, %b : memref<?x?xf64>, memref<?xf64>) outs(%o : memref<?xf64>) {
    ^bb0(%acc : f64, %x : f64, %y : f64):
      %p = arith.mulf %x, %y : f64
      %s = arith.addf %acc, %p : f64
      loop.yield %s : f64
    }
"""

from __future__ import annotations

from xdsl.irdl import irdl_op_definition

from mlc.dialects.loop.core import KernelOp


@irdl_op_definition
class MatmulOp(KernelOp):
    """out = dot(a, b) for ranks (2,2), (2,1), (1,2), (1,1); all element types equal.
    The body maps (accumulator, a, b) -> accumulator."""

    name = "loop.matmul"


@irdl_op_definition
class BatchMatmulOp(KernelOp):
    """out[b] = dot(a[b], b[b]) for each b along the leading axis; a and b have rank 2 or
    3 and equal element types. The body maps (accumulator, a, b) -> accumulator."""

    name = "loop.batch_matmul"


LINALG_OPS = (MatmulOp, BatchMatmulOp)

"""`mt`: the tensor-graph dialect, one op per Theano-level operation (value semantics,
static rank, dynamic sizes, broadcast pattern in the type).

Op families live in their own modules; this module assembles the `MT` dialect and
re-exports every op class, so `from mlc.dialects import mt; mt.AddOp` works.
"""

from xdsl.ir import Dialect

from mlc.dialects.mt.base import MtOp
from mlc.dialects.mt.elemwise import *  # noqa: F401,F403
from mlc.dialects.mt.elemwise import BINARY_OPS, ELEMWISE_OPS, UNARY_OPS
from mlc.dialects.mt.linalg import LINALG_OPS, DotOp
from mlc.dialects.mt.reduce import REDUCE_OPS, MaxOp, MeanOp, MinOp, ProdOp, ReduceOp, SumOp
from mlc.dialects.mt.structure import (
    NONE_HI,
    NONE_LO,
    STRUCTURE_OPS,
    ConstantOp,
    DimShuffleOp,
    ReshapeOp,
    ShapeOp,
    SubtensorOp,
)

ALL_OPS: tuple[type[MtOp], ...] = ELEMWISE_OPS + REDUCE_OPS + LINALG_OPS + STRUCTURE_OPS

MT = Dialect("mt", list(ALL_OPS), [])

"""`mt`: the tensor-graph dialect, one op per Theano-level operation (value semantics,
static rank, dynamic sizes, broadcast pattern in the type).

Op families live in their own modules; this module assembles the `MT` dialect and
re-exports every op class, so `from mlc.dialects import mt; mt.AddOp` works.
"""

from xdsl.ir import Dialect

from mlc.dialects.mt.base import MtOp
from mlc.dialects.mt.elemwise import *  # noqa: F401,F403
from mlc.dialects.mt.elemwise import BINARY_OPS as _CORE_BINARY
from mlc.dialects.mt.elemwise import ELEMWISE_OPS as _CORE_ELEMWISE
from mlc.dialects.mt.elemwise import UNARY_OPS as _CORE_UNARY
from mlc.dialects.mt.elemwise_math import *  # noqa: F401,F403
from mlc.dialects.mt.elemwise_math import MATH_BINARY_OPS, MATH_OPS, MATH_UNARY_OPS
from mlc.dialects.mt.grad_ops import (
    GRAD_IDENTITIES,
    GRAD_OPS,
    DisconnectedGradOp,
    GradClipOp,
    SecondOp,
    ZeroGradOp,
)
from mlc.dialects.mt.indexing import *  # noqa: F401,F403
from mlc.dialects.mt.indexing import INDEXING_OPS
from mlc.dialects.mt.linalg import LINALG_OPS, BatchedDotOp, DotOp
from mlc.dialects.mt.nnet import *  # noqa: F401,F403
from mlc.dialects.mt.nnet import NNET_OPS, NNET_UNARY_OPS
from mlc.dialects.mt.random import *  # noqa: F401,F403
from mlc.dialects.mt.random import RANDOM_OPS
from mlc.dialects.mt.reduce import REDUCE_OPS, AllOp, AnyOp, MaxOp, MeanOp, MinOp, ProdOp, ReduceOp, SumOp
from mlc.dialects.mt.sortscan import *  # noqa: F401,F403
from mlc.dialects.mt.sortscan import SORTSCAN_OPS
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
from mlc.dialects.mt.structure2 import *  # noqa: F401,F403
from mlc.dialects.mt.structure2 import STRUCTURE2_OPS
from mlc.dialects.mt.map import MAP_OPS, MapOp, MapYieldOp

UNARY_OPS = _CORE_UNARY + MATH_UNARY_OPS + NNET_UNARY_OPS
BINARY_OPS = _CORE_BINARY + MATH_BINARY_OPS
ELEMWISE_OPS = _CORE_ELEMWISE + MATH_OPS + NNET_UNARY_OPS
"""Every elementwise op: the maps of elemwise.py and the math functions of elemwise_math.py."""

ALL_OPS: tuple[type[MtOp], ...] = (ELEMWISE_OPS + REDUCE_OPS + LINALG_OPS + STRUCTURE_OPS + GRAD_OPS
                                  + INDEXING_OPS + STRUCTURE2_OPS + SORTSCAN_OPS + RANDOM_OPS + NNET_OPS
                                  + MAP_OPS)

MT = Dialect("mt", [*ALL_OPS, MapYieldOp], [])

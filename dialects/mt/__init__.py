"""`mt`: the tensor-graph dialect, one op per Theano-level operation (value semantics,
static rank, dynamic sizes, broadcast pattern in the type).

Op families live in modules of their own, named as the lowering and differentiation
rules of passes/mt_to_loop/ and passes/grad/ are: elemwise, math, nnet, reduce, sort,
linalg, structure, indexing, random, map, scan, gradient (base classes in base.py). This module
assembles the `MT` dialect and re-exports every op class, so `from mlc.dialects import mt;
mt.AddOp` works.
"""

from xdsl.ir import Dialect

from mlc.dialects.mt.base import AxisOp, MtOp, ScalarParamOp, int_array  # noqa: F401
from mlc.dialects.mt.elemwise import *  # noqa: F401,F403
from mlc.dialects.mt.elemwise import BINARY_OPS as _ELEMWISE_BINARY
from mlc.dialects.mt.elemwise import ELEMWISE_OPS as _ELEMWISE
from mlc.dialects.mt.elemwise import UNARY_OPS as _ELEMWISE_UNARY
from mlc.dialects.mt.gradient import (  # noqa: F401
    GRAD_IDENTITIES,
    GRAD_OPS,
    DisconnectedGradOp,
    GradClipOp,
    SecondOp,
    ZeroGradOp,
)
from mlc.dialects.mt.indexing import *  # noqa: F401,F403
from mlc.dialects.mt.indexing import INDEXING_OPS
from mlc.dialects.mt.linalg import LINALG_OPS, BatchedDotOp, DotOp  # noqa: F401
from mlc.dialects.mt.map import MAP_OPS, MapOp, MapYieldOp  # noqa: F401
from mlc.dialects.mt.math import *  # noqa: F401,F403
from mlc.dialects.mt.math import MATH_BINARY_OPS, MATH_OPS, MATH_UNARY_OPS
from mlc.dialects.mt.nnet import *  # noqa: F401,F403
from mlc.dialects.mt.nnet import NNET_OPS, NNET_UNARY_OPS
from mlc.dialects.mt.random import *  # noqa: F401,F403
from mlc.dialects.mt.random import RANDOM_OPS
from mlc.dialects.mt.reduce import *  # noqa: F401,F403
from mlc.dialects.mt.reduce import ARG_REDUCE_OPS, REDUCE_OPS, SCAN_OPS
from mlc.dialects.mt.scan import SCAN_LOOP_OPS, RegionBody, ScanOp, ScanYieldOp  # noqa: F401
from mlc.dialects.mt.sort import SORT_OPS, ArgSortOp, SortOp  # noqa: F401
from mlc.dialects.mt.structure import (  # noqa: F401
    NONE_HI,
    NONE_LO,
    SIZE_TYPE,
    STRUCTURE_OPS,
    AllocDiagOp,
    AllocOp,
    ArangeOp,
    ConstantOp,
    DimShuffleOp,
    DynReshapeOp,
    ExtractDiagOp,
    EyeOp,
    JoinOp,
    RepeatOp,
    ReshapeOp,
    ShapeOp,
    SpecifyShapeOp,
    SplitOp,
    SubtensorOp,
    check_shape,
    diag_length,
)

UNARY_OPS = _ELEMWISE_UNARY + MATH_UNARY_OPS + NNET_UNARY_OPS
BINARY_OPS = _ELEMWISE_BINARY + MATH_BINARY_OPS
ELEMWISE_OPS = _ELEMWISE + MATH_OPS + NNET_UNARY_OPS
"""Every elementwise op: those of elemwise.py, the math functions of math.py and `mt.softplus`."""

ALL_OPS: tuple[type[MtOp], ...] = (ELEMWISE_OPS + REDUCE_OPS + ARG_REDUCE_OPS + SCAN_OPS + SORT_OPS
                                  + LINALG_OPS + STRUCTURE_OPS + INDEXING_OPS + RANDOM_OPS + NNET_OPS
                                  + GRAD_OPS + MAP_OPS + SCAN_LOOP_OPS)

MT = Dialect("mt", [*ALL_OPS, MapYieldOp, ScanYieldOp], [])

"""`loop`: kernels over buffers, between `mt` (values) and `scf` (explicit loops).

`core` holds what every family shares: the kernel base class, the generic kernels
(`loop.elemwise`, `loop.reduce`), the scalar helpers of kernel bodies (`loop.yield`,
`loop.index`, `loop.fmod`), the view ops and the runtime ops (`loop.alloc_output`,
`loop.check`, `loop.constant`). The other ops live in one module per op family, named
as the rules of passes/loop_to_scf/ and passes/mt_to_loop/ are (math, reduce, sort,
linalg, structure, indexing, random); this module adds them all to `LOOP` and
re-exports every op class.
"""

from xdsl.ir import Dialect

from mlc.dialects.loop.core import *  # noqa: F401,F403
from mlc.dialects.loop.core import CORE_OPS
from mlc.dialects.loop.indexing import INDEXING_OPS, GatherOp, NonzeroOp, ScatterOp, SliceBoundsOp  # noqa: F401
from mlc.dialects.loop.linalg import LINALG_OPS, BatchMatmulOp, MatmulOp  # noqa: F401
from mlc.dialects.loop.math import MATH_OPS, SpecialOp  # noqa: F401
from mlc.dialects.loop.random import *  # noqa: F401,F403
from mlc.dialects.loop.random import RANDOM_OPS
from mlc.dialects.loop.reduce import REDUCE_OPS, AccumulateOp, ArgReduceOp  # noqa: F401
from mlc.dialects.loop.sort import SORT_OPS, SortOp  # noqa: F401
from mlc.dialects.loop.structure import STRUCTURE_OPS, DiagonalOp  # noqa: F401

ALL_OPS = (CORE_OPS + MATH_OPS + REDUCE_OPS + SORT_OPS + LINALG_OPS + STRUCTURE_OPS + INDEXING_OPS
           + RANDOM_OPS)

LOOP = Dialect("loop", list(ALL_OPS), [])

"""`loop`: kernels over buffers, between `mt` (values) and `scf` (explicit loops).

`core` holds the kernel ops (`loop.elemwise`, `loop.reduce`, `loop.matmul`), the scalar
helpers of kernel bodies (`loop.yield`, `loop.index`, `loop.fmod`), the view ops and the
runtime ops (`loop.alloc_output`, `loop.check`, `loop.constant`). Further op families
live in their own modules and are added to `LOOP` here.
"""

from xdsl.ir import Dialect

from mlc.dialects.loop.core import *  # noqa: F401,F403
from mlc.dialects.loop.core import CORE_OPS
from mlc.dialects.loop.indexing import INDEXING_OPS, GatherOp, NonzeroOp, ScatterOp, SliceBoundsOp
from mlc.dialects.loop.random import *  # noqa: F401,F403
from mlc.dialects.loop.random import RANDOM_OPS
from mlc.dialects.loop.scalar import SCALAR_OPS, SpecialOp
from mlc.dialects.loop.structure2 import *  # noqa: F401,F403
from mlc.dialects.loop.structure2 import STRUCTURE2_LOOP_OPS

ALL_OPS = CORE_OPS + SCALAR_OPS + INDEXING_OPS + STRUCTURE2_LOOP_OPS + RANDOM_OPS

LOOP = Dialect("loop", list(ALL_OPS), [])

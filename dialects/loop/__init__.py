"""`loop`: kernels over buffers, between `mt` (values) and `scf` (explicit loops).

`core` holds the kernel ops (`loop.elemwise`, `loop.reduce`, `loop.matmul`), the scalar
helpers of kernel bodies (`loop.yield`, `loop.index`, `loop.fmod`), the view ops and the
runtime ops (`loop.alloc_output`, `loop.check`, `loop.constant`). Further op families
live in their own modules and are added to `LOOP` here.
"""

from xdsl.ir import Dialect

from mlc.dialects.loop.core import *  # noqa: F401,F403
from mlc.dialects.loop.core import CORE_OPS

ALL_OPS = CORE_OPS

LOOP = Dialect("loop", list(ALL_OPS), [])

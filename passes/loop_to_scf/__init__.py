"""The rules of `convert-loop-to-scf` (passes/convert_loop_to_scf.py), one module per op family.

Each family module (elemwise, reduce, linalg, indexing, random: the families whose `loop`
kernel ops become `scf.for` nests; sort and diagonal kernels are C helpers of the
emitter) holds `KERNELS`: kernel op class -> `(kb, op, ins, out, mapping) -> None`, which
appends the kernel's loops to `kb.ops` given the outlined function's input and output
memrefs and the mapping of the scalars it uses from outside. builder.py holds
`KernelBuilder` and `inline_body`, which they share. This module merges the tables.
"""

from __future__ import annotations

from typing import Callable

from mlc.passes.loop_to_scf import elemwise, indexing, linalg, random, reduce

KERNELS: dict[type, Callable] = {
    **elemwise.KERNELS, **reduce.KERNELS, **linalg.KERNELS, **indexing.KERNELS, **random.KERNELS,
}

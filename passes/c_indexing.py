"""C emission of the indexing ops that survive to the emitter (merged into
`CEmitter.HANDLERS`): `loop.slice_bounds` becomes a call of the PRELUDE helper
`mlc_slice` (Python's `slice.indices`), with the begin of an empty slice set to 0 so
that its view never points outside the buffer.
"""

from __future__ import annotations

from typing import Any

from mlc.dialects import loop


def _slice_bounds(self: Any, op: loop.SliceBoundsOp) -> None:
    begin, length = self.name(op.begin), self.name(op.length)
    n, start, stop, step = (self.name(v) for v in (op.size, op.start, op.stop, op.step))
    self.line(f"int64_t {begin}, {length}; mlc_slice({n}, {start}, {stop}, {step}, &{begin}, &{length});")
    self.line(f"if ({length} == 0) {begin} = 0;")


INDEXING_HANDLERS = {loop.SliceBoundsOp: _slice_bounds}

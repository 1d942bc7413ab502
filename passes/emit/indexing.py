"""C of the indexing ops that reach the emitter: views by constant or run-time slices.

`loop.subview` (constant starts/stops/steps, some axes squeezed by an integer index that
is bounds-checked) and `loop.slice` (run-time offsets, sizes and steps) only rewrite the
descriptor; `loop.slice_bounds` becomes a call of `mlc_slice` (`PRELUDE`: Python's
`slice.indices`), with the begin of an empty slice set to 0 so that its view never
points outside the buffer.
"""

from __future__ import annotations

from xdsl.ir import Operation

from mlc.dialects import loop
from mlc.passes.emit.writer import CWriter, Handler

PRELUDE = r"""
static inline void mlc_slice(int64_t n, int64_t start, int64_t stop, int64_t step,
                             int64_t *begin, int64_t *len) {
  /* Python's slice.indices(n) and len(range(...)) */
  int64_t lo = step < 0 ? -1 : 0, hi = step < 0 ? n - 1 : n;
  if (start < 0) { start += n; if (start < lo) start = lo; } else if (start > hi) start = hi;
  if (stop < 0) { stop += n; if (stop < lo) stop = lo; } else if (stop > hi) stop = hi;
  int64_t l = step < 0 ? (start > stop ? (start - stop - 1) / (-step) + 1 : 0)
                       : (stop > start ? (stop - start - 1) / step + 1 : 0);
  *begin = start; *len = l;
}
"""


def _squeezed_offset(em: CWriter, op: loop.SubviewOp, axis: int, n: str, st: str, code: int) -> str:
    """The offset term of axis `axis`, indexed by the constant start (bounds-checked)."""
    start = op.starts.get_values()[axis]
    i = em.fresh("idx")
    em.line(f"int64_t {i} = INT64_C({start}); if ({i} < 0) {i} += {n};")
    em.line(f"if ({i} < 0 || {i} >= {n}) {em.fail(code, [f'INT64_C({start})', str(axis), n])}")
    return f"{i} * {st}"


def emit_subview(em: CWriter, op: loop.SubviewOp) -> None:
    src = em.descs[op.source]
    starts, stops, steps, squeeze = (a.get_values() for a in (op.starts, op.stops, op.steps, op.squeeze))
    offset = em.fresh("off")
    em.line(f"int64_t {offset} = 0;")
    sizes, strides = [], []
    code = em.message("IndexError", op.error.data) if any(a < len(starts) for a in squeeze) else 0
    for axis, (n, st) in enumerate(zip(src.sizes, src.strides)):
        if axis >= len(starts):
            sizes.append(n)
            strides.append(st)
        elif axis in squeeze:
            em.line(f"{offset} += {_squeezed_offset(em, op, axis, n, st, code)};")
        else:
            b, ln = em.fresh("b"), em.fresh("len")
            em.line(f"int64_t {b}, {ln}; mlc_slice({n}, INT64_C({starts[axis]}), "
                    f"INT64_C({stops[axis]}), INT64_C({steps[axis]}), &{b}, &{ln});")
            em.line(f"{offset} += {b} * {st};")
            sizes.append(ln)
            strides.append(em.let("int64_t", f"{st} * INT64_C({steps[axis]})"))
    ptr = em.fresh("view")
    em.line(f"{em.ctype(op.result.type.element_type)} *{ptr} = {src.ptr} + {offset};")
    em.set_desc(op.result, ptr, sizes, strides)


def emit_slice(em: CWriter, op: loop.SliceOp) -> None:
    src = em.descs[op.source]
    offsets, sizes, steps = op.split()
    terms = [f"{em.name(o)} * {st}" for o, st in zip(offsets, src.strides)]
    ptr = em.fresh("view")
    em.line(f"{em.ctype(op.result.type.element_type)} *{ptr} = {src.ptr} + ({' + '.join(terms) or '0'});")
    strides = [em.let("int64_t", f"{src.strides[k]} * {em.name(s)}")
               for k, s in zip(op.keep.get_values(), steps)]
    em.set_desc(op.result, ptr, [em.name(s) for s in sizes], strides)


def emit_slice_bounds(em: CWriter, op: loop.SliceBoundsOp) -> None:
    begin, length = em.name(op.begin), em.name(op.length)
    n, start, stop, step = (em.name(v) for v in (op.size, op.start, op.stop, op.step))
    em.line(f"int64_t {begin}, {length}; mlc_slice({n}, {start}, {stop}, {step}, &{begin}, &{length});")
    em.line(f"if ({length} == 0) {begin} = 0;")


HANDLERS: dict[type[Operation], Handler] = {
    loop.SubviewOp: emit_subview, loop.SliceOp: emit_slice, loop.SliceBoundsOp: emit_slice_bounds,
}

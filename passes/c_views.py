"""C emission of `loop` view ops and literal buffers: descriptor arithmetic only.

Mixed into `CEmitter`: each handler derives the result's pointer, sizes and strides
from the source descriptor (broadcast = stride 0, dimshuffle = permutation, subview =
Python slicing through `mlc_slice`, reshape = contiguous strides of the new sizes).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.ir import SSAValue

from mlc.dialects import loop
from mlc.passes.c_scalar import ctype, float_literal


def constant_array(op: loop.ConstantOp, name: str) -> str:
    """A file-scope `static const` array holding a loop.constant's literal."""
    import numpy as np

    attr = op.value
    t = op.result.type
    el = ctype(t.element_type)
    raw = attr.data.data
    if el == "uint8_t":
        values = [str(int(b != 0)) for b in raw]
    elif el in ("double", "float"):
        values = [float_literal(float(x), t.element_type)
                  for x in np.frombuffer(raw, np.float64 if el == "double" else np.float32)]
    else:
        values = [str(int(x)) for x in np.frombuffer(raw, {"int8_t": np.int8, "int16_t": np.int16,
                                                          "int32_t": np.int32, "int64_t": np.int64}[el])]
    if el == "int64_t":
        values = [f"INT64_C({v})" for v in values]
    body = ", ".join(values) or "0"
    return f"static const {el} {name}[{max(len(values), 1)}] = {{{body}}};\n"


@dataclass
class Desc:
    """C expressions of a memref: element pointer, sizes, strides (in elements)."""

    ptr: str
    sizes: list[str]
    strides: list[str]


class ViewEmitter:
    """Descriptor rules of the loop view ops (methods of CEmitter)."""

    def _set(self, v: SSAValue, ptr: str, sizes: list[str], strides: list[str]) -> None:
        self.descs[v] = Desc(ptr, sizes, strides)  # type: ignore[attr-defined]

    def _broadcast(self, op: loop.BroadcastOp) -> None:
        src = self.descs[op.source]  # type: ignore[attr-defined]
        shape = op.source.type.get_shape()
        sizes = [self.name(s) for s in op.sizes]  # type: ignore[attr-defined]
        strides = ["0" if d == 1 else st for d, st in zip(shape, src.strides)]
        self._set(op.result, src.ptr, sizes, strides)

    def _dimshuffle(self, op: loop.DimShuffleOp) -> None:
        src = self.descs[op.source]  # type: ignore[attr-defined]
        pattern = op.pattern.get_values()
        sizes = ["1" if p == -1 else src.sizes[p] for p in pattern]
        strides = ["0" if p == -1 else src.strides[p] for p in pattern]
        self._set(op.result, src.ptr, sizes, strides)

    def _subview(self, op: loop.SubviewOp) -> None:
        src = self.descs[op.source]  # type: ignore[attr-defined]
        starts, stops, steps, squeeze = (a.get_values() for a in (op.starts, op.stops, op.steps, op.squeeze))
        offset = self.fresh("off")  # type: ignore[attr-defined]
        self.line(f"int64_t {offset} = 0;")  # type: ignore[attr-defined]
        sizes, strides = [], []
        code = None
        for axis, (n, st) in enumerate(zip(src.sizes, src.strides)):
            if axis >= len(starts):
                sizes.append(n)
                strides.append(st)
            elif axis in squeeze:
                if code is None:
                    code = self.message("IndexError", op.error.data)  # type: ignore[attr-defined]
                i = self.fresh("idx")  # type: ignore[attr-defined]
                self.line(f"int64_t {i} = INT64_C({starts[axis]}); if ({i} < 0) {i} += {n};")  # type: ignore[attr-defined]
                cond = f"{i} < 0 || {i} >= {n}"
                fail = self.fail(code, [f"INT64_C({starts[axis]})", str(axis), n])  # type: ignore[attr-defined]
                self.line(f"if ({cond}) {fail}")  # type: ignore[attr-defined]
                self.line(f"{offset} += {i} * {st};")  # type: ignore[attr-defined]
            else:
                b, ln = self.fresh("b"), self.fresh("len")  # type: ignore[attr-defined]
                self.line(f"int64_t {b}, {ln}; mlc_slice({n}, INT64_C({starts[axis]}), "  # type: ignore[attr-defined]
                          f"INT64_C({stops[axis]}), INT64_C({steps[axis]}), &{b}, &{ln});")
                self.line(f"{offset} += {b} * {st};")  # type: ignore[attr-defined]
                sizes.append(ln)
                strides.append(self.let("int64_t", f"{st} * INT64_C({steps[axis]})"))  # type: ignore[attr-defined]
        ptr = self.fresh("view")  # type: ignore[attr-defined]
        el = ctype(op.result.type.element_type)
        self.line(f"{el} *{ptr} = {src.ptr} + {offset};")  # type: ignore[attr-defined]
        self._set(op.result, ptr, sizes, strides)

    def _slice(self, op: loop.SliceOp) -> None:
        src = self.descs[op.source]  # type: ignore[attr-defined]
        offsets, sizes, steps = op.split()
        terms = [f"{self.name(o)} * {st}" for o, st in zip(offsets, src.strides)]  # type: ignore[attr-defined]
        el = ctype(op.result.type.element_type)
        ptr = self.fresh("view")  # type: ignore[attr-defined]
        self.line(f"{el} *{ptr} = {src.ptr} + ({' + '.join(terms) or '0'});")  # type: ignore[attr-defined]
        strides = [self.let("int64_t", f"{src.strides[k]} * {self.name(s)}")  # type: ignore[attr-defined]
                   for k, s in zip(op.keep.get_values(), steps)]
        self._set(op.result, ptr, [self.name(s) for s in sizes], strides)  # type: ignore[attr-defined]

    def _reshape(self, op: loop.ReshapeOp) -> None:
        src = self.descs[op.source]  # type: ignore[attr-defined]
        sizes = [self.name(s) for s in op.sizes]  # type: ignore[attr-defined]
        self.contiguous(op.result, src.ptr, sizes)  # type: ignore[attr-defined]

    VIEW_HANDLERS = {
        loop.BroadcastOp: _broadcast, loop.DimShuffleOp: _dimshuffle,
        loop.SubviewOp: _subview, loop.SliceOp: _slice, loop.ReshapeOp: _reshape,
    }

"""C of the core ops: constants, loads and stores, allocations, calls, returns, checks.

Memrefs are descriptors (writer.py): an allocation in `mlc_entry` takes slot k of the
library's scratch arena (reused by every call), an output buffer comes from the runtime
(`ctx->alloc_output`), and a `loop.constant` becomes a file-scope `static const` array.
`loop.check` failures return an error index into the message table; no user string ever
reaches the C source. `PRELUDE` is the start of every translation unit: the includes,
the arena, saturating size arithmetic and the signal poll of long loops (loops.py).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, func, memref
from xdsl.ir import Operation

from mlc.dialects import loop
from mlc.passes.emit.c_types import constant_literal, float_literal, layout_code
from mlc.passes.emit.writer import CWriter, Handler

PRELUDE = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "mlc_abi.h"

/* Scratch buffers live in a per-library arena (slot k = the k-th memref.alloc of
   mlc_entry): each slot keeps its memory across calls and grows when a call needs more, so
   steady-state calls allocate nothing. Calls never overlap: the runtime holds the GIL. */
/* Bytes for `count` elements (+1, so that size 0 is a valid allocation), saturating to
   SIZE_MAX (an allocation that fails) instead of wrapping: sizes multiply together from
   input shapes, and broadcast (stride-0) inputs can have huge shapes. */
static inline size_t mlc_smul(size_t a, size_t b) {
  size_t r;
  return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}
static inline size_t mlc_bytes(size_t elsize, size_t count) {
  return count >= SIZE_MAX / elsize - 1 ? SIZE_MAX : elsize * (count + 1);
}
static void *mlc_arena_get(void **slot, size_t *cap, size_t bytes) {
  if (*cap < bytes) {
    free(*slot);
    *slot = malloc(bytes);
    *cap = *slot ? bytes : 0;
  }
  return *slot;
}
/* Signal polls (mlc_abi.h): long loops add their work to the function's mlc_work after
   each chunk and ask the runtime once it passes MLC_POLL_WORK. mlc_self is the context of the running
   call (calls never overlap). */
static mlc_ctx *mlc_self;
#define MLC_POLL_WORK (INT64_C(1) << 18)
static int mlc_poll_now(int64_t *work) {
  *work = 0;
  if (!mlc_self->poll || !mlc_self->poll(mlc_self)) return 0;
  mlc_self->err_code = MLC_ERR_PYTHON;
  return 1;
}
/* mlc_work: a local of each function, so the count stays in a register */
#define MLC_POLL(n) ((mlc_work += (n)) >= MLC_POLL_WORK && mlc_poll_now(&mlc_work))
static inline int64_t mlc_smul64(int64_t a, int64_t b) { /* a, b >= 0; saturating */
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}
static inline int64_t mlc_trips(int64_t lb, int64_t ub, int64_t step) {
  return ub > lb ? (ub - lb - 1) / step + 1 : 0;
}
/* The index span of one chunk: iterations doing about MLC_POLL_WORK work in all. */
static inline int64_t mlc_chunk_span(int64_t step, int64_t work) {
  const int64_t iterations = work >= MLC_POLL_WORK ? 1 : MLC_POLL_WORK / work;
  return mlc_smul64(step, iterations);
}
"""


def emit_constant(em: CWriter, op: arith.ConstantOp) -> None:
    em.line(f"const {em.ctype(op.result.type)} {em.name(op.result)} = {constant_literal(op)};")


def emit_dim(em: CWriter, op: memref.DimOp) -> None:
    k = op.index.owner.value.value.data  # type: ignore[union-attr]
    em.names[op.result] = em.descs[op.source].sizes[k]


def emit_load(em: CWriter, op: memref.LoadOp) -> None:
    em.line(f"const {em.ctype(op.res.type)} {em.name(op.res)} = {em.index(op.memref, op.indices)};")


def emit_store(em: CWriter, op: memref.StoreOp) -> None:
    em.line(f"{em.index(op.memref, op.indices)} = {em.name(op.value)};")


def emit_call(em: CWriter, op: func.CallOp) -> None:
    args = [a for v in op.arguments for a in em.call_args(v)]
    em.line(f"{op.callee.root_reference.data}({', '.join(args)});")
    if em.in_entry(op):  # a kernel that was interrupted returns with err_code set
        em.line("if (ctx->err_code) goto mlc_fail;")


def emit_return(em: CWriter, op: func.ReturnOp) -> None:
    if em.depth == 1:
        em.line("return;" if not em.in_entry(op) else "/* results are runtime buffers */")


def emit_alloc(em: CWriter, op: memref.AllocOp) -> None:
    t = op.memref.type
    sizes = em.sizes_of(t, op.dynamic_sizes)
    el = em.ctype(t.element_type)
    n = em.name(op.memref)
    count = "(size_t)1"
    for size in sizes:  # saturating: a wrapped product would under-allocate
        count = f"mlc_smul({count}, (size_t)({size}))"
    k = em.scratch  # arena slot k: reused by every call (and loop iteration)
    em.line(f"{el} *restrict {n} = ({el} *)mlc_arena_get(&mlc_arena[{k}], "
            f"&mlc_arena_cap[{k}], mlc_bytes(sizeof({el}), {count}));")
    em.line(f"if (!{n}) {em.fail(1, [])}")
    em.scratch += 1
    em.contiguous(op.memref, n, sizes)


def emit_alloc_output(em: CWriter, op: loop.AllocOutputOp) -> None:
    t = op.result.type
    sizes = em.sizes_of(t, op.sizes)
    el = em.ctype(t.element_type)
    n = em.name(op.result)
    shp = em.fresh("shape")
    em.line(f"const int64_t {shp}[{max(len(sizes), 1)}] = {{{', '.join(sizes) or '0'}}};")
    em.results[op.index.value.data] = layout_code(t.element_type, len(sizes))
    em.line(f"{el} *restrict {n} = ({el} *)ctx->alloc_output(ctx, {op.index.value.data}, {shp});")
    em.line(f"if (!{n}) {em.fail(1, [])}")
    em.contiguous(op.result, n, sizes)


_INT_DTYPES = {"int8_t": np.int8, "int16_t": np.int16, "int32_t": np.int32, "int64_t": np.int64}


def constant_array(em: CWriter, op: loop.ConstantOp, name: str) -> str:
    """A file-scope `static const` array holding a loop.constant's literal."""
    t = op.result.type
    el = em.ctype(t.element_type)
    raw = op.value.data.data
    if el == "uint8_t":
        values = [str(int(b != 0)) for b in raw]
    elif el in ("double", "float"):
        values = [float_literal(float(x), t.element_type)
                  for x in np.frombuffer(raw, np.float64 if el == "double" else np.float32)]
    else:
        values = [str(int(x)) for x in np.frombuffer(raw, _INT_DTYPES[el])]
    if el == "int64_t":
        values = [f"INT64_C({v})" for v in values]
    body = ", ".join(values) or "0"
    return f"static const {el} {name}[{max(len(values), 1)}] = {{{body}}};\n"


def emit_loop_constant(em: CWriter, op: loop.ConstantOp) -> None:
    n = em.fresh("lit")
    em.globals.write(constant_array(em, op, n))
    t = op.result.type
    em.contiguous(op.result, f"((({em.ctype(t.element_type)} *){n}))", [str(d) for d in t.get_shape()])


def emit_check(em: CWriter, op: loop.CheckOp) -> None:
    code = em.message(op.kind.data, op.message.data)
    em.line(f"if (!({em.name(op.cond)})) {em.fail(code, [em.name(v) for v in op.values])}")


HANDLERS: dict[type[Operation], Handler] = {
    arith.ConstantOp: emit_constant, memref.DimOp: emit_dim, memref.LoadOp: emit_load,
    memref.StoreOp: emit_store, func.CallOp: emit_call, func.ReturnOp: emit_return,
    memref.AllocOp: emit_alloc, loop.AllocOutputOp: emit_alloc_output,
    loop.ConstantOp: emit_loop_constant, loop.CheckOp: emit_check,
}

"""C code of scalar `arith`/`math` ops: one entry per op class (`code_for_op`).

Each entry maps the C names of the operands (and the op, for predicates and result
types) to a C expression. Integer division, remainder and powers go through the
helpers in `PRELUDE`, which make C's undefined cases total (x / 0 gives 0, like the
NumPy reference of mt.int_div; INT_MIN / -1 wraps), so no input can trap.
"""

from __future__ import annotations

import math as pymath
from typing import Callable

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import Float32Type, Float64Type, FloatAttr, IndexType, IntegerType
from xdsl.ir import Attribute, Operation

from mlc.dialects import loop
from mlc.passes.c_math import MATH_C_CODE, MATH_PRELUDE
from mlc.passes.c_random import RANDOM_C_CODE, RANDOM_PRELUDE
from mlc.passes.c_special import SPECIAL_C_CODE, SPECIAL_PRELUDE

PRELUDE = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "mlc_abi.h"

#define MLC_IDIV(T) static inline T mlc_floordiv_##T(T a, T b) { \
    if (b == 0) return 0; if (b == -1) return (T)(0 - (uint64_t)a); \
    T q = a / b; return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q; } \
  static inline T mlc_div_##T(T a, T b) { \
    if (b == 0) return 0; if (b == -1) return (T)(0 - (uint64_t)a); return a / b; } \
  static inline T mlc_rem_##T(T a, T b) { return (b == 0 || b == -1) ? 0 : a % b; } \
  static inline T mlc_ipow_##T(T a, T b) { \
    if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0; \
    uint64_t r = 1, x = (uint64_t)a; while (b) { if (b & 1) r *= x; x *= x; b >>= 1; } return (T)r; } \
  static inline T mlc_abs_##T(T a) { return a < 0 ? (T)(0 - (uint64_t)a) : a; }
MLC_IDIV(int8_t) MLC_IDIV(int16_t) MLC_IDIV(int32_t) MLC_IDIV(int64_t)
/* float -> int: C leaves NaN and out-of-range values undefined; these give the x86/NumPy
   answer (the minimum integer), and narrow types wrap from int32 as NumPy does there. */
static inline int32_t mlc_f2i_int32_t(double x) {
  return (x > -2147483649.0 && x < 2147483648.0) ? (int32_t)x : INT32_MIN; }
static inline int64_t mlc_f2i_int64_t(double x) {
  return (x >= -9223372036854775808.0 && x < 9223372036854775808.0) ? (int64_t)x : INT64_MIN; }
static inline int16_t mlc_f2i_int16_t(double x) { return (int16_t)mlc_f2i_int32_t(x); }
static inline int8_t mlc_f2i_int8_t(double x) { return (int8_t)mlc_f2i_int32_t(x); }
static inline double mlc_maxf(double a, double b) { return (a > b || a != a) ? a : b; }
static inline double mlc_minf(double a, double b) { return (a < b || a != a) ? a : b; }
static inline float mlc_maxf_f(float a, float b) { return (a > b || a != a) ? a : b; }
static inline float mlc_minf_f(float a, float b) { return (a < b || a != a) ? a : b; }
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
""" + MATH_PRELUDE + SPECIAL_PRELUDE + RANDOM_PRELUDE

_CTYPE: dict[object, str] = {Float64Type(): "double", Float32Type(): "float", IndexType(): "int64_t",
                             IntegerType(1): "uint8_t", IntegerType(8): "int8_t",
                             IntegerType(16): "int16_t", IntegerType(32): "int32_t",
                             IntegerType(64): "int64_t"}


def ctype(t: Attribute) -> str:
    try:
        return _CTYPE[t]
    except KeyError:
        raise TypeError(f"the C emitter has no C type for {t}") from None


def float_literal(value: float, t: Attribute) -> str:
    f32 = isinstance(t, Float32Type)
    if pymath.isnan(value):
        return "NAN"
    if pymath.isinf(value):
        return ("-" if value < 0 else "") + "INFINITY"
    return repr(float(value)) + ("f" if f32 else "")


def constant_literal(op: arith.ConstantOp) -> str:
    v = op.value
    if isinstance(v, FloatAttr):
        return float_literal(v.value.data, v.type)
    n = v.value.data  # type: ignore[attr-defined]
    if v.type == IntegerType(1):  # type: ignore[attr-defined]
        return "1" if n else "0"
    return f"INT64_C({n})" if abs(n) > 2**31 - 1 else str(n)


def _bin(sym: str) -> Callable[[Operation, list[str]], str]:
    return lambda op, a: f"{a[0]} {sym} {a[1]}"


def _helper(name: str) -> Callable[[Operation, list[str]], str]:
    return lambda op, a: f"mlc_{name}_{ctype(op.results[0].type)}({', '.join(a)})"


def _fcall(name: str) -> Callable[[Operation, list[str]], str]:
    def code(op: Operation, a: list[str]) -> str:
        f32 = isinstance(op.results[0].type, Float32Type)
        return f"{name}{'f' if f32 else ''}({', '.join(a)})"
    return code


def _fminmax(name: str) -> Callable[[Operation, list[str]], str]:
    def code(op: Operation, a: list[str]) -> str:
        f32 = isinstance(op.results[0].type, Float32Type)
        return f"mlc_{name}{'_f' if f32 else ''}({a[0]}, {a[1]})"
    return code


def _cast(op: Operation, a: list[str]) -> str:
    return f"({ctype(op.results[0].type)})({a[0]})"


_CMPI = {0: "==", 1: "!=", 2: "<", 3: "<=", 4: ">", 5: ">=", 6: "<", 7: "<=", 8: ">", 9: ">="}
_CMPF = {  # xDSL's predicate numbers; C's < > <= >= == are ordered, != is unordered
    0: "0", 1: "{a} == {b}", 2: "{a} > {b}", 3: "{a} >= {b}", 4: "{a} < {b}", 5: "{a} <= {b}",
    6: "({a} < {b} || {a} > {b})", 7: "({a} == {a} && {b} == {b})", 8: "!({a} < {b} || {a} > {b})",
    9: "!({a} <= {b})", 10: "!({a} < {b})", 11: "!({a} >= {b})", 12: "!({a} > {b})",
    13: "{a} != {b}", 14: "({a} != {a} || {b} != {b})", 15: "1",
}


def _cmpi(op: Operation, a: list[str]) -> str:
    pred = op.predicate.value.data  # type: ignore[attr-defined]
    if pred >= 6:  # unsigned predicates: compare as unsigned
        return f"(uint64_t){a[0]} {_CMPI[pred]} (uint64_t){a[1]}"
    return f"{a[0]} {_CMPI[pred]} {a[1]}"


def _cmpf(op: Operation, a: list[str]) -> str:
    return _CMPF[op.predicate.value.data].format(a=a[0], b=a[1])  # type: ignore[attr-defined]


CODE_FOR_OP: dict[type, Callable[[Operation, list[str]], str]] = {
    arith.AddfOp: _bin("+"), arith.SubfOp: _bin("-"), arith.MulfOp: _bin("*"),
    arith.DivfOp: _bin("/"), arith.AddiOp: _bin("+"), arith.SubiOp: _bin("-"),
    arith.MuliOp: _bin("*"), arith.DivUIOp: lambda op, a: f"(int64_t)((uint64_t){a[0]} / (uint64_t){a[1]})",
    arith.RemUIOp: lambda op, a: f"(int64_t)((uint64_t){a[0]} % (uint64_t){a[1]})",
    arith.DivSIOp: _helper("div"), arith.FloorDivSIOp: _helper("floordiv"),
    arith.RemSIOp: _helper("rem"),
    arith.AndIOp: _bin("&"), arith.OrIOp: _bin("|"), arith.XOrIOp: _bin("^"),
    arith.MaximumfOp: _fminmax("maxf"), arith.MinimumfOp: _fminmax("minf"),
    arith.MaxSIOp: lambda op, a: f"{a[0]} > {a[1]} ? {a[0]} : {a[1]}",
    arith.MinSIOp: lambda op, a: f"{a[0]} < {a[1]} ? {a[0]} : {a[1]}",
    arith.CmpiOp: _cmpi, arith.CmpfOp: _cmpf,
    arith.SelectOp: lambda op, a: f"{a[0]} ? {a[1]} : {a[2]}",
    arith.NegfOp: lambda op, a: f"-{a[0]}",
    arith.ExtFOp: _cast, arith.TruncFOp: _cast, arith.FPToSIOp: _helper("f2i"), arith.SIToFPOp: _cast,
    arith.UIToFPOp: _cast, arith.ExtSIOp: _cast, arith.TruncIOp: _cast, arith.ExtUIOp: _cast,
    arith.IndexCastOp: _cast,
    math.SqrtOp: _fcall("sqrt"), math.SinOp: _fcall("sin"),
    math.CosOp: _fcall("cos"), math.AbsFOp: _fcall("fabs"),
    math.PowFOp: _fcall("pow"), math.FloorOp: _fcall("floor"),
    math.AbsIOp: _helper("abs"), math.IPowIOp: _helper("ipow"),
    math.CopySignOp: _fcall("copysign"), loop.FModOp: _fcall("fmod"),
    **MATH_C_CODE,
    **SPECIAL_C_CODE,
    **RANDOM_C_CODE,
}

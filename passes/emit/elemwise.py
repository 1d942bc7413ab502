"""C of the scalar `arith` ops (the elementwise arithmetic, comparisons, selects and
casts): one `code_for_op` entry per op class.

Each entry maps the C names of the operands (and the op, for predicates and result
types) to a C expression. Integer division, remainder and powers go through the
helpers in `PRELUDE`, which make C's undefined cases total (x / 0 gives 0, like the
NumPy reference of mt.int_div; INT_MIN / -1 wraps), so no input can trap.
"""

from __future__ import annotations

from xdsl.dialects import arith, math
from xdsl.ir import Operation

from mlc.passes.emit.c_types import is_f32
from mlc.passes.emit.writer import CodeRule, CWriter

PRELUDE = r"""
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
"""


def binary(sym: str) -> CodeRule:
    return lambda em, op, a: f"{a[0]} {sym} {a[1]}"


def typed_helper(name: str) -> CodeRule:
    """`mlc_<name>_<C type>(args)`: a PRELUDE helper per integer type."""
    return lambda em, op, a: f"mlc_{name}_{em.ctype(op.results[0].type)}({', '.join(a)})"


def _fminmax(name: str) -> CodeRule:
    return lambda em, op, a: f"mlc_{name}{'_f' if is_f32(op.results[0].type) else ''}({a[0]}, {a[1]})"


def _cast(em: CWriter, op: Operation, a: list[str]) -> str:
    return f"({em.ctype(op.results[0].type)})({a[0]})"


_CMPI = {0: "==", 1: "!=", 2: "<", 3: "<=", 4: ">", 5: ">=", 6: "<", 7: "<=", 8: ">", 9: ">="}
_CMPF = {  # xDSL's predicate numbers; C's < > <= >= == are ordered, != is unordered
    0: "0", 1: "{a} == {b}", 2: "{a} > {b}", 3: "{a} >= {b}", 4: "{a} < {b}", 5: "{a} <= {b}",
    6: "({a} < {b} || {a} > {b})", 7: "({a} == {a} && {b} == {b})", 8: "!({a} < {b} || {a} > {b})",
    9: "!({a} <= {b})", 10: "!({a} < {b})", 11: "!({a} >= {b})", 12: "!({a} > {b})",
    13: "{a} != {b}", 14: "({a} != {a} || {b} != {b})", 15: "1",
}


def _cmpi(em: CWriter, op: Operation, a: list[str]) -> str:
    pred = op.predicate.value.data  # type: ignore[attr-defined]
    if pred >= 6:  # unsigned predicates: compare as unsigned
        return f"(uint64_t){a[0]} {_CMPI[pred]} (uint64_t){a[1]}"
    return f"{a[0]} {_CMPI[pred]} {a[1]}"


def _cmpf(em: CWriter, op: Operation, a: list[str]) -> str:
    return _CMPF[op.predicate.value.data].format(a=a[0], b=a[1])  # type: ignore[attr-defined]


CODE_FOR_OP: dict[type[Operation], CodeRule] = {
    arith.AddfOp: binary("+"), arith.SubfOp: binary("-"), arith.MulfOp: binary("*"),
    arith.DivfOp: binary("/"), arith.AddiOp: binary("+"), arith.SubiOp: binary("-"),
    arith.MuliOp: binary("*"),
    arith.DivUIOp: lambda em, op, a: f"(int64_t)((uint64_t){a[0]} / (uint64_t){a[1]})",
    arith.RemUIOp: lambda em, op, a: f"(int64_t)((uint64_t){a[0]} % (uint64_t){a[1]})",
    arith.DivSIOp: typed_helper("div"), arith.FloorDivSIOp: typed_helper("floordiv"),
    arith.RemSIOp: typed_helper("rem"),
    arith.AndIOp: binary("&"), arith.OrIOp: binary("|"), arith.XOrIOp: binary("^"),
    arith.MaximumfOp: _fminmax("maxf"), arith.MinimumfOp: _fminmax("minf"),
    arith.MaxSIOp: lambda em, op, a: f"{a[0]} > {a[1]} ? {a[0]} : {a[1]}",
    arith.MinSIOp: lambda em, op, a: f"{a[0]} < {a[1]} ? {a[0]} : {a[1]}",
    arith.CmpiOp: _cmpi, arith.CmpfOp: _cmpf,
    arith.SelectOp: lambda em, op, a: f"{a[0]} ? {a[1]} : {a[2]}",
    arith.NegfOp: lambda em, op, a: f"-{a[0]}",
    arith.ExtFOp: _cast, arith.TruncFOp: _cast, arith.FPToSIOp: typed_helper("f2i"), arith.SIToFPOp: _cast,
    arith.UIToFPOp: _cast, arith.ExtSIOp: _cast, arith.TruncIOp: _cast, arith.ExtUIOp: _cast,
    arith.IndexCastOp: _cast,
    math.AbsIOp: typed_helper("abs"), math.IPowIOp: typed_helper("ipow"),
}

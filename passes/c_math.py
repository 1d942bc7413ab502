"""C code of exp, expm1, log, log1p and tanh: mlc's own routines, one entry per op class.

Each routine is straight-line C (selects, integer bit operations, IEEE + - * /), so gcc
vectorizes the loops that call it, and the vector body and the scalar tail of a loop
run the same operations on every element: a result depends only on the input value,
never on its position, the length of the array or the width of the machine's vectors
(with `-ffp-contract=off`, see runtime/compile.py, no multiply-add is fused in one place
and not in another). The other math functions call libm per element, which is
deterministic in the same sense but not vectorized.

Algorithms (float64; float32 computes in double and rounds once):
- exp: x = n ln2 + r with n = rint(x / ln2) (Cody-Waite: ln2 in two parts), |r| <= 0.347;
  expm1(r) from its Taylor series to r^13 / 13! (truncation < 4e-18 relative); the
  scaling by 2^n is split in two factors so that subnormal results round once.
- expm1: the same reduction, 2^n expm1(r) + (2^n - 1), exact in its n = 0 range.
- log: x = 2^k m with m in [sqrt(1/2), sqrt(2)), s = (m - 1) / (m + 1) and
  log(m) = 2 atanh(s) in fdlibm's form (the series of atanh to s^23; |s| < 0.172).
- log1p: Goldberg's u = 1 + x, log(u) * x / (u - 1), exact where u rounds to 1.
- tanh: -t / (t + 2) with t = expm1(-2|x|), the sign copied back.
Measured against libm over 10^6 random inputs per range (tests/test_math_routines.py):
at most 1-2 ulp in float64 and correctly rounded or 1 ulp in float32.
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import math
from xdsl.dialects.builtin import Float32Type
from xdsl.ir import Operation

MATH_PRELUDE = r"""
/* exp, expm1, log, log1p, tanh: passes/c_math.py */
static inline double mlc_from_bits(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static inline uint64_t mlc_to_bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
/* a where c, else b: a bit blend, not a branch, so that no pass of gcc splits the loop
   into paths (which would stop it vectorizing) */
static inline double mlc_pick(int c, double a, double b) {
  const uint64_t m = (uint64_t)0 - (uint64_t)(c != 0);
  return mlc_from_bits((mlc_to_bits(a) & m) | (mlc_to_bits(b) & ~m));
}
static const double MLC_LN2_HI = 6.93147180369123816490e-01, /* 32 bits: n * hi is exact */
  MLC_LN2_LO = 1.90821492927058770002e-10, MLC_LOG2E = 1.44269504088896338700,
  MLC_ROUNDER = 6755399441055744.0; /* 1.5 * 2^52: adding it rounds to an integer */
/* expm1(r) for |r| <= 0.35: the Taylor series to r^13 / 13! */
static inline double mlc_expm1_poly(double r) {
  double p = 1.0 / 6227020800.0;
  p = 1.0 / 479001600.0 + r * p; p = 1.0 / 39916800.0 + r * p; p = 1.0 / 3628800.0 + r * p;
  p = 1.0 / 362880.0 + r * p; p = 1.0 / 40320.0 + r * p; p = 1.0 / 5040.0 + r * p;
  p = 1.0 / 720.0 + r * p; p = 1.0 / 120.0 + r * p; p = 1.0 / 24.0 + r * p;
  p = 1.0 / 6.0 + r * p; p = 0.5 + r * p; p = 1.0 + r * p;
  return r * p;
}
/* x = n ln2 + r (|x| <= 746, so n fits; NaN gives a NaN r): returns r, sets *n */
static inline double mlc_exp_reduce(double x, int64_t *n) {
  double k = x * MLC_LOG2E + MLC_ROUNDER;
  *n = (int64_t)(mlc_to_bits(k) - mlc_to_bits(MLC_ROUNDER)); /* the integer in k's low bits */
  k -= MLC_ROUNDER;
  return (x - k * MLC_LN2_HI) - k * MLC_LN2_LO;
}
/* 2^n for -1022 <= n <= 1023 */
static inline double mlc_pow2i(int64_t n) { return mlc_from_bits((uint64_t)(n + 1023) << 52); }
static inline double mlc_exp(double x) {
  double c = mlc_pick(fabs(x) > 746.0, copysign(746.0, x), x); /* NaN passes through */
  int64_t n;
  double p = 1.0 + mlc_expm1_poly(mlc_exp_reduce(c, &n));
  /* n in [-1077, 1077]: two factors, each a normal power of 2 */
  int64_t half = (int64_t)((uint64_t)(n + 2048) >> 1) - 1024;
  return p * mlc_pow2i(half) * mlc_pow2i(n - half);
}
static inline double mlc_expm1(double x) {
  double c = mlc_pick(fabs(x) > 700.0, copysign(700.0, x), x);
  int64_t n;
  double q = mlc_expm1_poly(mlc_exp_reduce(c, &n)), s = mlc_pow2i(n);
  double y = mlc_pick(n == 0, q, s * q + (s - 1.0)); /* n == 0: q is expm1(x), -0.0 too */
  return mlc_pick(x > 700.0, mlc_exp(x), y);
}
/* log of a positive normal x; other values give garbage that mlc_log_edges replaces */
static inline double mlc_log_normal(double x, double k_offset) {
  uint64_t u = mlc_to_bits(x);
  /* k = exponent of x / sqrt(1/2), as an unsigned shift of a biased difference */
  uint64_t t = u + (UINT64_C(1024) << 52) - UINT64_C(0x3fe6a09e667f3bcd);
  int64_t k = (int64_t)(t >> 52) - 1024;
  double f = mlc_from_bits(u - ((uint64_t)k << 52)) - 1.0; /* exact */
  double s = f / (2.0 + f), z = s * s, hfsq = 0.5 * f * f;
  double R = 2.0 / 23;
  R = 2.0 / 21 + z * R; R = 2.0 / 19 + z * R; R = 2.0 / 17 + z * R; R = 2.0 / 15 + z * R;
  R = 2.0 / 13 + z * R; R = 2.0 / 11 + z * R; R = 2.0 / 9 + z * R; R = 2.0 / 7 + z * R;
  R = 2.0 / 5 + z * R; R = 2.0 / 3 + z * R; R = z * R;
  double dk = (double)k - k_offset;
  return dk * MLC_LN2_HI - ((hfsq - (s * (hfsq + R) + dk * MLC_LN2_LO)) - f);
}
static inline double mlc_log_edges(double x, double y) { /* 0, < 0, NaN and +inf */
  double other = mlc_pick(x == 0.0, -INFINITY, NAN);
  y = mlc_pick(x == INFINITY, x, y);
  return mlc_pick(x > 0.0, y, other);
}
static inline double mlc_log(double x) {
  int tiny = x < 2.2250738585072014e-308; /* subnormal: scaled by 2^54 first */
  double y = mlc_log_normal(x * mlc_pick(tiny, 18014398509481984.0, 1.0), mlc_pick(tiny, 54.0, 0.0));
  return mlc_log_edges(x, y);
}
/* float32 inputs are normal doubles: no scaling */
static inline double mlc_log_wide(float x) { return mlc_log_edges(x, mlc_log_normal(x, 0.0)); }
static inline double mlc_log1p(double x) {
  double u = 1.0 + x, d = u - 1.0; /* where d is 0, log1p(x) rounds to x */
  double y = mlc_log(u) * (x / mlc_pick(d == 0.0, 1.0, d));
  return mlc_pick(d == 0.0 || x == INFINITY, x, y);
}
static inline double mlc_tanh(double x) {
  double t = mlc_expm1(-2.0 * fabs(x));
  return copysign(-t / (t + 2.0), x);
}
static inline float mlc_exp_f(float x) { return (float)mlc_exp(x); }
static inline float mlc_expm1_f(float x) { return (float)mlc_expm1(x); }
static inline float mlc_log_f(float x) { return (float)mlc_log_wide(x); }
static inline float mlc_log1p_f(float x) { return (float)mlc_log1p(x); }
static inline float mlc_tanh_f(float x) { return (float)mlc_tanh(x); }
"""


def _routine(name: str) -> Callable[[Operation, list[str]], str]:
    def code(op: Operation, a: list[str]) -> str:
        f32 = isinstance(op.results[0].type, Float32Type)
        return f"mlc_{name}{'_f' if f32 else ''}({a[0]})"
    return code


MATH_C_CODE: dict[type, Callable[[Operation, list[str]], str]] = {
    math.ExpOp: _routine("exp"), math.ExpM1Op: _routine("expm1"), math.LogOp: _routine("log"),
    math.Log1pOp: _routine("log1p"), math.TanhOp: _routine("tanh"),
}

"""C of the elementwise math functions (`math` ops and `loop.special`): one
`code_for_op` entry per op class, and the routines they call in `PRELUDE`.

exp, expm1, log, log1p and tanh are mlc's own routines (`ROUTINES_PRELUDE`).
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

The special functions (`SPECIAL_PRELUDE`) are total: each returns NaN or +-inf at the
edges of its domain and never traps.

- erfc, gamma, gammaln: C99 libm (`erfc`, `tgamma`, and the reentrant `lgamma_r`, so
  that kernels may run in threads without the global `signgam`), with the edge values
  of scipy.special (`gammaln(-inf)` is -inf, as scipy gives).
- erfinv, erfcinv: our own. Winitzki's closed form (relative error ~2e-3) seeds Halley's
  method on erf, or on erfc for arguments whose erfc is small, so that the residual is
  computed where libm is accurate to an ulp; below 1e-100 a Newton step on log erfc
  (asymptotic series, error < 1e-17 there) avoids exp(-x*x) underflowing.
- psi (digamma): reflection for x < 0, the recurrence psi(x) = psi(x + 1) - 1/x up to
  x >= 10, then the asymptotic series; near the two roots closest to 0 a Taylor series
  about the root (coefficients `polygamma(n, r) / n!` from scipy, see
  tests/test_math.py) keeps the relative error small where psi crosses 0.

float32 versions compute in double and round once, as scipy.special's float32 loops do.
Measured relative error in double: erfinv/erfcinv ~5e-16 against scipy.special, psi
~4e-15 against an exact recurrence (tests/test_math.py).
"""

from __future__ import annotations

from xdsl.dialects import math
from xdsl.ir import Operation

from mlc.dialects import loop
from mlc.passes.emit.c_types import is_f32
from mlc.passes.emit.writer import CodeRule, CWriter

ROUTINES_PRELUDE = r"""
/* exp, expm1, log, log1p, tanh: passes/emit/math.py */
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

SPECIAL_PRELUDE = r"""
/* special functions: passes/emit/math.py */
double lgamma_r(double, int *);
static inline double mlc_erfc(double x) { return erfc(x); }
static inline double mlc_gamma(double x) { return tgamma(x); }
static inline double mlc_gammaln(double x) {
  int sign; return x == -INFINITY ? -INFINITY : lgamma_r(x, &sign);
}
static const double MLC_SQRTPI_2 = 0.88622692545275801365, MLC_2_SQRTPI = 1.1283791670955125739;
static inline double mlc_winitzki(double L) { /* erfinv(z) to ~2e-3 from L = log(1 - z*z) */
  const double a = 0.147, b = 2.0 / (3.14159265358979323846 * a) + 0.5 * L;
  return sqrt(sqrt(b * b - L / a) - b);
}
static double mlc_halley_erf(double x, double target, int complement) {
  /* solve erf(x) = target (erfc if complement): f'' = -2x f' gives x -= r / (1 + x r) */
  for (int i = 0; i < 8; ++i) {
    double f = complement ? erfc(x) - target : erf(x) - target;
    double d = (complement ? -MLC_2_SQRTPI : MLC_2_SQRTPI) * exp(-x * x);
    double r = f / d, dx = r / (1.0 + x * r);
    x -= dx;
    if (!(fabs(dx) > 1e-16 * fabs(x))) break;
  }
  return x;
}
static double mlc_erfinv_core(double z) { /* 0 <= z <= 0.5 */
  if (z < 1e-8) return z * MLC_SQRTPI_2; /* the next term is pi z^2 / 12 relative */
  return mlc_halley_erf(mlc_winitzki(log1p(-z * z)), z, 0);
}
static double mlc_erfcinv_tail(double y) { /* 0 < y < 1e-100, so x > 15 */
  /* log erfc(x) = -x^2 - log(x sqrt(pi)) + log S, S = sum (-1)^n (2n-1)!! / (2x^2)^n */
  double ly = log(y), x = sqrt(-ly - log(sqrt(-ly * 3.14159265358979323846)));
  for (int i = 0; i < 8; ++i) {
    double t = 0.5 / (x * x), s = 1.0;
    for (int n = 19; n >= 1; n -= 2) s = 1.0 - n * t * s;
    double g = -x * x - log(x) - 0.57236494292470008707 + log(s) - ly;
    double dx = g * s / (2.0 * x); /* Newton: d/dx log erfc(x) = -2x / S */
    x += dx;
    if (!(fabs(dx) > 1e-16 * x)) break;
  }
  return x;
}
static double mlc_erfcinv_pos(double y) { /* 0 <= y <= 1 */
  if (y == 0) return INFINITY;
  if (y >= 0.5) return mlc_erfinv_core(1.0 - y); /* exact: 1 - y has no rounding here */
  if (y < 1e-100) return mlc_erfcinv_tail(y);
  return mlc_halley_erf(mlc_winitzki(log(y) + log(2.0 - y)), y, 1);
}
static inline double mlc_erfinv(double z) {
  double a = fabs(z);
  if (!(a <= 1.0)) return NAN;
  return copysign(a <= 0.5 ? mlc_erfinv_core(a) : mlc_erfcinv_pos(1.0 - a), z);
}
static inline double mlc_erfcinv(double y) {
  if (!(y >= 0.0 && y <= 2.0)) return NAN;
  return y > 1.0 ? -mlc_erfcinv_pos(2.0 - y) : mlc_erfcinv_pos(y);
}
static const double MLC_PSI_POS[27] = {
    -9.241265521729427e-17, 0.9676722454476214, -0.44276316898359214, 0.2584997609556512,
    -0.16394270544240658, 0.10782405069126239, -0.07219956125645476, 0.048804288164143145,
    -0.033161126474847376, 0.022597648232218125, -0.015424765904948968,
    0.010538791616612182, -0.007204534386356875, 0.004926781395729858,
    -0.0033698016554393312, 0.00230512632673493, -0.0015769367714301987,
    0.0010788252019162975, -0.000738070938996006, 0.0005049532658346026,
    -0.0003454680251063082, 0.00023635601564027086, -0.00016170622091974825,
    0.0001106337276874743, -7.569179582195077e-05, 5.178575795222089e-05,
    -3.543007094765968e-05};
static const double MLC_PSI_NEG[27] = {
    7.289763902976895e-17, 8.939798558792134, -0.8093454625306515, 32.2585720649155,
    -2.7610116487908236, 128.27342343090905, -14.706721735530323, 513.2704629562862,
    -75.37700066344621, 2055.535711946332, -368.5783503832183, 8234.66709920307,
    -1743.3646088673613, 32997.785655255044, -8051.818155363482, 132262.95480834588,
    -36529.945969485576, 530280.3912420176, -163451.79342700215, 2126602.372596875,
    -723318.8861804293, 8530604.878543982, -3172131.315574469, 34228316.69580112,
    -13807481.99726386, 137373435.87411493, -59721085.41129424};
static const double MLC_PSI_POS_ROOT = 1.4616321449683622, MLC_PSI_NEG_ROOT = -0.5040830082644554;
static inline double mlc_taylor27(const double *c, double h) {
  double s = c[26];
  for (int n = 25; n >= 0; --n) s = s * h + c[n];
  return s;
}
static double mlc_psi_pos(double x) { /* x > 0 */
  if (fabs(x - MLC_PSI_POS_ROOT) < 0.3) return mlc_taylor27(MLC_PSI_POS, x - MLC_PSI_POS_ROOT);
  double acc = 0.0;
  for (; x < 10.0; x += 1.0) acc -= 1.0 / x;
  double r = 1.0 / (x * x), s = -3617.0 / 8160.0;
  static const double b[7] = {1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132,
                              -691.0 / 32760, 1.0 / 12};
  for (int k = 6; k >= 0; --k) s = s * r + b[k];
  return acc + log(x) - 0.5 / x - s * r;
}
static double mlc_psi(double x) {
  if (x == 0) return signbit(x) ? INFINITY : -INFINITY;
  if (!(x < 0)) return x == INFINITY || x != x ? x : mlc_psi_pos(x);
  double f = floor(x);
  if (f == x) return NAN; /* poles at the negative integers, and -inf */
  if (fabs(x - MLC_PSI_NEG_ROOT) < 0.1) return mlc_taylor27(MLC_PSI_NEG, x - MLC_PSI_NEG_ROOT);
  double t = x - round(x); /* exact; psi(x) = psi(1 - x) - pi cot(pi x), period 1 */
  return mlc_psi_pos(1.0 - x) - 3.14159265358979323846 / tan(3.14159265358979323846 * t);
}
#define MLC_F32(fn) static inline float mlc_##fn##_f(float x) { return (float)mlc_##fn((double)x); }
MLC_F32(erfc) MLC_F32(gamma) MLC_F32(gammaln) MLC_F32(erfinv) MLC_F32(erfcinv) MLC_F32(psi)
"""

PRELUDE = ROUTINES_PRELUDE + SPECIAL_PRELUDE


def libm(name: str) -> CodeRule:
    """`name(args)` in double, `namef(args)` in float32: a C99 libm call."""
    return lambda em, op, a: f"{name}{'f' if is_f32(op.results[0].type) else ''}({', '.join(a)})"


def routine(name: str) -> CodeRule:
    """`mlc_name(x)` in double, `mlc_name_f(x)` in float32: a PRELUDE routine."""
    return lambda em, op, a: f"mlc_{name}{'_f' if is_f32(op.results[0].type) else ''}({a[0]})"


def _special(em: CWriter, op: Operation, a: list[str]) -> str:
    return routine(op.fn.data)(em, op, a)  # type: ignore[attr-defined]


CODE_FOR_OP: dict[type[Operation], CodeRule] = {
    math.ExpOp: routine("exp"), math.ExpM1Op: routine("expm1"), math.LogOp: routine("log"),
    math.Log1pOp: routine("log1p"), math.TanhOp: routine("tanh"),
    math.SqrtOp: libm("sqrt"), math.SinOp: libm("sin"), math.CosOp: libm("cos"),
    math.AbsFOp: libm("fabs"), math.PowFOp: libm("pow"), math.FloorOp: libm("floor"),
    math.CopySignOp: libm("copysign"), loop.FModOp: libm("fmod"),
    math.CeilOp: libm("ceil"), math.TruncOp: libm("trunc"), math.RoundOp: libm("round"),
    math.RoundEvenOp: libm("nearbyint"),  # the default rounding mode: ties to even
    math.Exp2Op: libm("exp2"), math.Log2Op: libm("log2"), math.Log10Op: libm("log10"), math.CbrtOp: libm("cbrt"),
    math.TanOp: libm("tan"), math.AsinOp: libm("asin"), math.AcosOp: libm("acos"),
    math.AtanOp: libm("atan"), math.Atan2Op: libm("atan2"), math.SinhOp: libm("sinh"),
    math.CoshOp: libm("cosh"), math.AsinhOp: libm("asinh"), math.AcoshOp: libm("acosh"),
    math.AtanhOp: libm("atanh"), math.ErfOp: libm("erf"),
    loop.SpecialOp: _special,
}

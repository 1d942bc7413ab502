"""C code of the random scalar ops (`loop.rand_*`): Philox4x32-10 and the samplers.

The helpers (`PRELUDE`) are the C twin of
runtime/reference_random.py (same words, same arithmetic, in the same order), and they
are total: every loop is bounded, every integer operation is defined for all inputs
(a range of 0 returns `lo`), so bad parameters can give wrong numbers but never a trap.
The lowering checks parameters before it calls them.

The numbers of a seed do not depend on the CPU: runtime/compile.py compiles in ISO C mode
(`-std=c11`), where gcc does not fuse a*b+c into an FMA (tests/test_random.py compares
scaled samples bit for bit with the reference); only libm's log/cos can differ between
C libraries.
"""

from __future__ import annotations

from xdsl.ir import Operation

from mlc.dialects import loop
from mlc.passes.emit.c_types import is_f32
from mlc.passes.emit.writer import CodeRule

PRELUDE = r"""
typedef struct { uint32_t k0, k1, c0, c1, c2, block; uint64_t spare; int have; } mlc_rng;

static void mlc_philox4x32(const uint32_t in[4], uint32_t k0, uint32_t k1, uint32_t out[4]) {
  uint32_t c0 = in[0], c1 = in[1], c2 = in[2], c3 = in[3];
  for (int r = 0; r < 10; ++r) {
    uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1; c3 = (uint32_t)p0; c0 = n0; c2 = n2;
    k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

static inline void mlc_rng_init(mlc_rng *g, int64_t key, int64_t ctr, int64_t stream) {
  g->k0 = (uint32_t)(uint64_t)key; g->k1 = (uint32_t)((uint64_t)key >> 32);
  g->c0 = (uint32_t)(uint64_t)ctr; g->c1 = (uint32_t)((uint64_t)ctr >> 32);
  g->c2 = (uint32_t)(uint64_t)stream; g->block = 0; g->spare = 0; g->have = 0;
}

static inline uint64_t mlc_rng_next(mlc_rng *g) {
  if (g->have) { g->have = 0; return g->spare; }
  uint32_t in[4] = {g->c0, g->c1, g->c2, g->block}, x[4];
  mlc_philox4x32(in, g->k0, g->k1, x);
  g->block++;
  g->spare = (uint64_t)x[3] << 32 | x[2]; g->have = 1;
  return (uint64_t)x[1] << 32 | x[0];
}

static inline double mlc_rng_unit(mlc_rng *g) { return (double)(mlc_rng_next(g) >> 11) * 0x1.0p-53; }

static uint64_t mlc_rng_below(mlc_rng *g, uint64_t r) {  /* Lemire: unbiased in [0, r), r > 0 */
  unsigned __int128 m = (unsigned __int128)mlc_rng_next(g) * r;
  if ((uint64_t)m < r) {
    uint64_t t = (0 - r) % r;
    for (int i = 0; i < 64 && (uint64_t)m < t; ++i) m = (unsigned __int128)mlc_rng_next(g) * r;
  }
  return (uint64_t)(m >> 64);
}

static double mlc_rand_uniform_f64(int64_t key, int64_t ctr, int64_t stream, double lo, double hi) {
  mlc_rng g; mlc_rng_init(&g, key, ctr, stream);
  double u = mlc_rng_unit(&g);
  return lo + (hi - lo) * u;
}

static float mlc_rand_uniform_f32(int64_t key, int64_t ctr, int64_t stream, float lo, float hi) {
  mlc_rng g; mlc_rng_init(&g, key, ctr, stream);
  float u = (float)(mlc_rng_next(&g) >> 40) * 0x1.0p-24f;
  return lo + (hi - lo) * u;
}

static double mlc_rng_gauss(mlc_rng *g) {  /* Box-Muller, u1 in (0, 1] */
  double u1 = (double)(mlc_rng_next(g) >> 11) * 0x1.0p-53 + 0x1.0p-53;
  double u2 = mlc_rng_unit(g);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double mlc_rand_normal_f64(int64_t key, int64_t ctr, int64_t stream, double m, double s) {
  mlc_rng g; mlc_rng_init(&g, key, ctr, stream);
  double z = mlc_rng_gauss(&g);
  return m + s * z;
}

static float mlc_rand_normal_f32(int64_t key, int64_t ctr, int64_t stream, float m, float s) {
  mlc_rng g; mlc_rng_init(&g, key, ctr, stream);
  double z = mlc_rng_gauss(&g);
  return (float)((double)m + (double)s * z);
}

static int64_t mlc_rand_integers(int64_t key, int64_t ctr, int64_t stream, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  mlc_rng g; mlc_rng_init(&g, key, ctr, stream);
  return (int64_t)((uint64_t)lo + mlc_rng_below(&g, (uint64_t)hi - (uint64_t)lo));
}

static const double mlc_stirling_table[10] = {
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
  0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
  0.00925546218271273, 0.00833056343336287};

static double mlc_stirling_tail(double k) {  /* log k! - (k+1/2) log(k+1) + k+1 - log(2 pi)/2 */
  if (k <= 9) return mlc_stirling_table[(int)k];
  double kp1sq = (k + 1.0) * (k + 1.0);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1.0);
}

static int64_t mlc_binomial_inversion(mlc_rng *g, int64_t n, double p) {
  double logq = log1p(-p), total = 0.0;
  int64_t x = 0;
  for (int64_t i = 0; i <= n; ++i) {  /* every waiting time is >= 1: at most n + 1 rounds */
    double u = mlc_rng_unit(g);
    total += u == 0.0 ? INFINITY : ceil(log(u) / logq);
    if (total > (double)n) break;
    x++;
  }
  return x;
}

static int64_t mlc_binomial_btrs(mlc_rng *g, int64_t n, double p) {  /* Hormann 1993 */
  double spq = sqrt((double)n * p * (1.0 - p));
  double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = (double)n * p + 0.5;
  double v_r = 0.92 - 4.2 / b, r = p / (1.0 - p), alpha = (2.83 + 5.1 / b) * spq;
  double m = floor((double)(n + 1) * p), nd = (double)n;
  for (int round = 0; round < 1000; ++round) {
    double u = mlc_rng_unit(g) - 0.5, v = mlc_rng_unit(g);
    double us = 0.5 - fabs(u), k = floor((2.0 * a / us + b) * u + c);
    if (k < 0 || k > nd) continue;
    if (us >= 0.07 && v <= v_r) return (int64_t)k;
    v = v > 0 ? log(v * alpha / (a / (us * us) + b)) : -INFINITY;
    double bound = (m + 0.5) * log((m + 1.0) / (r * (nd - m + 1.0)))
                 + (nd + 1.0) * log((nd - m + 1.0) / (nd - k + 1.0))
                 + (k + 0.5) * log(r * (nd - k + 1.0) / (k + 1.0))
                 + mlc_stirling_tail(m) + mlc_stirling_tail(nd - m)
                 - mlc_stirling_tail(k) - mlc_stirling_tail(nd - k);
    if (v <= bound) return (int64_t)k;
  }
  return (int64_t)m;
}

static int64_t mlc_binomial(mlc_rng *g, int64_t n, double p) {
  if (p > 0.5) return n - mlc_binomial(g, n, 1.0 - p);
  if (n <= 0 || !(p > 0.0)) return 0;
  return (double)n * p < 10.0 ? mlc_binomial_inversion(g, n, p) : mlc_binomial_btrs(g, n, p);
}

static int64_t mlc_rand_binomial(int64_t key, int64_t ctr, int64_t stream, int64_t n, double p) {
  mlc_rng g; mlc_rng_init(&g, key, ctr, stream);
  if (p >= 1.0) return n > 0 ? n : 0;
  return mlc_binomial(&g, n, p);
}
"""


def _by_width(name: str) -> CodeRule:
    return lambda em, op, a: f"mlc_{name}_{'f32' if is_f32(op.results[0].type) else 'f64'}({', '.join(a)})"


def _call(name: str) -> CodeRule:
    return lambda em, op, a: f"mlc_{name}({', '.join(a)})"


CODE_FOR_OP: dict[type[Operation], CodeRule] = {
    loop.RandUniformOp: _by_width("rand_uniform"), loop.RandNormalOp: _by_width("rand_normal"),
    loop.RandIntegersOp: _call("rand_integers"), loop.RandBinomialOp: _call("rand_binomial"),
}

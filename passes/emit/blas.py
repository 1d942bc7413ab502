"""C emission of the `blas` dialect: calls into OpenBLAS from the `scipy-openblas64` wheel.

The first blas op of a module writes `BLAS_PRELUDE` into the file-scope code:
`BLAS_MARKER` (the runtime's link directive, `/* mlc-link: openblas */`, which makes
runtime/compile.py add OpenBLAS's include and link flags), `cblas.h`, and static helpers. Each op becomes one helper call with the operands' run-time sizes
and strides. The helpers hand an operand to BLAS as is when one dim has unit stride and
the other a leading dimension >= max(1, extent) (row-major, or transposed), and otherwise
copy it to a dense buffer first, so any strides work: negative, zero (broadcasts),
size-0 and size-1 dims. A failed copy allocation returns MLC_ERR_ALLOC.
"""

from __future__ import annotations

from xdsl.ir import Operation, SSAValue

from mlc.dialects import blas
from mlc.passes.emit.writer import CWriter, Handler

BLAS_MARKER = "/* mlc-link: openblas */"
"""The line that asks the runtime to compile and link against OpenBLAS (see
`source_flags` in runtime/compile.py)."""


_HELPERS = r"""
/* A (r x c, strides s0, s1) as BLAS takes it: *m with leading dim *ld, *tr = transposed;
   else a dense copy in *tmp (freed by the caller). Returns nonzero when out of memory. */
static int mlc_blas_mat_@P(const @T *p, int64_t r, int64_t c, int64_t s0, int64_t s1,
                           const @T **m, int64_t *ld, int *tr, @T **tmp) {
  const int64_t r1 = r > 1 ? r : 1, c1 = c > 1 ? c : 1;
  *tmp = NULL; *m = p; *tr = 0;
  if ((c <= 1 || s1 == 1) && (r <= 1 || s0 >= c1)) { *ld = r <= 1 ? c1 : s0; return 0; }
  if ((r <= 1 || s0 == 1) && (c <= 1 || s1 >= r1)) { *ld = c <= 1 ? r1 : s1; *tr = 1; return 0; }
  *tmp = (@T *)malloc(mlc_bytes(sizeof(@T), mlc_smul((size_t)r, (size_t)c)));
  if (!*tmp) return 1;
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) (*tmp)[i * c + j] = p[i * s0 + j * s1];
  *m = *tmp; *ld = c1;
  return 0;
}

/* A vector (n, stride s) with a positive increment, copying it when needed. */
static int mlc_blas_vec_@P(const @T *p, int64_t n, int64_t s, const @T **v, int64_t *inc, @T **tmp) {
  *tmp = NULL; *v = p; *inc = n <= 1 ? 1 : s;
  if (n <= 1 || s >= 1) return 0;
  *tmp = (@T *)malloc(mlc_bytes(sizeof(@T), (size_t)n));
  if (!*tmp) return 1;
  for (int64_t i = 0; i < n; ++i) (*tmp)[i] = p[i * s];
  *v = *tmp; *inc = 1;
  return 0;
}

/* c (m x n) = alpha * a (m x k) @ b (k x n) + beta * c, any strides. */
static int mlc_gemm_@P(int64_t M, int64_t N, int64_t K, double alpha, double beta,
                       const @T *a, int64_t as0, int64_t as1, const @T *b, int64_t bs0, int64_t bs1,
                       @T *c, int64_t cs0, int64_t cs1) {
  if (M == 0 || N == 0) return 0;
  const int dense_c = (N <= 1 || cs1 == 1) && (M <= 1 || cs0 >= N);
  @T *out = dense_c ? c : (@T *)malloc(mlc_bytes(sizeof(@T), mlc_smul((size_t)M, (size_t)N)));
  const @T *am, *bm; int64_t lda, ldb; int ta, tb; @T *atmp = NULL, *btmp = NULL;
  int rc = !out || mlc_blas_mat_@P(a, M, K, as0, as1, &am, &lda, &ta, &atmp)
           || mlc_blas_mat_@P(b, K, N, bs0, bs1, &bm, &ldb, &tb, &btmp);
  const int64_t ldc = dense_c ? (M <= 1 ? N : cs0) : N, rs = dense_c ? cs0 : N, cst = dense_c ? cs1 : 1;
  if (!rc && !dense_c && beta != 0.0)
    for (int64_t i = 0; i < M; ++i) for (int64_t j = 0; j < N; ++j) out[i * N + j] = c[i * cs0 + j * cs1];
  if (!rc && K == 0)
    for (int64_t i = 0; i < M; ++i) for (int64_t j = 0; j < N; ++j)
      out[i * rs + j * cst] = beta == 0.0 ? (@T)0 : (@T)(beta * out[i * rs + j * cst]);
  else if (!rc)
    scipy_cblas_@Pgemm64_(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                          M, N, K, (@T)alpha, am, lda, bm, ldb, (@T)beta, out, ldc);
  if (!rc && !dense_c)
    for (int64_t i = 0; i < M; ++i) for (int64_t j = 0; j < N; ++j) c[i * cs0 + j * cs1] = out[i * N + j];
  free(atmp); free(btmp);
  if (!dense_c) free(out);
  return rc;
}

/* y (m) = alpha * a (m x k) @ x (k) + beta * y, any strides. */
static int mlc_gemv_@P(int64_t M, int64_t K, double alpha, double beta,
                       const @T *a, int64_t as0, int64_t as1, const @T *x, int64_t xs, @T *y, int64_t ys) {
  if (M == 0) return 0;
  const int dense_y = M <= 1 || ys >= 1;
  @T *out = dense_y ? y : (@T *)malloc(mlc_bytes(sizeof(@T), (size_t)M));
  const @T *am, *xv; int64_t lda, incx; int ta; @T *atmp = NULL, *xtmp = NULL;
  int rc = !out || mlc_blas_mat_@P(a, M, K, as0, as1, &am, &lda, &ta, &atmp)
           || mlc_blas_vec_@P(x, K, xs, &xv, &incx, &xtmp);
  const int64_t incy = dense_y ? (M <= 1 ? 1 : ys) : 1;
  if (!rc && !dense_y && beta != 0.0) for (int64_t i = 0; i < M; ++i) out[i] = y[i * ys];
  if (!rc && K == 0)
    for (int64_t i = 0; i < M; ++i) out[i * incy] = beta == 0.0 ? (@T)0 : (@T)(beta * out[i * incy]);
  else if (!rc)
    scipy_cblas_@Pgemv64_(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? K : M, ta ? M : K,
                          (@T)alpha, am, lda, xv, incx, (@T)beta, out, incy);
  if (!rc && !dense_y) for (int64_t i = 0; i < M; ++i) y[i * ys] = out[i];
  free(atmp); free(xtmp);
  if (!dense_y) free(out);
  return rc;
}

/* out[0] = alpha * x . y + beta * out[0], any strides. */
static int mlc_dot_@P(int64_t n, double alpha, double beta, const @T *x, int64_t xs,
                      const @T *y, int64_t ys, @T *out) {
  const @T *xv, *yv; int64_t incx, incy; @T *xtmp = NULL, *ytmp = NULL;
  int rc = mlc_blas_vec_@P(x, n, xs, &xv, &incx, &xtmp) || mlc_blas_vec_@P(y, n, ys, &yv, &incy, &ytmp);
  if (!rc) {
    const @T d = n == 0 ? (@T)0 : scipy_cblas_@Pdot64_(n, xv, incx, yv, incy);
    *out = beta == 0.0 ? (@T)(alpha * d) : (@T)(alpha * d + beta * *out);
  }
  free(xtmp); free(ytmp);
  return rc;
}
"""

BLAS_PRELUDE = (f"\n{BLAS_MARKER}\n#include <cblas.h>\n"
                + _HELPERS.replace("@T", "double").replace("@P", "d")
                + _HELPERS.replace("@T", "float").replace("@P", "s"))


def _prefix(em: CWriter, v: SSAValue) -> str:
    """'d' or 's' for the element type of memref v."""
    return "s" if em.ctype(v.type.element_type) == "float" else "d"  # type: ignore[attr-defined]


def _matrix(em: CWriter, v: SSAValue, trans: bool) -> list[str]:
    """ptr, rows, cols, row stride, col stride of v, transposed when `trans`."""
    d = em.descs[v]
    (r, c), (s0, s1) = d.sizes, d.strides
    return [d.ptr, c, r, s1, s0] if trans else [d.ptr, r, c, s0, s1]


def _call(em: CWriter, op: blas.GemmOp | blas.GemvOp | blas.DotOp, fn: str, sizes: list[str],
          args: list[str]) -> None:
    """`fn(sizes..., alpha, beta, args...)`; a nonzero return is an allocation failure."""
    em.require("blas", BLAS_PRELUDE)
    alpha, beta = op.scales()
    args = sizes + [repr(alpha), repr(beta)] + args
    em.line(f"if ({fn}({', '.join(args)})) {em.fail(1, [])}")


def emit_gemm(em: CWriter, op: blas.GemmOp) -> None:
    a, m, k, as0, as1 = _matrix(em, op.a, op.trans_a.value.data)
    b, _, n, bs0, bs1 = _matrix(em, op.b, op.trans_b.value.data)
    c = em.descs[op.c]
    _call(em, op, f"mlc_gemm_{_prefix(em, op.c)}", [m, n, k], [a, as0, as1, b, bs0, bs1, c.ptr, *c.strides])


def emit_gemv(em: CWriter, op: blas.GemvOp) -> None:
    a, m, k, as0, as1 = _matrix(em, op.a, op.trans.value.data)
    x, y = em.descs[op.x], em.descs[op.y]
    args = [a, as0, as1, x.ptr, x.strides[0], y.ptr, y.strides[0]]
    _call(em, op, f"mlc_gemv_{_prefix(em, op.y)}", [m, k], args)


def emit_dot(em: CWriter, op: blas.DotOp) -> None:
    x, y, out = em.descs[op.x], em.descs[op.y], em.descs[op.out]
    args = [x.ptr, x.strides[0], y.ptr, y.strides[0], out.ptr]
    _call(em, op, f"mlc_dot_{_prefix(em, op.out)}", [x.sizes[0]], args)


HANDLERS: dict[type[Operation], Handler] = {
    blas.GemmOp: emit_gemm, blas.GemvOp: emit_gemv, blas.DotOp: emit_dot,
}

"""BLAS for `dot`: `insert-blas` rewrites float `loop.matmul` into `blas.gemm`/`gemv`/`dot`
(dialects/blas.py, passes/insert_blas.py) and the C emitter calls OpenBLAS through the
helpers of passes/emit/blas.py, which accept any strides.

Results are checked against NumPy for every rank combination, float32/float64, operands
that are contiguous, transposed, sliced, reversed (negative strides) and broadcast
(stride 0), with size-0 and size-1 dims. One compiled function serves every input; the
helpers themselves (alpha, beta, strided outputs) are called directly through ctypes.
"""

from __future__ import annotations

import ctypes
import functools
import re

import numpy as np
import pytest
from xdsl.dialects.builtin import MemRefType, f64, i64
from xdsl.ir import Block
from xdsl.utils.exceptions import VerifyException

import mlc
import mlc.tensor as T
from mlc.dialects import blas
from mlc.passes.emit.blas import BLAS_MARKER, BLAS_PRELUDE
from mlc.passes.emit.emitter import CEmitter
from mlc.runtime.compile import blas_flags, compile_c, source_flags

RNG = np.random.default_rng(7)
SHAPES = [(3, 4, 5), (0, 4, 5), (3, 0, 5), (3, 4, 0), (1, 1, 1), (1, 4, 1), (5, 1, 3), (2, 7, 1)]
COMBOS = {"mm": (2, 2), "mv": (2, 1), "vm": (1, 2), "vv": (1, 1)}


def layouts(shape: tuple[int, ...], dtype: str) -> list[np.ndarray]:
    """The same kind of random values in several memory layouts of one logical shape."""
    base = RNG.standard_normal(shape).astype(dtype)
    big = RNG.standard_normal(tuple(2 * d + 1 for d in shape)).astype(dtype)
    out = [base, np.ascontiguousarray(base.T).T, big[tuple(slice(None, None, 2) for _ in shape)][
        tuple(slice(0, d) for d in shape)], big[tuple(slice(None, None, -2) for _ in shape)][
        tuple(slice(0, d) for d in shape)]]
    if len(shape) == 2:  # a broadcast row (stride 0 in dim 0) and column (stride 0 in dim 1)
        out.append(np.broadcast_to(base[:1], shape) if shape[0] else base)
        out.append(np.broadcast_to(base[:, :1], shape) if shape[1] else base)
    else:
        out.append(np.broadcast_to(base[:1], shape) if shape[0] else base)
    return out


def has_blas(ir: str) -> bool:
    return re.search(r"\bblas\.(gemm|gemv|dot)\b", ir) is not None


def sym(rank: int, dtype: str, name: str):
    return (T.vector if rank == 1 else T.matrix)(name, dtype=dtype)


@functools.lru_cache(maxsize=None)
def dot_function(ranks: tuple[int, int], dtype_a: str, dtype_b: str):
    a, b = sym(ranks[0], dtype_a, "a"), sym(ranks[1], dtype_b, "b")
    return mlc.function([a, b], T.dot(a, b))


def operand_shapes(ranks: tuple[int, int], m: int, k: int, n: int):
    return ((m, k) if ranks[0] == 2 else (k,)), ((k, n) if ranks[1] == 2 else (k,))


def check(f, a: np.ndarray, b: np.ndarray) -> None:
    got, want = f(a, b), np.dot(a, b)
    assert got.dtype == want.dtype and got.shape == want.shape
    tol = 1e-5 if want.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * (a.shape[-1] + 1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("combo", list(COMBOS))
def test_dot_matches_numpy_for_every_layout(combo: str, dtype: str) -> None:
    ranks = COMBOS[combo]
    f = dot_function(ranks, dtype, dtype)
    assert has_blas(f.ir("loop")) and "loop.matmul" not in f.ir("loop")
    for m, k, n in SHAPES:
        sa, sb = operand_shapes(ranks, m, k, n)
        for a in layouts(sa, dtype):
            for b in layouts(sb, dtype)[::2]:
                check(f, a, b)
        for b in layouts(sb, dtype):
            check(f, layouts(sa, dtype)[3], b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matrix_product_is_one_gemm(dtype: str) -> None:
    f = dot_function((2, 2), dtype, dtype)
    assert "blas.gemm" in f.ir("loop") and "blas.gemm" in f.ir("scf")
    assert BLAS_MARKER in f.ir("c") and f"mlc_gemm_{'s' if dtype == 'float32' else 'd'}(" in f.ir("c")
    a, b = RNG.standard_normal((64, 300)).astype(dtype), RNG.standard_normal((300, 33)).astype(dtype)
    check(f, a, b)
    check(f, np.ascontiguousarray(b.T).T[:, 1:32], np.ascontiguousarray(a.T).T[1:32])


@pytest.mark.parametrize("dtypes", [("int64", "float64"), ("float32", "int32"), ("int8", "float32")])
def test_mixed_dtypes_cast_then_blas(dtypes: tuple[str, str]) -> None:
    f = dot_function((2, 2), *dtypes)
    assert "blas.gemm" in f.ir("loop")
    a = RNG.integers(-5, 5, (4, 6)).astype(dtypes[0])
    b = RNG.integers(-5, 5, (6, 3)).astype(dtypes[1])
    check(f, a, b)
    check(f, a[::-1], b[:, ::-1])


def test_integer_dot_stays_a_loop() -> None:
    f = dot_function((2, 2), "int64", "int64")
    assert "loop.matmul" in f.ir("loop") and not has_blas(f.ir("loop"))
    assert BLAS_MARKER not in f.ir("c")
    a, b = RNG.integers(-9, 9, (3, 4)), RNG.integers(-9, 9, (4, 2))
    np.testing.assert_array_equal(f(a, b), a @ b)


def test_contraction_mismatch_still_raises() -> None:
    f = dot_function((2, 1), "float64", "float64")
    with pytest.raises(ValueError, match="shapes are not aligned"):
        f(np.ones((2, 3)), np.ones(4))


def test_only_blas_sources_get_blas_flags() -> None:
    assert source_flags("int f(void) { return 0; }\n") == ()
    flags = source_flags(BLAS_PRELUDE)
    assert flags == blas_flags() and any(fl.startswith("-I") for fl in flags)
    assert any(fl.startswith("-Wl,-rpath,") for fl in flags)
    assert source_flags("/* mlc-link: openblas */ int x;\n") == ()  # a directive is a line of its own
    assert source_flags(BLAS_MARKER + "\n" + BLAS_MARKER + "\n") == blas_flags()


def test_an_unknown_link_directive_is_refused() -> None:
    with pytest.raises(ValueError, match="asks to link 'lapack'; known libraries: openblas"):
        source_flags("/* mlc-link: lapack */\nint f(void) { return 0; }\n")


def test_blas_ops_verify_element_types_and_ranks() -> None:
    m2, m1 = MemRefType(f64, [2, 2]), MemRefType(f64, [2])
    ok = Block(arg_types=[m2, m2, m2, m1, m1, MemRefType(f64, [])])
    a, b, c, x, y, s = ok.args
    for op in (blas.GemmOp(a, b, c), blas.GemvOp(a, x, y, trans=True), blas.DotOp(x, y, s)):
        op.verify()
    with pytest.raises(VerifyException, match="ranks"):
        blas.GemvOp(a, b, y).verify()
    ints = Block(arg_types=[MemRefType(i64, [2, 2])] * 3).args
    with pytest.raises(VerifyException, match="f32 or f64"):
        blas.GemmOp(*ints).verify()
    mixed = Block(arg_types=[MemRefType(f64, [2, 2]), MemRefType(i64, [2, 2]), m2]).args
    with pytest.raises(VerifyException, match="element type"):
        blas.GemmOp(*mixed).verify()


# -- the C helpers, called directly: alpha, beta and arbitrary output strides -------------
_WRAPPERS = r"""
int gemm_d(int64_t M, int64_t N, int64_t K, double alpha, double beta, const double *a,
           int64_t as0, int64_t as1, const double *b, int64_t bs0, int64_t bs1,
           double *c, int64_t cs0, int64_t cs1) {
  return mlc_gemm_d(M, N, K, alpha, beta, a, as0, as1, b, bs0, bs1, c, cs0, cs1); }
int gemv_d(int64_t M, int64_t K, double alpha, double beta, const double *a, int64_t as0,
           int64_t as1, const double *x, int64_t xs, double *y, int64_t ys) {
  return mlc_gemv_d(M, K, alpha, beta, a, as0, as1, x, xs, y, ys); }
int dot_d(int64_t n, double alpha, double beta, const double *x, int64_t xs, const double *y,
          int64_t ys, double *out) { return mlc_dot_d(n, alpha, beta, x, xs, y, ys, out); }
"""


@functools.lru_cache(maxsize=None)
def helpers() -> ctypes.CDLL:
    lib = ctypes.CDLL(compile_c(CEmitter.prelude + BLAS_PRELUDE + _WRAPPERS))
    for fn in (lib.gemm_d, lib.gemv_d, lib.dot_d):
        fn.restype = ctypes.c_int
    return lib


def view(x: np.ndarray) -> list:
    """Pointer (to element 0, offset applied) and element strides of x."""
    return [ctypes.c_void_p(x.ctypes.data)] + [ctypes.c_int64(s // x.itemsize) for s in x.strides]


def _dims(*ds: int) -> list:
    return [ctypes.c_int64(d) for d in ds]


@pytest.mark.parametrize("alpha,beta", [(1.0, 0.0), (2.5, 0.0), (0.5, -1.5), (1.0, 1.0)])
def test_helpers_scale_and_accumulate_with_any_output_strides(alpha: float, beta: float) -> None:
    lib, s = helpers(), (ctypes.c_double(alpha), ctypes.c_double(beta))
    for m, k, n in SHAPES:
        a, b = layouts((m, k), "float64")[3], layouts((k, n), "float64")[1]
        for c in (np.ones((m, n)), np.ones((n, m)).T, RNG.standard_normal((2 * m, 2 * n))[::-2, ::2]):
            want = alpha * (a @ b) + beta * c
            assert lib.gemm_d(*_dims(m, n, k), *s, *view(a), *view(b), *view(c)) == 0
            np.testing.assert_allclose(c, want, rtol=1e-12, atol=1e-12 * (k + 1))
        x = layouts((k,), "float64")[3]
        for y in (np.ones(m), np.ones(2 * m)[::-2]):
            want = alpha * (a @ x) + beta * y
            assert lib.gemv_d(*_dims(m, k), *s, *view(a), *view(x), *view(y)) == 0
            np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12 * (k + 1))
        out = np.full((), 3.0)
        want = alpha * (x @ x) + beta * 3.0
        assert lib.dot_d(*_dims(k), *s, *view(x), *view(x), ctypes.c_void_p(out.ctypes.data)) == 0
        np.testing.assert_allclose(out, want, rtol=1e-12)

"""Index-valued reductions, scans, sorting, statistics and products through
`mlc.function`, against NumPy: argmax/argmin (NaN: the first NaN wins), any/all,
nonzero/flatnonzero/nonzero_values, cumsum/cumprod, sort/argsort (stable, NaNs last),
var/std, tensordot, outer, batched_dot.

One compiled function per test (dynamic shapes), called on random shapes with size-0
and size-1 dims, several dtypes and non-contiguous layouts.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import mlc
import mlc.tensor as T

RNG = np.random.default_rng(7)
HERE = "test_reduce_sort_linalg.py"


def line() -> int:
    return inspect.currentframe().f_back.f_lineno  # type: ignore[union-attr]


def rand(shape, dtype="float64", low=-5, high=5) -> np.ndarray:
    if dtype == "bool":
        return RNG.random(shape) < 0.5
    if dtype.startswith("int"):
        return RNG.integers(low, high, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def shapes(rank: int, n: int = 6, high: int = 5, nonzero: bool = False):
    out = [tuple(RNG.integers(1 if nonzero else 0, high, rank)) for _ in range(n)]
    if rank:
        out[1] = (1,) * rank
        if not nonzero:
            out[0] = (0,) + out[0][1:]
    return out


def same(got, want, rtol: float = 0.0) -> None:
    want = np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    if rtol:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def check_error(exc_info, where: int, *fragments: str) -> None:
    msg = str(exc_info.value)
    for f in fragments + (f"{HERE}:{where}",):
        assert f in msg, f"{f!r} not in {msg!r}"

# ------------------------------------------------------------------- argmax, argmin


@pytest.mark.parametrize("dtype", ["float64", "float32", "int16", "bool"])
def test_argmax_argmin_against_numpy(dtype):
    x = T.tensor3(dtype=dtype)
    outs = [T.argmax(x), x.argmax(axis=1), T.argmin(x, axis=-1, keepdims=True), x.argmin(axis=0),
            T.argmax(x, axis=(0, 2))]
    assert outs[2].broadcastable == (False, False, True) and outs[4].dtype == "int64"
    f = mlc.function([x], outs)
    for s in shapes(3, nonzero=True):
        a = rand(s, dtype, -2, 2)[:, ::-1]
        got = f(a)
        same(got[0], np.argmax(a))
        same(got[1], np.argmax(a, axis=1))
        same(got[2], np.argmin(a, axis=-1, keepdims=True))
        same(got[3], np.argmin(a, axis=0))
        same(got[4], np.argmax(np.transpose(a, (1, 0, 2)).reshape(s[1], -1), axis=1))


def test_argmax_nan_and_empty():
    x = T.dmatrix()
    where = line() + 1
    f = mlc.function([x], [T.argmax(x, axis=1), T.argmin(x, axis=1)])
    a = np.array([[1.0, np.nan, 5.0, np.nan], [-np.inf, -np.inf, 2.0, 2.0], [np.nan, 0, 0, 0]])
    got = f(a)
    same(got[0], np.argmax(a, axis=1))
    same(got[1], np.argmin(a, axis=1))
    with pytest.raises(ValueError) as e:
        f(np.zeros((2, 0)))
    check_error(e, where, "mt.argmax", "empty sequence")
    same(f(np.zeros((0, 3)))[0], np.zeros(0, np.int64))
    mx, am = T.max_and_argmax(x, axis=0)
    g = mlc.function([x], [mx, am])
    same(g(a[1:])[1], np.argmax(a[1:], axis=0))

# ------------------------------------------------------------------------- any, all


def test_any_all():
    x = T.fmatrix()
    i = T.bvector()
    f = mlc.function([x, i], [T.any(x), x.any(axis=1), T.all(x, axis=0, keepdims=True), x.all(),
                              T.any(i), i.all()])
    for s in shapes(2):
        a = (RNG.random(s) < 0.3).astype("float32") * rand(s, "float32")
        if a.size:
            a.flat[0] = np.nan
        b = RNG.integers(0, 2, s[0]).astype("int8")
        got = f(a, b)
        same(got[0], np.any(a))
        same(got[1], np.any(a, axis=1))
        same(got[2], np.all(a, axis=0, keepdims=True))
        same(got[3], np.all(a))
        same(got[4], np.any(b))
        same(got[5], np.all(b))

# ------------------------------------------------------------------------- nonzero


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_nonzero_flatnonzero_and_values(dtype):
    x = T.tensor3(dtype=dtype)
    m = T.nonzero(x, return_matrix=True)
    assert m.type.dims == (3, -1) and m.dtype == "int64"
    f = mlc.function([x], [m, *x.nonzero(), T.flatnonzero(x), T.nonzero_values(x)])
    for s in shapes(3):
        a = rand(s, dtype, -1, 2)[:, ::-1]
        if dtype == "float32" and a.size:
            a.flat[0] = np.nan
        got = f(a)
        same(got[0], np.array(np.nonzero(a), dtype=np.int64).reshape(3, -1))
        for g, w in zip(got[1:4], np.nonzero(a)):
            same(g, w.astype(np.int64))
        same(got[4], np.flatnonzero(a).astype(np.int64))
        same(got[5], a.ravel()[np.flatnonzero(a)])
    with pytest.raises(ValueError, match="nonzero"):
        T.nonzero(T.dscalar())

# -------------------------------------------------------------------- cumsum, cumprod


@pytest.mark.parametrize("dtype,want", [("int8", "int64"), ("float32", "float32"), ("bool", "int64")])
def test_cumsum_cumprod(dtype, want):
    x = T.matrix(dtype=dtype)
    outs = [T.cumsum(x), x.cumsum(axis=0), T.cumprod(x, axis=-1), x.cumprod()]
    assert all(o.dtype == want for o in outs)
    f = mlc.function([x], outs)
    tol = 1e-5 if dtype == "float32" else 0
    for s in shapes(2):
        a = rand(s, dtype, -3, 4).T
        got = f(a)
        same(got[0], np.cumsum(a, dtype=want), tol)
        same(got[1], np.cumsum(a, axis=0, dtype=want), tol)
        same(got[2], np.cumprod(a, axis=-1, dtype=want), tol)
        same(got[3], np.cumprod(a, dtype=want), tol)

# ------------------------------------------------------------------ sort and argsort


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_sort_argsort_against_numpy(dtype):
    x = T.tensor3(dtype=dtype)
    outs = [T.sort(x), x.sort(axis=0), T.sort(x, axis=None), T.argsort(x), x.argsort(axis=1),
            T.argsort(x, axis=None, kind="mergesort")]
    f = mlc.function([x], outs)
    for s in shapes(3, high=40 if dtype != "bool" else 6) + [(2, 3, 300)]:
        a = rand(s, dtype, -3, 3)
        if dtype.startswith("float") and a.size:
            a.flat[RNG.integers(0, a.size, 1 + a.size // 5)] = np.nan
            a.flat[RNG.integers(0, a.size, 1 + a.size // 5)] = -np.inf
        a = a[:, ::-1]
        got = f(a)
        same(got[0], np.sort(a))
        same(got[1], np.sort(a, axis=0))
        same(got[2], np.sort(a, axis=None))
        same(got[3], np.argsort(a, kind="stable"))
        same(got[4], np.argsort(a, axis=1, kind="stable"))
        same(got[5], np.argsort(a, axis=None, kind="stable"))


def test_sort_rejects_order():
    with pytest.raises(ValueError, match="order"):
        T.sort(T.dvector(), order="f")
    with pytest.raises(ValueError, match="kind"):
        T.argsort(T.dvector(), kind="bogo")

# ------------------------------------------------------------------------- var, std


@pytest.mark.filterwarnings("ignore:Degrees of freedom")
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_var_std(dtype):
    x = T.tensor3(dtype=dtype)
    outs = [T.var(x), x.var(axis=1), T.std(x, axis=(0, 2), ddof=1), x.std(axis=-1, keepdims=True),
            T.var(x, axis=0, ddof=2, keepdims=True)]
    fd = "float32" if dtype == "float32" else "float64"
    assert all(o.dtype == fd for o in outs)
    f = mlc.function([x], outs)
    tol = 1e-4 if dtype == "float32" else 1e-10
    with np.errstate(all="ignore"):
        for s in shapes(3):
            a = rand(s, dtype)
            got = f(a)
            w = a.astype("float64")
            same(got[0], np.var(w).astype(fd), tol)
            same(got[1], np.var(w, axis=1).astype(fd), tol)
            same(got[2], np.std(w, axis=(0, 2), ddof=1).astype(fd), tol)
            same(got[3], np.std(w, axis=-1, keepdims=True).astype(fd), tol)
            same(got[4], np.var(w, axis=0, ddof=2, keepdims=True).astype(fd), tol)

# ----------------------------------------------------------------- products


@pytest.mark.parametrize("axes", [0, 1, 2, ([0, 2], [1, 0]), ([1], [2]), ((2, 0), (0, 1))])
def test_tensordot_against_numpy(axes):
    a, b = T.dtensor3(), T.ftensor3()
    f = mlc.function([a, b], T.tensordot(a, b, axes))
    ax = axes if isinstance(axes, int) else [list(axes[0]), list(axes[1])]
    for _ in range(4):
        dims = RNG.integers(0, 4, 5)
        sa = tuple(dims[:3])
        pairs = (list(range(3 - ax, 3)), list(range(ax))) if isinstance(ax, int) else ax
        sb = [int(d) for d in dims[2:]]
        for i, j in zip(*pairs):
            sb[j] = sa[i]
        x, y = rand(sa), rand(tuple(sb), "float32")
        same(f(x, y), np.tensordot(x, y.astype("float64"), ax), 1e-12)


def test_tensordot_checks_each_contracted_size():
    a, b = T.dmatrix(), T.dmatrix()
    where = line() + 1
    f = mlc.function([a, b], T.tensordot(a, b, axes=2))
    same(f(np.ones((2, 3)), np.ones((2, 3))), np.array(6.0))
    with pytest.raises(ValueError) as e:
        f(np.ones((2, 3)), np.ones((3, 2)))
    check_error(e, where, "mt.specify_shape")
    with pytest.raises(ValueError, match="tensordot"):
        T.tensordot(T.TensorType("float64", shape=(2,))(), T.TensorType("float64", shape=(3,))(), 1)


def test_outer():
    x, y = T.fvector(), T.imatrix()
    f = mlc.function([x, y], [T.outer(x, x), T.outer(x, y)])
    for n, m in ((0, 2), (1, 1), (3, 2)):
        a, b = rand((n,), "float32"), rand((m, 2), "int32")
        got = f(a, b)
        same(got[0], np.outer(a, a))
        same(got[1], np.outer(a, b).astype("float64"))


@pytest.mark.parametrize("ranks", [(3, 3), (3, 2), (2, 3), (2, 2)])
def test_batched_dot(ranks):
    a = T.tensor3(dtype="float32") if ranks[0] == 3 else T.matrix(dtype="float32")
    b = T.tensor3(dtype="int32") if ranks[1] == 3 else T.matrix(dtype="int32")
    where = line() + 1
    f = mlc.function([a, b], T.batched_dot(a, b))
    for batch, n, k, m in ((0, 2, 2, 2), (1, 1, 1, 1), (3, 2, 4, 3), (2, 0, 3, 2)):
        x = rand((batch, k), "float32") if ranks[0] == 2 else rand((batch, n, k), "float32")
        y = rand((batch, k), "int32") if ranks[1] == 2 else rand((batch, k, m), "int32")
        want = np.array([np.dot(p.astype("float64"), q) for p, q in zip(x, y)]).reshape(
            (batch,) + x.shape[1:-1] + y.shape[2:])
        same(f(x, y), want, 1e-12)
    with pytest.raises(ValueError) as e:
        f(rand((2, 3) if ranks[0] == 2 else (2, 1, 3), "float32"),
          rand((3, 3) if ranks[1] == 2 else (3, 3, 1), "int32"))
    check_error(e, where, "mt.batched_dot", "batch sizes differ")

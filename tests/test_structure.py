"""Shape and structure ops through `mlc.function`, against NumPy: symbolic
reshape, flatten, squeeze, expand_dims, concatenate/join/stack, split, repeat, tile,
alloc/zeros/ones/_like/fill, arange, eye/identity_like, diag, specify_shape.

Each test compiles a few functions with dynamic shapes and calls them on many random
shapes (size-0 and size-1 dims included), dtypes and layouts. Run-time errors must be
ValueErrors naming the mt op and this file's line. (Reductions, scans, sorting and
products are in test_reduce_sort_linalg.py.)
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import mlc
import mlc.tensor as T

RNG = np.random.default_rng(2024)
HERE = "test_structure.py"


def line() -> int:
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno  # type: ignore[union-attr]


def rand(shape, dtype="float64") -> np.ndarray:
    if dtype == "bool":
        return RNG.random(shape) < 0.5
    if dtype.startswith("int"):
        return RNG.integers(-50, 50, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def shapes(rank: int, n: int = 6, high: int = 4):
    """n random shapes of a rank, the first with a zero-size dim, the second all ones."""
    out = [tuple(RNG.integers(0, high, rank)) for _ in range(n)]
    if rank:
        out[0] = (0,) + out[0][1:]
        out[1] = (1,) * rank
    return out


def same(got: np.ndarray, want: np.ndarray) -> None:
    want = np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_array_equal(got, want)


def raises_at(error: type, where: int, *fragments: str):
    """pytest.raises matching the op name fragments and `test_structure.py:<where>`."""
    class Check:
        def __enter__(self):
            self.ctx = pytest.raises(error)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            out = self.ctx.__exit__(*exc)
            msg = str(self.info.value)
            for f in fragments + (f"{HERE}:{where}",):
                assert f in msg, f"{f!r} not in {msg!r}"
            return out
    return Check()

# ------------------------------------------------------------------ reshape, flatten


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_reshape_with_symbolic_sizes(dtype):
    x = T.tensor3(dtype=dtype)
    known = [x.reshape((x.shape[0] * x.shape[1], x.shape[2])), T.reshape(x, x.shape),
             x.reshape((x.shape[2], x.shape[1], x.shape[0]))]
    inferred = [x.reshape((x.shape[0], -1)), x.reshape((-1, x.shape[2]))]
    assert [o.ndim for o in known + inferred] == [2, 3, 3, 2, 2]
    f, g = mlc.function([x], known), mlc.function([x], inferred)
    for s in shapes(3, 8):
        a = rand(s, dtype)
        got = f(a[::-1])
        same(got[0], a[::-1].reshape(s[0] * s[1], s[2]))
        same(got[1], a[::-1])
        same(got[2], a[::-1].reshape(s[2], s[1], s[0]))
        if s[0] and s[2]:
            got = g(a)
            same(got[0], a.reshape(s[0], -1))
            same(got[1], a.reshape(-1, s[2]))
        else:  # NumPy cannot infer -1 next to a zero size either
            with pytest.raises(ValueError, match="mt.dyn_reshape"):
                g(a)


def test_reshape_minus_one_at_run_time_and_errors():
    x = T.dvector()
    n, m = T.lscalar(), T.iscalar()
    where = line() + 1
    f = mlc.function([x, n, m], x.reshape((n, m)))
    a = np.arange(12.0)
    for nv, mv in ((3, 4), (-1, 6), (4, -1), (12, 1)):
        same(f(a, nv, mv), a.reshape(nv, mv))
    same(f(np.zeros(0), 0, 5), np.zeros((0, 5)))
    for nv, mv, msg in ((5, 2, "cannot reshape an array of size 12"), (-1, -1, "one unknown"),
                        (-2, -6, "negative"), (0, -1, "cannot reshape")):
        with raises_at(ValueError, where, "mt.dyn_reshape", msg):
            f(a, nv, mv)


def test_reshape_keeps_static_sizes_and_broadcast_flags():
    x = T.dmatrix()
    assert x.reshape((x.shape[0], 1)).broadcastable == (False, True)
    assert x.reshape((1, x.shape[0] * x.shape[1])).type.dims == (1, -1)
    y = T.TensorType("float64", shape=(None, 3))()
    assert y.reshape((y.shape[1], y.shape[0])).type.dims == (3, -1)


def test_flatten_and_ravel():
    x = T.tensor4(dtype="int16")
    f = mlc.function([x], [x.flatten(), T.flatten(x, 2), T.flatten(x, outdim=3), x.ravel(),
                           T.flatten(x, 4)])
    for s in shapes(4):
        a = rand(s, "int16")[:, ::-1]
        got = f(a)
        same(got[0], a.reshape(-1))
        same(got[1], a.reshape(s[0], -1) if s[0] else np.zeros((0, int(np.prod(s[1:]))), "int16"))
        same(got[2], a.reshape(s[0], s[1], s[2] * s[3]))
        same(got[3], a.ravel())
        same(got[4], a)
    c = T.TensorType("float32", shape=(None, 2, 3))()
    assert T.flatten(c, 2).type.dims == (-1, 6)
    with pytest.raises(ValueError, match="flatten"):
        T.flatten(c, 4)

# --------------------------------------------------------- squeeze, expand_dims, pads


def test_squeeze_expand_dims_and_pads():
    r = T.TensorType("float64", shape=(1, None, 1))()
    assert T.squeeze(r).ndim == 1 and r.squeeze(0).type.dims == (-1, 1)
    assert T.expand_dims(T.dvector(), (0, 2)).broadcastable == (True, False, True)
    assert T.shape_padleft(T.dvector(), 2).broadcastable == (True, True, False)
    assert T.shape_padright(T.dvector()).broadcastable == (False, True)
    assert T.shape_padaxis(T.dmatrix(), -1).broadcastable == (False, False, True)
    x = T.dtensor3()
    where = line() + 1
    f = mlc.function([x, r], [x.squeeze(axis=1), T.squeeze(r), T.expand_dims(x, -1)])
    for n in (0, 1, 3):
        a, b = rand((n, 1, 2)), rand((1, n, 1))
        got = f(a, b)
        same(got[0], a.squeeze(1))
        same(got[1], b.squeeze((0, 2)))
        same(got[2], a[..., None])
    with raises_at(ValueError, where, "mt.specify_shape", "size 2 along axis 1"):
        f(rand((2, 2, 2)), rand((1, 2, 1)))
    with pytest.raises(ValueError, match="squeeze"):
        T.squeeze(T.TensorType("float64", shape=(2, None))(), 0)


def test_specify_shape():
    x = T.dmatrix()
    n = T.lscalar()
    where = line() + 1
    y = T.specify_shape(x, (n, 3))
    assert y.type.dims == (-1, 3)
    f = mlc.function([x, n], y * 2)
    same(f(np.ones((2, 3)), 2), np.full((2, 3), 2.0))
    with raises_at(ValueError, where, "mt.specify_shape", "size 4 along axis 1"):
        f(np.ones((2, 4)), 2)
    with raises_at(ValueError, where, "mt.specify_shape", "axis 0"):
        f(np.ones((2, 3)), 5)

# ---------------------------------------------------------- concatenate, stack, split


def test_concatenate_join_and_stack():
    a, b, c = T.fmatrix(), T.imatrix(), T.TensorType("float32", shape=(None, 1))()
    where = line() + 1
    outs = [T.concatenate([a, b], axis=0), T.join(1, a, c, a), T.concatenate([a, b, a], axis=-1),
            T.stack([a, a]), T.stack([c, c], axis=2), T.stack(a, a, axis=-1)]
    assert outs[0].dtype == "float64" and outs[1].dtype == "float32"
    assert outs[4].type.dims == (-1, 1, 2) and T.stack([a, c], axis=2).type.dims == (-1, 1, 2)
    f = mlc.function([a, b, c], outs)
    for n, m in ((0, 1), (1, 1), (3, 2), (2, 0)):
        x, y, z = rand((n, m), "float32"), rand((n, m), "int32"), rand((n, 1), "float32")
        got = f(x, y, z)
        same(got[0], np.concatenate([x, y], axis=0))
        same(got[1], np.concatenate([x, z, x], axis=1))
        same(got[2], np.concatenate([x, y, x], axis=-1))
        same(got[3], np.stack([x, x]))
        same(got[4], np.stack([z, z], axis=2))
        same(got[5], np.stack([x, x], axis=-1))
    with raises_at(ValueError, where, "mt.join", "size 3 along axis 0"):
        f(rand((2, 1), "float32"), rand((2, 1), "int32"), rand((3, 1), "float32"))
    with pytest.raises(TypeError, match="join"):
        T.concatenate([T.dmatrix(), T.dvector()])
    with pytest.raises(ValueError, match="zero-dimensional"):
        T.concatenate([T.dscalar(), T.dscalar()])


def test_stack_of_scalars_makes_a_vector():
    s, t = T.dscalar(), T.dscalar()
    f = mlc.function([s, t], [T.stack([s, t, 1.5]), T.stack(s, t)])
    got = f(2.0, 3.0)
    same(got[0], np.array([2.0, 3.0, 1.5]))
    same(got[1], np.array([2.0, 3.0]))


def test_split():
    x = T.dmatrix()
    sizes = T.lvector()
    where = line() + 1
    parts = T.split(x, sizes, 3, axis=1)
    fixed = T.split(x, [1, 0, 2], 3)
    mixed = T.split(x, [1, x.shape[0] - 1], 2)
    f = mlc.function([x, sizes], parts + fixed + mixed)
    a = rand((3, 5))
    got = f(a, np.array([2, 0, 3]))
    for g, w in zip(got[:3], np.split(a, [2, 2], axis=1)):
        same(g, w)
    for g, w in zip(got[3:6], np.split(a, [1, 1], axis=0)):
        same(g, w)
    for g, w in zip(got[6:], np.split(a, [1], axis=0)):
        same(g, w)
    with raises_at(ValueError, where, "mt.split", "sum to 4, but the axis has size 5"):
        f(a, np.array([2, 1, 1]))
    with raises_at(ValueError, where, "mt.split", "non-negative"):
        f(a, np.array([6, -1, 0]))
    with raises_at(ValueError, where, "mt.split", "expected 3 split sizes, got 2"):
        f(a, np.array([2, 3]))
    with pytest.raises(ValueError, match="split"):
        T.split(x, [1, 2], 3)

# ------------------------------------------------------------------ repeat and tile


def test_repeat_with_scalar_and_vector_counts():
    x = T.itensor3()
    r = T.lscalar()
    reps = T.lvector()
    where = line() + 1
    outs = [T.repeat(x, 2, axis=1), x.repeat(r, axis=-1), T.repeat(x, r), T.repeat(x, reps, axis=0),
            T.repeat(x, [3], axis=2)]
    f = mlc.function([x, r, reps], outs)
    for s in shapes(3):
        a = rand(s, "int32")
        for rv in (0, 1, 3):
            counts = RNG.integers(0, 3, s[0])
            got = f(a, rv, counts)
            same(got[0], np.repeat(a, 2, axis=1))
            same(got[1], np.repeat(a, rv, axis=-1))
            same(got[2], np.repeat(a, rv))
            same(got[3], np.repeat(a, counts, axis=0))
            same(got[4], np.repeat(a, 3, axis=2))
    a = rand((2, 2, 2), "int32")
    with raises_at(ValueError, where, "mt.alloc", "negative dimensions"):
        f(a, -1, np.array([1, 1]))
    with raises_at(ValueError, where, "mt.repeat", "negative repeat count -2"):
        f(a, 1, np.array([1, -2]))
    with raises_at(ValueError, where, "mt.repeat", "3 repeats for 2 elements"):
        f(a, 1, np.array([1, 1, 1]))


def test_tile():
    x = T.fmatrix()
    n = T.lscalar()
    f = mlc.function([x, n], [T.tile(x, (2, 3)), T.tile(x, (n, 1)), T.tile(x, (2, 1, n)),
                              T.tile(x, [2])])
    for s in shapes(2):
        a = rand(s, "float32")
        for nv in (0, 2):
            got = f(a, nv)
            same(got[0], np.tile(a, (2, 3)))
            same(got[1], np.tile(a, (nv, 1)))
            same(got[2], np.tile(a, (2, 1, nv)))
            same(got[3], np.tile(a, 2))

# ------------------------------------------------------------ alloc, zeros, fill


def test_alloc_zeros_ones_and_likes():
    x = T.TensorType("float32", shape=(None, 1, None))()
    n = T.iscalar()
    v = T.dvector()
    where = line() + 1
    outs = [T.alloc(v, n, v.shape[0]), T.zeros((n, 2)), T.ones(x.shape, dtype="int8"),
            T.zeros_like(x), T.ones_like(x, dtype="bool"), T.alloc(np.float32(7), *x.shape),
            T.zeros((x.shape[0] * 2, n + 1)), T.ones(3, dtype="int64")]
    assert outs[2].broadcastable == (False, True, False)
    assert outs[7].type.dims == (3,)
    f = mlc.function([x, n, v], outs)
    for s in shapes(3):
        s = (s[0], 1, s[2])
        a, nv, w = rand(s, "float32"), int(RNG.integers(0, 3)), rand((int(RNG.integers(0, 3)),))
        got = f(a, nv, w)
        same(got[0], np.broadcast_to(w, (nv, len(w))))
        same(got[1], np.zeros((nv, 2)))
        same(got[2], np.ones(s, "int8"))
        same(got[3], np.zeros_like(a))
        same(got[4], np.ones(s, bool))
        same(got[5], np.full(s, 7, np.float32))
        same(got[6], np.zeros((2 * s[0], nv + 1)))
        same(got[7], np.ones(3, np.int64))
    with raises_at(ValueError, where, "mt.alloc", "negative dimensions are not allowed (got -2)"):
        f(rand((1, 1, 1), "float32"), -2, np.zeros(1))
    with pytest.raises(ValueError, match="negative"):
        T.zeros((2, -1))
    with pytest.raises(TypeError, match="shape entries"):
        T.zeros((2, T.dscalar()))


def test_alloc_too_big_and_value_mismatch():
    n = T.lscalar()
    v = T.dvector()
    where = line() + 1
    f = mlc.function([n, v], T.alloc(v, n, n, 3))
    with raises_at(ValueError, where, "mt.alloc", "too big"):
        f(2**31, np.zeros(3))
    with raises_at(ValueError, where, "mt.alloc", "size 2 along axis 2 where the result has size 3"):
        f(1, np.zeros(2))
    same(f(2, np.arange(3.0)), np.broadcast_to(np.arange(3.0), (2, 2, 3)))


def test_fill():
    x, c = T.fmatrix(), T.TensorType("float64", shape=(None, 1))()
    f = mlc.function([x, c], [T.fill(x, 2), T.fill(x, c), T.fill(c, x), T.fill(x, 1.5)])
    a, b = rand((3, 4), "float32"), rand((3, 1))
    got = f(a, b)
    same(got[0], np.full((3, 4), 2, np.float32))
    same(got[1], np.broadcast_to(b, (3, 4)))
    same(got[2], np.broadcast_to(a, (3, 4)))
    same(got[3], np.full((3, 4), 1.5, np.float32))

# ------------------------------------------------------------------- arange and eye


def test_arange_integers_against_numpy():
    a, b, s = T.lscalar(), T.lscalar(), T.lscalar()
    i = T.bscalar()
    f = mlc.function([a, b, s, i], [T.arange(a, b, s), T.arange(b), T.arange(i, 5, dtype="int8"),
                                    T.arange(3, 9, 2)])
    where = line() + 1
    g = mlc.function([a, b, s], T.arange(a, b, s))
    assert T.arange(3).dtype == "int64" and T.arange(i).dtype == "int64"
    for _ in range(40):
        av, bv = (int(v) for v in RNG.integers(-20, 20, 2))
        sv = int(RNG.choice([-3, -2, -1, 1, 2, 5]))
        iv = int(RNG.integers(-3, 7))
        got = f(av, bv, sv, iv)
        same(got[0], np.arange(av, bv, sv))
        same(got[1], np.arange(bv))
        same(got[2], np.arange(iv, 5, dtype=np.int8))
        same(got[3], np.arange(3, 9, 2))
    big = 2**62
    same(g(-big, big, big), np.arange(-big, big, big))
    same(g(big, -big, -big), np.arange(big, -big, -big))
    with raises_at(ValueError, where, "mt.arange", "step cannot be zero"):
        g(0, 3, 0)
    with raises_at(ValueError, where, "mt.arange", "maximum allowed size"):
        g(-big, big, 1)
    with pytest.raises(ValueError, match="step cannot be zero"):
        T.arange(0, 4, 0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_arange_floats_match_numpy_bit_for_bit(dtype):
    a, b, s = (T.scalar(dtype=dtype) for _ in range(3))
    where = line() + 1
    f = mlc.function([a, b, s], T.arange(a, b, s))
    for _ in range(40):
        av, bv = RNG.uniform(-5, 5, 2).astype(dtype)
        sv = RNG.choice([-1, 1]) * RNG.uniform(0.05, 2.0)
        args = [np.asarray(v, dtype) for v in (av, bv, sv)]
        same(f(*args), np.arange(args[0][()], args[1][()], args[2][()], dtype=dtype))
    for bad in (np.nan, np.inf):
        with raises_at(ValueError, where, "mt.arange", "cannot compute the length"):
            f(np.asarray(0, dtype), np.asarray(bad, dtype), np.asarray(1, dtype))


def test_eye_and_identity_like():
    n, m = T.lscalar(), T.iscalar()
    x = T.imatrix()
    where = line() + 1
    outs = [T.eye(n), T.eye(n, m, k=1, dtype="int32"), T.eye(3, n, -2), T.identity_like(x),
            T.eye(2, dtype="bool")]
    assert outs[4].type.dims == (2, 2) and outs[2].type.dims == (3, -1)
    f = mlc.function([n, m, x], outs)
    for nv, mv in ((0, 0), (1, 3), (4, 2), (3, 3)):
        a = rand((mv, nv), "int32")
        got = f(nv, mv, a)
        same(got[0], np.eye(nv))
        same(got[1], np.eye(nv, mv, 1, dtype=np.int32))
        same(got[2], np.eye(3, nv, -2))
        same(got[3], np.eye(mv, nv, dtype=np.int32))
        same(got[4], np.eye(2, dtype=bool))
    with raises_at(ValueError, where, "mt.eye", "negative"):
        f(-1, 2, a)


def test_diag():
    v, x = T.dvector(), T.fmatrix()
    f = mlc.function([v, x], [T.diag(v), T.diag(v, 2), T.diag(v, -1), T.diag(x), T.diag(x, 1),
                              T.diag(x, -2), T.diag(x, 7)])
    for n, (r, c) in ((0, (0, 0)), (1, (1, 1)), (3, (2, 4)), (4, (5, 3))):
        w, a = rand((n,)), rand((c, r), "float32").T
        got = f(w, a)
        for g, k in zip(got[:3], (0, 2, -1)):
            same(g, np.diag(w, k))
        for g, k in zip(got[3:], (0, 1, -2, 7)):
            same(g, np.diag(a, k))
    with pytest.raises(ValueError, match="diag"):
        T.diag(T.dtensor3())
    assert T.diag(T.TensorType("float64", shape=(2, 5))(), 1).type.dims == (2,)


def test_shape_arithmetic_needs_no_shape_buffer():
    """Sizes read as x.shape[i] come straight from the descriptor: the lowered code
    has no mt.shape buffer and no load of it."""
    x = T.dmatrix()
    f = mlc.function([x], T.zeros((x.shape[0] * 2, x.shape[1])))
    loop_ir = f.ir("loop")
    assert "memref.alloc" not in loop_ir and "memref.load" not in loop_ir
    same(f(np.ones((2, 3))), np.zeros((4, 3)))

"""`mlc.tensor.random.RandomStream` end to end: reproducibility (same seed, same numbers,
also in another process), the implicit update of the state, statistics of every
distribution, and the errors a user can cause.

Statistical tests draw 1e5 samples from fixed seeds, so they are deterministic; their
bounds are about 5 standard errors, so a correct sampler passes with a wide margin and a
wrong mean, variance or bias fails by far more.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.tensor.random import RandomStream, RandomStreams

N = 100_000


def _moments(x, mean, var, k=5.0):
    x = np.asarray(x, np.float64)
    se_mean = np.sqrt(var / x.size)
    assert abs(x.mean() - mean) < k * se_mean + 1e-12, (x.mean(), mean)
    fourth = 3 * var**2  # a normal's fourth central moment bounds the others used here
    assert abs(x.var() - var) < k * np.sqrt(max(fourth, var**2) * 2 / x.size) + 1e-12, (x.var(), var)


def _chi_square(counts, probs):
    counts, probs = np.asarray(counts, np.float64), np.asarray(probs, np.float64)
    expected = counts.sum() * probs
    stat = ((counts - expected) ** 2 / expected).sum()
    df = len(counts) - 1
    assert stat < df + 6 * np.sqrt(2 * df), (stat, df)


def test_theano_tutorial_random_numbers():
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = mlc.function([], rv_u)
    g = mlc.function([], rv_n, no_default_updates=True)
    nearly_zeros = mlc.function([], rv_u + rv_u - 2 * rv_u)
    f0, f1 = f(), f()
    assert not np.array_equal(f0, f1)  # each call draws new numbers
    np.testing.assert_array_equal(g(), g())  # no update: the same numbers
    np.testing.assert_array_equal(nearly_zeros(), np.zeros((2, 2)))  # one value per call
    srng.seed(234)
    np.testing.assert_array_equal(f(), f0)


def test_same_seed_same_numbers_and_streams_differ():
    a, b = RandomStream(7), RandomStream(7)
    fa = mlc.function([], [a.uniform((5,)), a.uniform((5,))])
    fb = mlc.function([], [b.uniform((5,)), b.uniform((5,))])
    ua, va = fa()
    ub, vb = fb()
    np.testing.assert_array_equal(ua, ub)
    np.testing.assert_array_equal(va, vb)
    assert not np.any(ua == va)  # two variables of one stream are independent
    c = RandomStream(8)
    assert not np.any(mlc.function([], c.uniform((5,)))() == ua)


def test_state_counts_draws_and_functions_share_it():
    srng = RandomStream(3)
    u = srng.uniform((2, 3))
    state = u.owner.inputs[0]
    np.testing.assert_array_equal(state.get_value(), [3, 0, 0])
    f, g = mlc.function([], u), mlc.function([], u * 1.0)
    first = f()
    np.testing.assert_array_equal(state.get_value(), [3, 6, 0])
    second = g()
    np.testing.assert_array_equal(state.get_value(), [3, 12, 0])
    srng.seed(3)
    np.testing.assert_array_equal(f(), first)
    np.testing.assert_array_equal(f(), second)


def test_explicit_updates_and_no_default_updates_list():
    srng = RandomStream(11)
    u, n = srng.uniform((3,)), srng.normal((3,))
    su, sn = u.owner.inputs[0], n.owner.inputs[0]
    f = mlc.function([], [u, n], updates=[(su, su)], no_default_updates=[sn])
    a, b = f()
    c, d = f()
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)
    assert su.get_value()[1] == 0 and sn.get_value()[1] == 0
    assert len(srng.updates()) == 2 and srng.updates()[0][0] is su


def test_symbolic_size_and_broadcast_parameters():
    srng = RandomStream(5)
    x = T.dmatrix("x")
    low = T.dvector("low")
    u = srng.uniform(x.shape, low=low, high=low + 1.0)
    f = mlc.function([x, low], u)
    lo = np.array([0.0, 10.0, -5.0])
    out = f(np.zeros((4, 3)), lo)
    assert out.shape == (4, 3) and np.all((out >= lo) & (out < lo + 1))
    assert f(np.zeros((0, 3)), lo).shape == (0, 3)
    with pytest.raises(ValueError, match=r"mt.random_uniform \(.*test_random.py:\d+\).*size 2 along axis 1"):
        f(np.zeros((2, 3)), lo[:2])
    n = T.lscalar("n")
    g = mlc.function([n], srng.normal(size=(n, 2), avg=[1.0, -1.0]))
    assert g(5).shape == (5, 2) and g(0).shape == (0, 2)
    none = mlc.function([low], srng.normal(avg=low, std=0.0))  # size None: low's shape
    np.testing.assert_array_equal(none(lo), lo)
    assert srng.uniform(size=(2, 3)).ndim == 2 and srng.uniform().ndim == 0
    assert srng.uniform(size=np.array([2, 3])).type.dims == (2, 3)
    assert srng.uniform(size=T.constant(np.array([4]))).type.dims == (4,)


def test_reproducible_in_another_process(tmp_path):
    code = ("import json, mlc\nfrom mlc.tensor.random import RandomStream\n"
            "s = RandomStream(2024)\n"
            "f = mlc.function([], [s.uniform((4,)), s.normal((3,)), s.randint(0, 10**12, (3,)),"
            " s.binomial((3,), 50, 0.4), s.permutation(6), s.choice(9, 4, replace=False)])\n"
            "print(json.dumps([[v.tolist() for v in f()] for _ in range(2)]))\n")
    env = dict(os.environ, MLC_FLAGS=f"compiledir={tmp_path}")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    child = json.loads(run.stdout)
    s = RandomStream(2024)
    f = mlc.function([], [s.uniform((4,)), s.normal((3,)), s.randint(0, 10**12, (3,)),
                          s.binomial((3,), 50, 0.4), s.permutation(6), s.choice(9, 4, replace=False)])
    mine = [[v.tolist() for v in f()] for _ in range(2)]
    assert mine == child


def test_pickled_function_continues_the_stream():
    srng = RandomStream(9)
    f = mlc.function([], srng.uniform((3,)))
    f()
    blob = pickle.dumps(f)
    expected = f()
    np.testing.assert_array_equal(pickle.loads(blob)(), expected)


def test_uniform_statistics_and_float32_range(floatx):
    srng = RandomStream(1)
    u64 = mlc.function([], srng.uniform((N,), low=-1.0, high=3.0))()
    _moments(u64, 1.0, 16 / 12)
    assert u64.dtype == np.float64 and u64.min() >= -1.0 and u64.max() < 3.0
    floatx("float32")
    u32 = mlc.function([], srng.uniform((N,)))()
    assert u32.dtype == np.float32 and u32.min() >= 0 and u32.max() < 1
    _chi_square(np.histogram(u32, bins=20, range=(0, 1))[0], np.full(20, 0.05))


def test_normal_statistics():
    srng = RandomStream(2)
    z = mlc.function([], srng.normal((N,), avg=2.0, std=3.0, dtype="float32"))()
    assert z.dtype == np.float32
    _moments(z, 2.0, 9.0)
    probs = np.diff([0.0, 0.02275, 0.15866, 0.5, 0.84134, 0.97725, 1.0])  # -2, -1, 0, 1, 2 sigma
    _chi_square(np.histogram((z - 2) / 3, bins=[-np.inf, -2, -1, 0, 1, 2, np.inf])[0], probs)


@pytest.mark.parametrize("n, p", [(1, 0.3), (7, 0.9), (40, 0.2), (1000, 0.45), (10**7, 0.7)])
def test_binomial_statistics(n, p):
    srng = RandomStream(4)
    x = mlc.function([], srng.binomial((N,), n=n, p=p))()
    assert x.dtype == np.int64 and x.min() >= 0 and x.max() <= n
    _moments(x, n * p, n * p * (1 - p))


def test_binomial_exact_distribution_small_n():
    from math import comb
    srng = RandomStream(6)
    x = mlc.function([], srng.binomial((N,), n=12, p=0.35))()
    _chi_square(np.bincount(x, minlength=13), [comb(12, k) * 0.35**k * 0.65**(12 - k) for k in range(13)])


def test_binomial_edges_and_float_dtype():
    srng = RandomStream(6)
    n, p = T.lvector("n"), T.dvector("p")
    f = mlc.function([n, p], srng.binomial(n=n, p=p, dtype="float32"))
    out = f(np.array([0, 5, 5, 10**9]), np.array([0.5, 0.0, 1.0, 0.5]))
    assert out.dtype == np.float32 and list(out[:3]) == [0, 0, 5]
    assert abs(out[3] - 5e8) < 6 * np.sqrt(2.5e8)


def test_randint_is_uniform_and_unbiased_for_huge_ranges():
    srng = RandomStream(8)
    x = mlc.function([], srng.randint(-3, 7, size=(N,)))()
    assert x.min() == -3 and x.max() == 6
    _chi_square(np.bincount(x + 3), np.full(10, 0.1))
    # range 3 * 2**62: multiply-shift without rejection would give residue 0 mod 3 half the time
    lo = -(3 * 2**61)
    y = mlc.function([], srng.randint(lo, 3 * 2**61, size=(30_000,)))()
    residues = [(int(v) - lo) % 3 for v in y]
    _chi_square(np.bincount(residues, minlength=3), np.full(3, 1 / 3))


def test_random_integers_is_inclusive_and_integers_endpoint():
    srng = RandomStream(10)
    x = mlc.function([], srng.random_integers((2000,), 1, 3, dtype="int8"))()
    assert x.dtype == np.int8 and set(x.tolist()) == {1, 2, 3}
    y = mlc.function([], srng.integers(4, size=(2000,), endpoint=True))()
    assert set(y.tolist()) == {0, 1, 2, 3, 4}


def test_choice_statistics():
    srng = RandomStream(12)
    p = [0.1, 0.0, 0.6, 0.3]
    x = mlc.function([], srng.choice(4, size=(N,), p=p))()
    _chi_square(np.bincount(x, minlength=4)[[0, 2, 3]], [0.1, 0.6, 0.3])
    assert not np.any(x == 1)
    pairs = mlc.function([], srng.choice(5, size=(N // 2, 2), replace=True))()
    _chi_square(np.bincount(pairs[:, 0] * 5 + pairs[:, 1]), np.full(25, 1 / 25))


def test_choice_without_replacement():
    srng = RandomStream(13)
    a = T.dmatrix("a")
    f = mlc.function([a], srng.choice(a, size=(2, 2), replace=False))
    rows = np.arange(12.0).reshape(6, 2)
    out = f(rows)
    assert out.shape == (2, 2, 2)
    picked = {tuple(r) for r in out.reshape(4, 2)}
    assert len(picked) == 4 and picked <= {tuple(r) for r in rows}
    firsts = np.array([f(rows)[0, 0, 0] for _ in range(600)])
    _chi_square(np.bincount(firsts.astype(int) // 2, minlength=6), np.full(6, 1 / 6))
    g = mlc.function([], srng.choice(4, size=3, replace=False, p=[0.5, 0.25, 0.25, 0.0]))
    draws = np.array([g() for _ in range(400)])
    assert all(len(set(d)) == 3 and 3 not in d for d in draws.tolist())


def test_permutation_is_uniform():
    srng = RandomStream(14)
    perms = mlc.function([], srng.permutation(4, size=(24_000,)))()
    index = {p: i for i, p in enumerate(itertools.permutations(range(4)))}
    counts = np.bincount([index[tuple(p)] for p in perms.tolist()], minlength=24)
    _chi_square(counts, np.full(24, 1 / 24))
    x = T.dvector("x")
    shuffled = mlc.function([x], srng.permutation(x))(np.arange(7.0))
    assert sorted(shuffled.tolist()) == list(range(7))


@pytest.mark.parametrize("build, args, match", [
    (lambda s, v: s.normal((3,), std=v), [np.array([1.0, -1.0, 1.0])], "std must not be negative"),
    (lambda s, v: s.randint(v, 3, size=(2,)), [np.array([1, 3])], "low must be less than high"),
    (lambda s, v: s.binomial((2,), n=3, p=v), [np.array([0.5, 1.5])], r"p must be in \[0, 1\]"),
    (lambda s, v: s.binomial((2,), n=v, p=0.5), [np.array([-1, 2])], "n must not be negative"),
    (lambda s, v: s.choice(v, size=(3,), replace=False), [np.array(2)], "sample of 3 from a population of 2"),
    (lambda s, v: s.choice(v, size=(1,)), [np.array(0)], "population must not be empty"),
    (lambda s, v: s.choice(3, size=(2,), p=v), [np.array([0.5, 0.6, 0.0])], "do not sum to 1"),
    (lambda s, v: s.choice(3, size=(2,), p=v), [np.array([0.5, 0.6, -0.1])], "must not be negative or NaN"),
    (lambda s, v: s.choice(3, size=(2,), p=v), [np.array([0.5, 0.5])], "a and p must have the same size"),
    (lambda s, v: s.choice(3, size=(2,), p=v, replace=False), [np.array([1.0, 0.0, 0.0])],
     "only 1 probabilities are non-zero"),
    (lambda s, v: s.permutation(v), [np.array(-2)], "negative dimensions"),
])
def test_bad_parameters_raise_at_call_naming_the_op_and_line(build, args, match):
    srng = RandomStream(0)
    v = T.as_tensor_variable(args[0]).type()
    f = mlc.function([v], build(srng, v))
    before = [s.get_value() for s, _ in srng.updates()]
    with pytest.raises(ValueError, match=match) as info:
        f(*args)
    assert "mt.random_" in str(info.value) and "test_random.py:" in str(info.value)
    assert before and all(np.array_equal(s.get_value(), b) for (s, _), b in zip(srng.updates(), before))


def test_constant_bad_parameters_raise_at_call():
    srng = RandomStream(0)
    f = mlc.function([], srng.randint(5, 2, size=(3,)))
    with pytest.raises(ValueError, match="low must be less than high"):
        f()


def test_tampered_state_raises():
    srng = RandomStream(0)
    u = srng.uniform((2,))
    f = mlc.function([], u)
    u.owner.inputs[0].set_value(np.zeros(4, np.int64))
    with pytest.raises(ValueError, match="random state must have 3 entries, got 4"):
        f()


@pytest.mark.parametrize("call, error, match", [
    (lambda s: s.uniform((2.5,)), TypeError, "tuple of non-negative ints"),
    (lambda s: s.uniform((-1, 2)), ValueError, "negative dimensions"),
    (lambda s: s.uniform((2,), low=np.zeros(3)), TypeError, "does not broadcast"),
    (lambda s: s.uniform((2,), low=np.zeros((2, 2))), ValueError, "rank 2 does not fit"),
    (lambda s: s.uniform((2,), ndim=2), ValueError, "ndim=2"),
    (lambda s: s.uniform(T.lvector()), TypeError, "needs a static length"),
    (lambda s: s.normal(avg=np.zeros(3), std=np.ones(4)), ValueError, "do not broadcast"),
    (lambda s: s.randint(0.5, 2.0), TypeError, "randint: low must be an integer"),
    (lambda s: s.randint(np.float32(0.5), 2), TypeError, "low must be an integer"),
    (lambda s: s.uniform(dtype="int32"), TypeError, "dtype int32 is not one of"),
])
def test_build_errors(call, error, match):
    with pytest.raises(error, match=match) as info:
        call(RandomStream(0))
    assert "test_random.py" in str(info.value)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2**64, ValueError), (1.5, TypeError),
                                         ("1", TypeError)])
def test_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        RandomStream(seed)


def test_seed_none_and_large_seeds():
    a, b = RandomStream(), RandomStream(2**64 - 1)
    assert 0 <= a.default_instance_seed < 2**64
    u = b.uniform((2,))
    assert u.owner.inputs[0].get_value()[0] == -1
    assert T.random.RandomStream is RandomStream

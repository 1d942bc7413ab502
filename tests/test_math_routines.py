"""mlc's own exp, expm1, log, log1p and tanh (passes/emit/math.py), and the rule behind them:
an element's result depends only on its value, never on its position in the array, the
array's length, or whether it went through a loop's vector body or its scalar tail.

Accuracy is measured in ulps against Python's `math` module (glibc's libm, correctly
rounded or within an ulp), over random inputs in several ranges and at the edges.
"""

from __future__ import annotations

import math
import os
import subprocess

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.passes.emit.math import ROUTINES_PRELUDE
from mlc.runtime.compile import DEFAULT_FLAGS

RNG = np.random.default_rng(20261202)


def _unary_suite(v):
    """Every elementwise function a user may call, each on a value in its domain."""
    pos = abs(v) + 0.5
    unit = T.tanh(v) * 0.9
    return [T.exp(v), T.log(pos), T.log1p(pos), T.expm1(v), T.tanh(v), T.nnet.sigmoid(v),
            T.nnet.softplus(v), T.sin(v), T.cos(v), T.tan(unit), T.arcsin(unit), T.arccos(unit),
            T.arctan(v), T.sinh(v), T.cosh(v), T.arcsinh(v), T.arccosh(pos + 1), T.arctanh(unit),
            T.exp2(v), T.log2(pos), T.log10(pos), T.erf(v), T.erfc(v), T.sqrt(pos), v ** 1.7,
            pos ** v, T.arctan2(v, pos), T.sgn(v), abs(v), T.erfinv(unit), T.gammaln(pos),
            T.psi(pos)]


@pytest.fixture(scope="module", params=["float64", "float32"])
def suite(request):
    v = T.vector("v", dtype=request.param)
    return request.param, mlc.function([v], _unary_suite(v))


@pytest.mark.parametrize("value", [3.0, -0.7, 1e-3, 12.5])
def test_equal_inputs_give_equal_outputs_at_every_position_and_length(suite, value):
    dtype, f = suite
    want = [np.asarray(r)[0] for r in f(np.full(1, value, dtype))]
    for n in range(1, 65):
        for k, got in enumerate(f(np.full(n, value, dtype))):
            assert (got.view(np.uint8) == np.full(n, want[k]).astype(got.dtype).view(np.uint8)).all(), (
                f"output {k} at length {n}: {np.unique(got)} (length 1 gives {want[k]!r})")


def test_a_prefix_gives_the_prefix_of_the_result(suite):
    dtype, f = suite
    x = RNG.uniform(-4, 4, 64).astype(dtype)
    full = f(x)
    for n in (1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63):
        for k, (part, whole) in enumerate(zip(f(x[:n]), full)):
            np.testing.assert_array_equal(part, whole[:n], err_msg=f"output {k}, prefix {n}")
        for k, (part, whole) in enumerate(zip(f(x[n:]), full)):  # an unaligned start
            np.testing.assert_array_equal(part, whole[n:], err_msg=f"output {k}, suffix from {n}")


def _ulps(got: np.ndarray, want: np.ndarray) -> float:
    finite = np.isfinite(want) & (want != 0)
    return float(np.max(np.abs(got[finite] - want[finite]) / np.spacing(np.abs(want[finite]))))


def _libm(fn, x: np.ndarray) -> np.ndarray:
    def one(v):
        try:
            return fn(v)
        except OverflowError:
            return math.inf
        except ValueError:
            return math.nan
    return np.array([one(float(v)) for v in x])


ROUTINES = {  # name: (mlc, libm, ranges, max ulp in float64)
    "exp": (T.exp, math.exp, [(-745.5, 709.7), (-1, 1), (-1e-9, 1e-9), (-745.2, -708)], 1),
    "log": (T.log, math.log, [(0, 10), (1e-320, 1e-300), (0.7, 1.5), (1e300, 1.7e308)], 1),
    "log1p": (T.log1p, math.log1p, [(-1, 1), (-1e-9, 1e-9), (1, 1e12)], 2),
    "expm1": (T.expm1, math.expm1, [(-50, 50), (-1e-6, 1e-6), (-0.4, 0.4), (600, 709.7)], 2),
    "tanh": (T.tanh, math.tanh, [(-25, 25), (-1e-6, 1e-6), (-1, 1)], 4),
}


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_routine_accuracy_float64(name):
    op, ref, ranges, bound = ROUTINES[name]
    v = T.dvector("v")
    f = mlc.function([v], op(v))
    for lo, hi in ranges:
        x = RNG.uniform(lo, hi, 20000)
        assert _ulps(f(x), _libm(ref, x)) <= bound, (name, lo, hi)


F32_RANGES = {"exp": [(-103, 88), (-1, 1)], "log": [(0, 10), (1e-44, 1e-36), (1e30, 3e38)],
              "log1p": [(-1, 1), (-1e-6, 1e-6)], "expm1": [(-20, 88), (-1e-4, 1e-4)],
              "tanh": [(-10, 10), (-1e-3, 1e-3)]}


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_routine_float32_rounds_once(name):
    op, ref, ranges, _ = ROUTINES[name]
    v = T.fvector("v")
    f = mlc.function([v], op(v))
    for lo, hi in F32_RANGES[name]:
        x = RNG.uniform(lo, hi, 20000).astype(np.float32)
        want = _libm(ref, x.astype(np.float64)).astype(np.float32)
        assert _ulps(f(x).astype(np.float64), want.astype(np.float64)) <= 1, (name, lo, hi)


EDGES = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 710.0, -746.0, 709.78,
                  -745.13, 1e-320, 5e-324, -1e-320, 1e308, 20.0, -20.0, 0.5, -0.5, 1e-17])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,want", [("exp", np.exp), ("log", np.log), ("log1p", np.log1p),
                                       ("expm1", np.expm1), ("tanh", np.tanh)])
def test_routine_edges(name, want, dtype):
    v = T.vector("v", dtype=dtype)
    f = mlc.function([v], ROUTINES[name][0](v))
    x = EDGES.astype(dtype)
    got = f(x)
    with np.errstate(all="ignore"):
        ref = want(x)
    np.testing.assert_allclose(got, ref, rtol=4 * np.finfo(dtype).eps, atol=0, equal_nan=True)
    exact = (ref == 0) | np.isinf(ref)  # zeros and infinities, signs included
    assert (np.signbit(got[exact]) == np.signbit(ref[exact])).all()
    assert (got[exact] == ref[exact]).all()


def test_sgn_of_negative_zero_is_positive_zero():
    x = T.dvector("x")
    f = mlc.function([x], [T.sgn(x), 1 / T.sgn(x)])
    s, inv = f(np.array([-0.0, 0.0, -2.0, np.nan]))
    assert not np.signbit(s[:2]).any() and s[2] == -1 and np.isnan(s[3])
    assert inv[0] == np.inf and inv[1] == np.inf
    folded = mlc.function([], T.sgn(T.constant(np.array([-0.0]))))()
    assert not np.signbit(folded).any()  # the constant folder agrees
    np.testing.assert_array_equal(mlc.function([x], T.sgn(x))(np.array([-0.0])), np.sign(-0.0))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "bool"])
def test_argsort_is_stable_at_every_length(dtype):
    x = T.vector("x", dtype=dtype)
    f = mlc.function([x], [T.argsort(x), T.argsort(x[::-1])])
    for n in list(range(65)) + [127, 128, 129, 1000, 4097]:
        a = RNG.integers(0, 3, n).astype(dtype)
        if dtype.startswith("float"):
            a[RNG.random(n) < 0.2] = np.nan
            a[RNG.random(n) < 0.2] = -0.0
        got, got_reversed = f(a)
        np.testing.assert_array_equal(got, np.argsort(a, kind="stable"), err_msg=f"length {n}")
        np.testing.assert_array_equal(got_reversed, np.argsort(a[::-1], kind="stable"))


def test_routines_vectorize(tmp_path):
    """The routines are straight-line code: gcc vectorizes loops that call them (which is
    why they replace libm here), in float64 and float32."""
    names = ["exp", "expm1", "log", "log1p", "tanh"]
    loops = "".join(f"void v_{n}_{t}(const {c} *x, {c} *y, long n) "
                    f"{{ for (long i = 0; i < n; ++i) y[i] = mlc_{n}{s}(x[i]); }}\n"
                    for n in names for t, c, s in (("d", "double", ""), ("f", "float", "_f")))
    src = tmp_path / "routines.c"
    src.write_text("#include <stdint.h>\n#include <string.h>\n#include <math.h>\n"
                   + ROUTINES_PRELUDE + loops)
    out = subprocess.run(["gcc", *DEFAULT_FLAGS, "-ffp-contract=off", "-std=c11", "-c",
                          "-fopt-info-vec-optimized", str(src), "-o", os.devnull],
                         capture_output=True, text=True, check=True)
    vectorized = {line.split(":")[1] for line in out.stderr.splitlines() if "loop vectorized" in line}
    assert len(vectorized) == 2 * len(names), out.stderr

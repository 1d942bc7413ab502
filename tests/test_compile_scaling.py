"""Compile time is linear in graph size: a 2,000-op elementwise chain and a sum of 2,000
scalars compile in seconds and give NumPy's values, and the passes (translation, every
pass, the C emitter; not gcc) take less than 3x the CPU time at 2n ops as at n, for
shapes that once hit quadratic code (a fused body copied at every step, producers far
from their consumers)."""

from __future__ import annotations

import time
from functools import reduce

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.compile import cache, fgraph, io

STEPS = 2000


def test_a_2000_op_chain_compiles_in_seconds():
    x = T.dvector("x")
    y = x
    for _ in range(STEPS):
        y = T.sin(y) * 1.0001 + 0.5
    start = time.perf_counter()
    f = mlc.function([x], y)
    elapsed = time.perf_counter() - start
    a = np.linspace(-3, 3, 37)
    want = a.copy()
    for _ in range(STEPS):
        want = np.sin(want) * 1.0001 + 0.5
    np.testing.assert_allclose(f(a), want, rtol=1e-12)
    assert f.ir("loop").count("loop.elemwise") == 1
    assert elapsed < 20, f"a {3 * STEPS}-op chain took {elapsed:.1f} s to compile"


def test_a_sum_of_2000_scalars_compiles_in_seconds():
    xs = [T.dscalar(f"x{i}") for i in range(STEPS)]
    start = time.perf_counter()
    f = mlc.function(xs, reduce(lambda p, q: p + q, xs))
    elapsed = time.perf_counter() - start
    v = np.random.default_rng(3).standard_normal(STEPS)
    assert f(*v) == reduce(lambda p, q: p + q, v)  # the same order of additions
    assert elapsed < 20, f"a sum of {STEPS} scalars took {elapsed:.1f} s to compile"


def _shape(kind: str, n: int):
    x = T.dvector("x")
    if kind == "chain":
        y = x
        for _ in range(n):
            y = T.sin(y) * 1.0001 + 0.5
        return [x], y
    if kind == "far_producers":  # n producers first, their consumers in reverse order
        hs = [T.exp(x + float(i)) for i in range(n)]
        return [x], reduce(lambda p, q: p + q, reversed(hs))
    raise ValueError(kind)


def _pass_cpu_seconds(kind: str, n: int) -> float:
    """Process CPU time of translation, passes and C emission (best of 3: robust to a
    loaded machine, which only ever adds time)."""
    ins, out = _shape(kind, n)
    fg = fgraph.build(ins, io.unpack_outputs(out))
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        cache.run_pipeline(fg, "FAST_RUN")
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("kind", ["chain", "far_producers"])
def test_pass_time_grows_linearly(kind):
    n = 300
    small, large = _pass_cpu_seconds(kind, n), _pass_cpu_seconds(kind, 2 * n)
    assert large < 3 * small, f"{kind}: {small:.2f} s at n={n}, {large:.2f} s at 2n"

"""Differential fuzz test: random mlc.tensor programs, compiled by mlc.function, against NumPy.

The programs come from tests/fuzz_programs.py (elementwise math, integer `//` and `%`,
casts, comparisons, switch, broadcasting, reductions, dot, indexing and slicing, reshape,
transpose, dimshuffle, concatenate, cumsum, sort/argsort, softmax over float32, float64,
int32, int64 and bool). Several programs share one compiled function to keep gcc runs few.
Every run is seeded: a failure prints the seed and the program, and
`python tests/test_fuzz.py --seed S` replays one.

In CI a few hundred programs run; `pytest tests/test_fuzz.py --long N` (or
`python tests/test_fuzz.py --long N`) runs N more. Two properties are checked on top:
an elementwise function gives the same result for `x[:k]` as the first k entries of its
result for `x`, and a row-wise function (reductions over the last axis, softmax) agrees
across batch sizes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fuzz_programs as fp  # noqa: E402

import mlc  # noqa: E402
import mlc.tensor as T  # noqa: E402

PER_FUNCTION = 4      # programs compiled together into one mlc.function
CI_FUNCTIONS = 75     # 300 programs in CI
# (rtol, atol relative to the largest reference magnitude) of values that went through
# an inexact step; exactly rounded results must still match within these.
TOLERANCE = {"float32": (2e-4, 2e-5), "float64": (1e-9, 1e-11)}


def mismatch(got: np.ndarray, want: np.ndarray, precision: str) -> str | None:
    """Why `got` is not `want` (dtype, shape, NaN positions, values within the tolerance
    of `precision`), or None."""
    got = np.asarray(got)
    if got.dtype != want.dtype:
        return f"dtype {got.dtype}, want {want.dtype}"
    if got.shape != want.shape:
        return f"shape {got.shape}, want {want.shape}"
    if fp.kind(want.dtype) != "float":
        bad = got != want
    else:
        if not np.array_equal(np.isnan(got), np.isnan(want)):
            return "NaN positions differ"
        rtol, atol = TOLERANCE[precision]
        scale = max(1.0, float(np.abs(np.nan_to_num(want)).max(initial=0)))
        with np.errstate(invalid="ignore"):
            bad = ~np.isclose(got, want, rtol=rtol, atol=atol * scale, equal_nan=True)
    if np.any(bad):
        i = tuple(int(x) for x in np.argwhere(bad)[0]) if want.ndim else ()
        return f"{int(np.sum(bad))} values differ, first at {i}: got {got[i]!r}, want {want[i]!r}"
    return None


def check_batch(seeds: list[int]) -> list[str]:
    """Compile the programs of `seeds` into one function; the reports of those that differ."""
    progs = [fp.Generator(s).generate() for s in seeds]
    inputs, outputs = [], []
    for prog in progs:
        i, o = fp.build(prog)
        inputs += i
        outputs += o
    args = [prog.values[k].ref for prog in progs for k in prog.inputs()]
    try:
        f = mlc.function(inputs, outputs, on_unused_input="ignore")
        got = iter(f(*args))
    except Exception as e:  # a program mlc refuses is a finding too: name the seeds
        return [f"seeds {seeds}: {type(e).__name__}: {e}\n" + "\n\n".join(p.text() for p in progs)]
    reports = []
    for prog in progs:
        for k in prog.outputs:
            v = prog.values[k]
            why = mismatch(next(got), v.ref, v.tolerance_dtype())
            if why:
                reports.append(f"v{k}: {why}\n{prog.text()}")
    return reports


def run_many(first_seed: int, n_functions: int) -> list[str]:
    reports: list[str] = []
    for j in range(n_functions):
        start = first_seed + j * PER_FUNCTION
        reports += check_batch(list(range(start, start + PER_FUNCTION)))
    return reports


@pytest.mark.parametrize("block", range(5))
def test_random_programs_match_numpy(block):
    n = CI_FUNCTIONS // 5
    reports = run_many(block * n * PER_FUNCTION, n)
    assert not reports, "\n\n".join(reports)


EXACT_ELEMENTWISE = ("sqrt_abs", "abs", "neg", "sgn", "sqr")
TRANSCENDENTAL = ("exp", "log_abs1", "sin", "tanh", "sigmoid")
OP_SETS = [pytest.param(EXACT_ELEMENTWISE, id="exact"),
           pytest.param(EXACT_ELEMENTWISE + TRANSCENDENTAL, id="transcendental")]


def elementwise_chain(rng: np.random.Generator, x: T.Variable, ops: tuple[str, ...]) -> tuple:
    """A random chain of elementwise steps on `x` (and on `x` again as a second operand)."""
    y, names = x, []
    for _ in range(int(rng.integers(2, 6))):
        name = str(rng.choice(ops + ("add", "mul", "maximum")))
        y = fp.OPS[name].sym([y, x], {})
        names.append(name)
    return y, names


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", fp.FLOATS)
@pytest.mark.parametrize("ops", OP_SETS)
def test_results_do_not_depend_on_position(seed, dtype, ops):
    rng = np.random.default_rng(seed)
    x = T.vector(dtype=dtype)
    y, names = elementwise_chain(rng, x, ops)
    f = mlc.function([x], y)
    data = (rng.standard_normal(64) * 2).astype(dtype)
    full = f(data)
    for k in range(1, 65):
        np.testing.assert_array_equal(f(data[:k]), full[:k], err_msg=f"seed={seed} {names} k={k}")
    same = f(np.full(64, data[0]))
    assert np.all(same == same[0]), f"seed={seed} {names}: equal inputs, outputs {np.unique(same)}"


def rowwise_program(rng: np.random.Generator, x: T.Variable, ops: tuple[str, ...]) -> tuple:
    """Row-independent steps on a matrix: elementwise chains, reductions over the last axis,
    softmax, broadcasting of the row results back."""
    y, names = elementwise_chain(rng, x, ops)
    reduce = str(rng.choice(["sum", "max", "min", "mean"]))
    r = getattr(T, reduce)(y, axis=-1, keepdims=True)
    out = T.nnet.softmax(y - r) if rng.random() < 0.5 else y * r
    return [out, T.sum(out, axis=1)], names + [reduce]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", fp.FLOATS)
def test_batch_sizes_agree(seed, dtype):
    """Rows keep their length, so the vector/tail split of a row is the same at every batch
    size and the transcendental functions are included."""
    ops = EXACT_ELEMENTWISE + TRANSCENDENTAL
    rng = np.random.default_rng(100 + seed)
    x = T.matrix(dtype=dtype)
    outs, names = rowwise_program(rng, x, ops)
    f = mlc.function([x], outs)
    data = (rng.standard_normal((33, int(rng.integers(1, 20)))) * 2).astype(dtype)
    full = f(data)
    for k in (1, 2, 3, 7, 8, 16, 17, 32):
        for got, want in zip(f(data[:k]), full):
            np.testing.assert_array_equal(got, want[:k], err_msg=f"seed={seed} {names} k={k}")


def test_long_run(request):
    n = request.config.getoption("--long")
    if not n:
        pytest.skip("pass --long N to run N more random programs")
    reports = run_many(10**6, (n + PER_FUNCTION - 1) // PER_FUNCTION)
    assert not reports, f"{len(reports)} mismatches:\n\n" + "\n\n".join(reports[:20])


def main() -> None:
    """`python tests/test_fuzz.py --long N` runs N programs; `--seed S` prints and checks one."""
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--long", type=int, default=PER_FUNCTION * CI_FUNCTIONS, metavar="N")
    ap.add_argument("--first-seed", type=int, default=10**6)
    ap.add_argument("--seed", type=int, default=None)
    opts = ap.parse_args()
    if opts.seed is not None:
        print(fp.Generator(opts.seed).generate().text())
        print("\n\n".join(check_batch([opts.seed])) or "matches NumPy")
        return
    t0, reports = time.time(), []
    for j in range(0, opts.long, PER_FUNCTION):
        reports += check_batch(list(range(opts.first_seed + j, opts.first_seed + j + PER_FUNCTION)))
    print("\n\n".join(reports))
    n = (opts.long + PER_FUNCTION - 1) // PER_FUNCTION * PER_FUNCTION
    print(f"{n} programs, {len(reports)} mismatches, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()

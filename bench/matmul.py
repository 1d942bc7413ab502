"""Matrix products through BLAS: `dot` at 200x200 and 1000x1000 float64, and one MLP layer
forward `tanh(x @ W + b)` (784 -> 500, batch 60, float64).

    python bench/matmul.py [--repeat N] [--no-blas]

Prints the median time per call in milliseconds for NumPy, mlc and, when installed,
PyTensor's C backend (`Mode(linker="cvm", optimizer="fast_run")`), all from one run.
`--no-blas` compiles the mlc functions without the `insert-blas` pass (the naive loop
kernels), for before/after figures. OpenBLAS keeps its default thread count.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from typing import Callable

import numpy as np

CASES = ("dot 200x200", "dot 1000x1000", "MLP layer 784->500, batch 60")


def per_call_ms(fn: Callable, args: tuple, repeat: int) -> float:
    """Median over `repeat` rounds of the mean time of enough calls to last ~0.1 s."""
    fn(*args)
    t0 = time.perf_counter()
    fn(*args)
    number = max(1, int(0.1 / max(time.perf_counter() - t0, 1e-6)))
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn(*args)
        rounds.append((time.perf_counter() - t0) / number * 1e3)
    return statistics.median(rounds)


def inputs() -> dict[str, tuple]:
    rng = np.random.default_rng(0)
    return {
        CASES[0]: (rng.standard_normal((200, 200)), rng.standard_normal((200, 200))),
        CASES[1]: (rng.standard_normal((1000, 1000)), rng.standard_normal((1000, 1000))),
        CASES[2]: (rng.standard_normal((60, 784)), rng.standard_normal((784, 500)) * 0.05,
                   rng.standard_normal(500)),
    }


def graphs(T) -> dict[str, tuple]:
    """(inputs, output) of each case, built with a Theano-style `tensor` module T."""
    a, b = T.matrix("a"), T.matrix("b")
    x, w, bias = T.matrix("x"), T.matrix("W"), T.vector("b")
    mm = ([a, b], T.dot(a, b))
    return {CASES[0]: mm, CASES[1]: mm, CASES[2]: ([x, w, bias], T.tanh(T.dot(x, w) + bias))}


def numpy_row(data: dict, repeat: int) -> dict[str, float]:
    fns = {CASES[0]: np.dot, CASES[1]: np.dot, CASES[2]: lambda x, w, b: np.tanh(x @ w + b)}
    return {c: per_call_ms(fns[c], data[c], repeat) for c in CASES}


def mlc_row(data: dict, repeat: int, blas: bool) -> dict[str, float]:
    import mlc
    import mlc.tensor as T
    from mlc.config import config
    from mlc.passes import pipelines

    if not blas:  # a fresh cache: the disk cache key does not see a changed pipeline
        pipelines.TO_LOOP = tuple(p for p in pipelines.TO_LOOP if p != "insert-blas")
        config.compiledir = tempfile.mkdtemp(prefix="mlc-noblas-")
    row = {}
    for case, (ins, out) in graphs(T).items():
        f = mlc.function(ins, out)
        assert ("blas.gemm" in f.ir("loop")) == blas
        np.testing.assert_allclose(f(*data[case]), _numpy(case, data[case]), rtol=1e-9, atol=1e-9)
        f.trust_input = True
        row[case] = per_call_ms(f, data[case], repeat)
    return row


def _numpy(case: str, args: tuple) -> np.ndarray:
    return np.tanh(args[0] @ args[1] + args[2]) if case == CASES[2] else args[0] @ args[1]


def pytensor_row(data: dict, repeat: int) -> dict[str, float] | None:
    try:
        import pytensor
        import pytensor.tensor as pt
        from pytensor.compile.mode import Mode
    except ImportError:
        return None
    mode = Mode(linker="cvm", optimizer="fast_run")
    row = {}
    for case, (ins, out) in graphs(pt).items():
        f = pytensor.function(ins, out, mode=mode)
        f.trust_input = True
        row[case] = per_call_ms(f, data[case], repeat)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-blas", action="store_true", help="mlc without insert-blas")
    args = parser.parse_args()
    data = inputs()
    rows = {"numpy": numpy_row(data, args.repeat),
            "mlc" + (" (no BLAS)" if args.no_blas else ""): mlc_row(data, args.repeat, not args.no_blas)}
    pt_row = pytensor_row(data, args.repeat)
    if pt_row is not None:
        rows["PyTensor C backend"] = pt_row
    print("| ms per call | " + " | ".join(CASES) + " |")
    print("|---" * (len(CASES) + 1) + "|")
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in CASES) + " |")


if __name__ == "__main__":
    main()

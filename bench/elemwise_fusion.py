"""Elementwise fusion (DESIGN.md performance table): `exp(-x**2)*sin(x) +
log1p(abs(x))*0.5 - tanh(x)` on float64 vectors.

    python bench/elemwise_fusion.py [--sizes 1000000 10000000] [--repeat N]

Prints the median time per call in milliseconds, all from one run: mlc with the
`fuse-elemwise` pass (the default lowering: one kernel) and without it (one kernel per
op), NumPy, PyTensor's C backend when installed, and one `np.copyto` of the array (the
memory-bandwidth floor of a single pass).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import numpy as np


def expression(lib, x):
    return lib.exp(-x ** 2) * lib.sin(x) + lib.log1p(abs(x)) * 0.5 - lib.tanh(x)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def mlc_functions() -> dict[str, Callable]:
    import mlc
    import mlc.tensor as T
    from mlc.passes import pipelines

    x = T.dvector("x")
    fused = mlc.function([x], expression(T, x))
    lowering = pipelines.TO_LOOP
    pipelines.TO_LOOP = tuple(p for p in lowering if p != "fuse-elemwise")
    try:
        unfused = mlc.function([x], expression(T, x) + 0.0)  # another graph: no cache hit
    finally:
        pipelines.TO_LOOP = lowering
    assert fused.ir("loop").count("loop.elemwise") == 1
    return {"mlc (fuse-elemwise)": fused, "mlc, one kernel per op": unfused}


def pytensor_function() -> Callable | None:
    try:
        import pytensor
        import pytensor.tensor as pt
        from pytensor.compile.mode import Mode
    except ImportError:
        return None
    x = pt.dvector("x")
    f = pytensor.function([x], expression(pt, x), mode=Mode(linker="cvm", optimizer="fast_run"))
    f.trust_input = True
    return f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    fns: dict[str, Callable] = mlc_functions()
    pt_f = pytensor_function()
    if pt_f is not None:
        fns["PyTensor C backend (cvm, fast_run)"] = pt_f
    rows: dict[str, list[float]] = {name: [] for name in ["numpy", *fns, "np.copyto (floor)"]}
    for n in args.sizes:
        a = np.random.default_rng(0).standard_normal(n)
        want = expression(np, a)
        for name, f in fns.items():
            np.testing.assert_allclose(f(a), want, rtol=1e-12, atol=1e-15)
            rows[name].append(median_ms(lambda f=f: f(a), args.repeat))
        rows["numpy"].append(median_ms(lambda: expression(np, a), args.repeat))
        dst = np.empty_like(a)
        rows["np.copyto (floor)"].append(median_ms(lambda: np.copyto(dst, a), args.repeat))
    print("| ms per call | " + " | ".join(f"n = {n:,}" for n in args.sizes) + " |")
    print("|---|" + "---|" * len(args.sizes))
    for name, ms in rows.items():
        print(f"| {name} | " + " | ".join(f"{t:.2f}" for t in ms) + " |")


if __name__ == "__main__":
    main()

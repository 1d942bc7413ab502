"""Call overhead of `f(a, b) = a + b` (DESIGN.md performance table, first row).

    python bench/call_overhead.py [--repeat N]

Prints the median time per call in microseconds for float64 scalars and length-10
vectors, with default input checking and with `trust_input = True`, beside NumPy and,
when installed, PyTensor's C backend and `jax.jit`. All figures come from one run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import numpy as np


def per_call_us(fn: Callable, args: tuple, repeat: int, number: int = 20000) -> float:
    """Median over `repeat` rounds of the mean time of `number` calls."""
    fn(*args)
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn(*args)
        rounds.append((time.perf_counter() - t0) / number * 1e6)
    return statistics.median(rounds)


def _maybe(measure: Callable, fn: Callable, args: tuple, repeat: int) -> float:
    """NaN when a library rejects this kind of argument (e.g. floats with trust_input)."""
    try:
        return measure(fn, args, repeat)
    except Exception:  # noqa: BLE001 - any failure means "not applicable" in the table
        return float("nan")


def mlc_rows(inputs: dict, repeat: int) -> dict[str, dict[str, float]]:
    import mlc
    import mlc.tensor as T

    rows: dict[str, dict[str, float]] = {"mlc": {}, "mlc trust_input": {},
                                         "mlc In(b, value=...), both passed": {},
                                         "mlc In(b, value=...), b omitted": {}}
    for case, (make, args) in inputs.items():
        a, b = make(T), make(T)
        f = mlc.function([a, b], a + b)
        rows["mlc"][case] = per_call_us(f, args, repeat)
        f.trust_input = True
        rows["mlc trust_input"][case] = per_call_us(f, args, repeat)
        g = mlc.function([a, mlc.In(b, value=args[1])], a + b)
        rows["mlc In(b, value=...), both passed"][case] = per_call_us(g, args, repeat)
        rows["mlc In(b, value=...), b omitted"][case] = per_call_us(g, args[:1], repeat)
    return rows


def pytensor_rows(inputs: dict, repeat: int) -> dict[str, dict[str, float]]:
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return {}
    rows: dict[str, dict[str, float]] = {"pytensor (C)": {}, "pytensor (C) trust_input": {}}
    for case, (make, args) in inputs.items():
        a, b = make(pt), make(pt)
        mode = pytensor.compile.mode.Mode(linker="cvm", optimizer="fast_run")
        f = pytensor.function([a, b], a + b, mode=mode)
        rows["pytensor (C)"][case] = per_call_us(f, args, repeat)
        f.trust_input = True
        rows["pytensor (C) trust_input"][case] = _maybe(per_call_us, f, args, repeat)
    return rows


def jax_rows(inputs: dict, repeat: int) -> dict[str, dict[str, float]]:
    try:
        import jax
    except ImportError:
        return {}
    jax.config.update("jax_enable_x64", True)
    f = jax.jit(lambda a, b: a + b)
    row = {}
    for case, (_, args) in inputs.items():
        dev = tuple(jax.device_put(x) for x in args)
        row[case] = per_call_us(lambda *a: f(*a).block_until_ready(), dev, repeat, number=5000)
    return {"jax.jit": row}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    opts = parser.parse_args()
    s, v = np.array(1.5), np.random.rand(10)
    inputs = {
        "scalar (0-d arrays)": (lambda T: T.dscalar(), (s, s)),
        "scalar (Python floats)": (lambda T: T.dscalar(), (1.5, 2.5)),
        "vector[10]": (lambda T: T.dvector(), (v, v)),
    }
    rows = {"numpy (np.add)": {c: per_call_us(np.add, a, opts.repeat) for c, (_, a) in inputs.items()}}
    rows.update(mlc_rows(inputs, opts.repeat))
    rows.update(pytensor_rows(inputs, opts.repeat))
    rows.update(jax_rows(inputs, opts.repeat))
    cases = list(inputs)
    print(f"{'median us/call':36s}" + "".join(f"{c:>24s}" for c in cases))
    for name, row in rows.items():
        print(f"{name:36s}" + "".join(f"{row[c]:>24.3f}" for c in cases))


if __name__ == "__main__":
    main()

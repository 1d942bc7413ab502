"""MLP training throughput (DESIGN.md's second benchmark): examples per second of one SGD
step on a tanh MLP with softmax + negative log-likelihood.

    python bench/mlp.py [--sizes 784-500-10] [--batches 1,10,60] [--dtype float64] [--steps 200]

Prints one table: mlc beside PyTensor's C backend and jax.jit when they are installed.
Every framework trains the same network from the same initial weights on the same data.
"""

from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np


def init(sizes: list[int], dtype: str, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(dtype))
        params.append(np.zeros(n_out, dtype))
    return params


def mlc_step(sizes: list[int], dtype: str) -> Callable:
    import mlc
    import mlc.tensor as T

    x, y = T.matrix("x", dtype=dtype), T.lvector("y")
    shared = [mlc.shared(p) for p in init(sizes, dtype)]
    h = x
    for k in range(0, len(shared) - 2, 2):
        h = T.tanh(T.dot(h, shared[k]) + shared[k + 1])
    logits = T.dot(h, shared[-2]) + shared[-1]
    cost = -T.nnet.log_softmax(logits)[T.arange(y.shape[0]), y].mean()
    grads = mlc.grad(cost, shared)
    return mlc.function([x, y], cost, updates=[(p, p - 0.01 * g) for p, g in zip(shared, grads)])


def pytensor_step(sizes: list[int], dtype: str) -> Callable | None:
    try:
        import pytensor
        import pytensor.tensor as pt
    except ImportError:
        return None
    x, y = pt.matrix("x", dtype=dtype), pt.lvector("y")
    shared = [pytensor.shared(p) for p in init(sizes, dtype)]
    h = x
    for k in range(0, len(shared) - 2, 2):
        h = pt.tanh(pt.dot(h, shared[k]) + shared[k + 1])
    logits = pt.dot(h, shared[-2]) + shared[-1]
    cost = -pt.special.log_softmax(logits, axis=-1)[pt.arange(y.shape[0]), y].mean()
    grads = pytensor.grad(cost, shared)
    mode = pytensor.compile.mode.Mode(linker="cvm", optimizer="fast_run")
    return pytensor.function([x, y], cost, updates=[(p, p - 0.01 * g) for p, g in zip(shared, grads)],
                             mode=mode)


def jax_step(sizes: list[int], dtype: str) -> Callable | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    params = [jnp.asarray(p) for p in init(sizes, dtype)]

    def loss(ps, x, y):
        h = x
        for k in range(0, len(ps) - 2, 2):
            h = jnp.tanh(h @ ps[k] + ps[k + 1])
        logits = h @ ps[-2] + ps[-1]
        return -jax.nn.log_softmax(logits)[jnp.arange(y.shape[0]), y].mean()

    @jax.jit
    def step(ps, x, y):
        c, g = jax.value_and_grad(loss)(ps, x, y)
        return c, [p - 0.01 * gp for p, gp in zip(ps, g)]

    state = {"ps": params}

    def run(x, y):
        c, state["ps"] = step(state["ps"], x, y)
        return c.block_until_ready()
    return run


def examples_per_second(step: Callable, batch: int, n_in: int, n_out: int, dtype: str,
                        steps: int) -> float:
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((steps, batch, n_in)).astype(dtype)
    ys = rng.integers(0, n_out, (steps, batch))
    step(xs[0], ys[0])  # compile / warm up
    t0 = time.perf_counter()
    for i in range(steps):
        step(xs[i], ys[i])
    return steps * batch / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="784-500-10")
    parser.add_argument("--batches", default="1,10,60")
    parser.add_argument("--dtype", default="float64")
    parser.add_argument("--steps", type=int, default=200)
    opts = parser.parse_args()
    sizes = [int(s) for s in opts.sizes.split("-")]
    batches = [int(b) for b in opts.batches.split(",")]
    makers = {"mlc": mlc_step, "pytensor (C)": pytensor_step, "jax.jit": jax_step}
    print(f"MLP {opts.sizes} {opts.dtype}, SGD step, examples/s")
    print(f"{'':16s}" + "".join(f"{'batch ' + str(b):>14s}" for b in batches))
    for name, make in makers.items():
        step = make(sizes, opts.dtype)
        if step is None:
            continue
        row = [examples_per_second(step, b, sizes[0], sizes[-1], opts.dtype, opts.steps) for b in batches]
        print(f"{name:16s}" + "".join(f"{v:>14.0f}" for v in row))


if __name__ == "__main__":
    main()

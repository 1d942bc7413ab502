"""Shared fixtures of the test suite.

`ref_eval` runs a frontend graph through its `mt` translation with the NumPy reference
of every op (runtime/reference/), so frontend semantics (broadcasting, keepdims,
slicing, weak scalars) are checked without the C backend. `floatx` sets
`mlc.config.floatX` for one test and restores it after. Every session compiles into a
fresh `mlc.config.compiledir`, so no test passes on a disk-cache entry left by an
earlier run of other code.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import pytest


def _interpret(module: Any, args: Sequence[np.ndarray]) -> list[np.ndarray]:
    from xdsl.dialects import func

    from mlc.runtime.reference import evaluate

    main = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    block = main.body.block
    env: dict[Any, np.ndarray] = dict(zip(block.args, args))
    for op in block.ops:
        operands = [env[v] for v in op.operands]
        if isinstance(op, func.ReturnOp):
            return operands
        env[op.results[0]] = evaluate(op, operands)  # type: ignore[arg-type]
    raise AssertionError("function without func.return")


@pytest.fixture(scope="session", autouse=True)
def fresh_compiledir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import mlc
    old = mlc.config.compiledir
    mlc.config.compiledir = str(tmp_path_factory.mktemp("compiledir"))
    yield
    mlc.config.compiledir = old


@pytest.fixture
def ref_eval() -> Callable[..., list[np.ndarray]]:
    """ref_eval(inputs, outputs, values, updates=None, givens=None) -> list of arrays
    (outputs then update values), computed by the NumPy reference of each mt op."""
    from mlc.compile.fgraph import build
    from mlc.compile.translate import to_module

    def run(inputs: list, outputs: Any, values: Sequence[Any], **kw: Any) -> list[np.ndarray]:
        fg = build(inputs, outputs, **kw)
        module = to_module(fg)
        module.verify()
        args = [np.asarray(v, dtype=x.dtype) for v, x in zip(values, fg.inputs)]
        args += [s.get_value(borrow=True) for s in fg.shared]
        return _interpret(module, args)
    return run


@pytest.fixture
def floatx() -> Any:
    """Yields a setter for mlc.config.floatX; the old value is restored afterwards."""
    import mlc
    old = mlc.config.floatX

    def set_floatx(value: str) -> None:
        mlc.config.floatX = value
    yield set_floatx
    mlc.config.floatX = old


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", type=int, default=0, metavar="N",
                     help="tests/test_fuzz.py: also run N more random programs against NumPy")

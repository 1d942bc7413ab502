"""`mlc.function`: from symbolic inputs/outputs to a callable compiled function.

    io.unpack_inputs/outputs (mlc.In, mlc.Out) -> fgraph.build (checks, givens, updates)
    -> hashing.graph_hash -> cache.artifact (translate -> passes -> C -> .so, or a cache
    hit) -> function_object.Function

The runtime (`mlc.runtime`) and the passes are imported only when a function is
compiled, so `import mlc` stays cheap.
"""

from __future__ import annotations

from typing import Any, Optional

from mlc.compile.fgraph import MissingInputError, UnusedInputError
from mlc.compile.io import In, Out
from mlc.config import config
from mlc.tensor.variable import Variable, set_evaluator


def function(inputs: Any, outputs: Any = None, updates: Any = None, givens: Any = None,
             mode: Optional[str] = None, on_unused_input: str = "raise",
             name: Optional[str] = None, no_default_updates: Any = False) -> Any:
    """Compile a function from `inputs` (symbolic variables or `mlc.In`) to `outputs`
    (a variable or `mlc.Out`: the call returns one array; a list: it returns a list).

    `updates` ({shared: new_value} or pairs) are written back after each successful call,
    all together; `givens` ({variable: replacement}) substitutes parts of the graph;
    `on_unused_input` is 'raise', 'warn' or 'ignore' for inputs no output depends on.
    Shared variables with a `default_update` (random states) are updated by it unless
    `updates` names them or `no_default_updates` is True or lists them."""
    from mlc.compile import cache, fgraph, hashing, io
    mode = config.mode if mode is None else mode  # compile_module rejects unknown modes
    variables, specs = io.unpack_inputs(inputs)
    fg = fgraph.build(variables, io.unpack_outputs(outputs), updates, givens, on_unused_input,
                      no_default_updates)
    key = hashing.graph_hash(fg)
    art = cache.artifact(fg, key, mode)
    from mlc.compile.function_object import Function
    return Function(art, fg, mode, name, specs)


def eval_variable(var: Any, inputs_to_values: Optional[dict] = None, **kwargs: Any) -> Any:
    """`var.eval({x: value, ...})`: compile `var` as a function of the dict's keys and
    call it with the values. Compiling an equal graph again is a hit of the in-memory
    cache, so repeated evaluation costs a graph hash, not the passes or gcc."""
    values = dict(inputs_to_values or {})
    for key in values:
        if not isinstance(key, Variable):
            raise TypeError(f"eval: the keys of inputs_to_values must be symbolic variables, "
                            f"got {key!r}")
    keys = list(values)
    return function(keys, var, **kwargs)(*[values[k] for k in keys])


set_evaluator(eval_variable)

__all__ = ["function", "eval_variable", "In", "Out", "MissingInputError", "UnusedInputError"]


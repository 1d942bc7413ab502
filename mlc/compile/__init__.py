"""`mlc.function`: from symbolic inputs/outputs to a callable compiled function.

    fgraph.build (checks, givens, updates) -> hashing.graph_hash -> cache.artifact
    (translate -> passes -> C -> .so, or a cache hit) -> function_object.Function

The runtime (`mlc.runtime`) and the passes are imported only when a function is
compiled, so `import mlc` stays cheap.
"""

from __future__ import annotations

from typing import Any, Optional

from mlc.compile.fgraph import MissingInputError, UnusedInputError
from mlc.config import config


def function(inputs: Any, outputs: Any = None, updates: Any = None, givens: Any = None,
             mode: Optional[str] = None, on_unused_input: str = "raise",
             name: Optional[str] = None) -> Any:
    """Compile a function from `inputs` (symbolic variables) to `outputs` (a variable:
    the call returns one array; a list: it returns a list).

    `updates` ({shared: new_value} or pairs) are written back after each successful call,
    all together; `givens` ({variable: replacement}) substitutes parts of the graph;
    `on_unused_input` is 'raise', 'warn' or 'ignore' for inputs no output depends on."""
    from mlc.compile import cache, fgraph, hashing
    mode = config.mode if mode is None else mode  # compile_module rejects unknown modes
    fg = fgraph.build(inputs, outputs, updates, givens, on_unused_input)
    key = hashing.graph_hash(fg)
    art = cache.artifact(fg, key, mode)
    from mlc.compile.function_object import Function
    return Function(art, fg, mode, name)


__all__ = ["function", "MissingInputError", "UnusedInputError"]

"""The compiled function object returned by `mlc.function`.

`Function` subclasses the pybind11 runtime's `_rt.Function`, so `f(*args)` goes straight
to C++: one native call that checks the arguments (calling back into `convert.py` only
for values that are not already arrays of the right type), runs the emitted C entry
point and writes updates to the shared containers. This class adds the metadata and
the debugging views (`f.ir(stage)`). It imports the runtime, so it is loaded lazily.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from mlc.compile.cache import Artifact, run_pipeline
from mlc.compile.convert import make_converter
from mlc.compile.fgraph import FunctionGraph
from mlc.runtime import _rt

def _type_num(dtype: str) -> int:
    return np.dtype(dtype).num


class Function(_rt.Function):
    """A compiled function: call it with one value per input."""

    def __init__(self, art: Artifact, fg: FunctionGraph, mode: str, name: Optional[str]) -> None:
        super().__init__(
            art.library,
            [(_type_num(v.dtype), v.type.dims, v.name) for v in fg.inputs],
            [(_type_num(v.dtype), v.type.dims, v.name, v.container) for v in fg.shared],
            [(_type_num(v.dtype), v.ndim) for v in fg.values],
            len(fg.outputs),
            [fg.shared[k].container for k in fg.updates],
            art.messages,
            make_converter(fg.inputs),
            fg.single,
        )
        self.name = name
        self.mode = mode
        self.inputs = list(fg.inputs)
        self.outputs = list(fg.outputs)
        self.updates = [(fg.shared[k], v) for k, v in zip(fg.updates, fg.update_values)]
        self._art = art
        self._fg = fg

    def ir(self, stage: str = "mt") -> str:
        """The IR text of this function at `stage` ('mt', 'loop', 'scf' or 'c')."""
        from mlc.passes.pipelines import STAGES
        if stage not in STAGES:
            raise ValueError(f"ir: unknown stage {stage!r}; stages are {', '.join(STAGES)}")
        if self._art.compiled is None:  # stages are kept only on demand: redo the passes
            self._art.compiled = run_pipeline(self._fg, self.mode, keep_stages=True)
        return self._art.compiled.stage(stage)

    def fn(self, n_calls: int = 1) -> Any:
        """Run an input-less function `n_calls` times in native code (Theano's `f.fn()`)."""
        if self.inputs:
            raise TypeError(f"fn(n_calls=...) runs only functions without explicit inputs; "
                            f"{self!r} takes {len(self.inputs)} input(s): call it with values")
        return self.run_n(n_calls)

    def __repr__(self) -> str:
        ins = ", ".join(map(repr, self.inputs))
        return f"<mlc.Function {self.name or 'main'}({ins})>"

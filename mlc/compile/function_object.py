"""The compiled function object returned by `mlc.function`.

`Function` subclasses the pybind11 runtime's `_rt.Function`, so `f(*args)` goes straight
to C++: one native call that checks the arguments (calling back into `convert.py` only
for values that are not already arrays of the right type), runs the emitted C entry
point and writes updates to the shared containers. Omitted arguments take their
`mlc.In(value=...)` defaults in C++ too (`_rt.Function.defaults`). This class adds the
metadata, the debugging views (`f.ir(stage)`), `f.copy()` and pickling (`rebuild.py`).
It imports the runtime, so it is loaded lazily.

The artifact's messages are templates shared by every equal graph; construction fills
in this function's own lines and input names (passes/emit/messages.py). When the
runtime finds that the artifact's library was compiled for another argument layout (a
damaged or foreign cache entry), the function is compiled again (`cache.replace`).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from mlc.compile import cache
from mlc.compile.cache import Artifact, run_pipeline
from mlc.compile.convert import make_converter
from mlc.compile.fgraph import FunctionGraph
from mlc.compile.hashing import graph_hash
from mlc.compile.io import InputSpec
from mlc.compile.sites import graph_sites
from mlc.passes.emit.messages import TemplateError, resolve
from mlc.runtime import _rt

def _type_num(dtype: str) -> int:
    return np.dtype(dtype).num


class Function(_rt.Function):
    """A compiled function: call it with one value per input (or by keyword)."""

    def __init__(self, art: Artifact, fg: FunctionGraph, mode: str, name: Optional[str],
                 specs: Optional[Sequence[InputSpec]] = None) -> None:
        specs = list(specs) if specs is not None else [InputSpec(v.name, None) for v in fg.inputs]
        sites = graph_sites(fg)
        try:
            self._init_native(art, fg, specs, sites)
        except (_rt.LayoutError, TemplateError) as e:
            art = cache.replace(art, fg, mode, str(e))
            self._init_native(art, fg, specs, sites)  # a second misfit raises
        if any(s.default is not None for s in specs):
            self.defaults = [s.default for s in specs]
        self.name = name
        self.mode = mode
        self.inputs = list(fg.inputs)
        self.outputs = list(fg.outputs)
        self.updates = [(fg.shared[k], v) for k, v in zip(fg.updates, fg.update_values)]
        self._art = art
        self._fg = fg
        self._specs = specs
        self._stages: dict[bool, Any] = {}  # debuginfo -> Compiled, once f.ir() ran

    def _init_native(self, art: Artifact, fg: FunctionGraph, specs: list[InputSpec],
                     sites: list) -> None:
        names = [s.name for s in specs]
        super().__init__(
            art.library,
            [(_type_num(v.dtype), v.type.dims, n) for v, n in zip(fg.inputs, names)],
            [(_type_num(v.dtype), v.type.dims, v.name, v.container) for v in fg.shared],
            [(_type_num(v.dtype), v.ndim) for v in fg.values],
            len(fg.outputs),
            [fg.shared[k].container for k in fg.updates],
            [(kind, resolve(text, sites)) for kind, text in art.messages],
            make_converter(fg.inputs, names),
            fg.single,
        )

    def ir(self, stage: str = "mt", debuginfo: bool = False) -> str:
        """The IR text of this function at `stage` ('mt', 'loop', 'scf' or 'c'); with
        `debuginfo`, every op and argument carries its source line as `loc(...)`, which
        `mlc-opt` parses back (and prints with `--print-debuginfo`)."""
        from mlc.passes.pipelines import STAGES
        if stage not in STAGES:
            raise ValueError(f"ir: unknown stage {stage!r}; stages are {', '.join(STAGES)}")
        compiled = self._stages.get(debuginfo)
        if compiled is None:  # stages are kept only on demand, with this graph's own lines
            compiled = self._stages[debuginfo] = run_pipeline(
                self._fg, self.mode, keep_stages=True, debuginfo=debuginfo)
        return compiled.stage(stage)

    def fn(self, n_calls: int = 1) -> Any:
        """Run the function `n_calls` times in native code (Theano's `f.fn()`); it must
        have no explicit inputs, or defaults (mlc.In(x, value=...)) for all of them.
        Returns the results of the last call."""
        if any(s.default is None for s in self._specs):
            raise TypeError(f"fn(n_calls=...) runs only functions without explicit inputs, or "
                            f"whose inputs all have default values; {self!r} takes "
                            f"{len(self.inputs)} input(s): call it with values")
        return self.run_n(n_calls)

    def copy(self, share_memory: bool = False, swap: Optional[dict] = None,
             delete_updates: bool = False, name: Optional[str] = None) -> "Function":
        """A new function object for the same graph (Theano's `Function.copy`).

        As in Theano, the copy reads and updates the same shared variables, except those
        that `swap` ({old shared: new shared}) replaces; `delete_updates` drops the
        updates. `share_memory` is accepted and changes nothing: mlc keeps no
        intermediate storage between calls that two functions could share."""
        from mlc.compile import rebuild
        fg, art = self._fg, self._art
        if swap or delete_updates:
            fg = rebuild.copy_graph(fg, swap, delete_updates)
            art = cache.artifact(fg, graph_hash(fg), self.mode)
        if name is None and self.name:
            name = f"{self.name} copy"
        out = Function(art, fg, self.mode, name, self._specs)
        out.trust_input = self.trust_input
        return out

    def __reduce__(self) -> tuple:
        """Pickled: the flat graph (shared variables with their values), the mode, the
        input options; unpickling compiles through the caches (see rebuild.py)."""
        from mlc.compile.rebuild import graph_state
        state = {"graph": graph_state(self._fg), "mode": self.mode, "name": self.name,
                 "specs": self._specs, "trust_input": self.trust_input}
        return (_unpickle, (state,))

    def __repr__(self) -> str:
        ins = ", ".join(map(repr, self.inputs))
        return f"<mlc.Function {self.name or 'main'}({ins})>"


def _unpickle(state: dict[str, Any]) -> Function:
    from mlc.compile.rebuild import graph_from_state
    fg = graph_from_state(state["graph"])
    art = cache.artifact(fg, graph_hash(fg), state["mode"])
    f = Function(art, fg, state["mode"], state["name"], state["specs"])
    f.trust_input = state["trust_input"]
    return f

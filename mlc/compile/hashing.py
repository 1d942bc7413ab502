"""Structural hash of a `FunctionGraph`, computed before any xDSL work.

Two graphs with the same hash translate to the same templated `mt` module
(`translate.to_module(fg, templated=True)`) and so compile to the same code: the hash
covers op class names, parameters, types, constant bytes, topology, input/output order,
shared-variable slots and the update targets. It leaves out variable names and source
locations: the compiled code's messages refer to them by site number, and each function
fills in its own (passes/emit/messages.py). So the same graph built on another line
(a re-run notebook cell, a loop) hits the caches. `mlc.function` keys its in-memory and
disk caches on it.
"""

from __future__ import annotations

from mlc.compile.fgraph import FunctionGraph
from mlc.tensor.graph import graph_key


def graph_hash(fg: FunctionGraph) -> str:
    """Hex digest identifying `fg` up to the identity of its shared values."""
    return graph_key(fg.inputs, fg.outputs, fg.nodes, fg.single, fg.shared,
                     fg.update_values, fg.updates)

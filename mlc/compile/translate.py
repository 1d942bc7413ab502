"""Translate a `FunctionGraph` into an `mt` module in one walk over its nodes.

    builtin.module {
      func.func @main(%inputs..., %shared...) -> (outputs..., update values...) { mt ops }
    }

Each frontend `Apply` becomes `op_class.build(operands, **params)` (the same `infer`
that typed the frontend node types the op) with `op.location` set to the user's line;
each `Constant` becomes one `mt.constant` (equal literals are emitted once). This is the
only place where the frontend creates xDSL IR; the pass pipeline takes it from here.

With `templated=True` (what `mlc.function` compiles and caches), no user line or name
reaches the module: block arguments and ops get *site* locations numbered in the walk of
`graph_sites`, and the messages of the compiled code name them by number
(passes/emit/messages.py). Each function then fills in its own graph's sites, so one
compiled artifact serves equal graphs built anywhere. A constant takes the site of the
first op that uses it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Optional

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region, SSAValue

from mlc.compile.fgraph import FunctionGraph
from mlc.dialects import mt
from mlc.passes.emit.messages import site_location
from mlc.srcloc import UNKNOWN
from mlc.compile.sites import Site, graph_sites, hint
from mlc.tensor.body import Body
from mlc.tensor.variable import Constant, Variable


def _name(value: SSAValue, name: Optional[str]) -> None:
    if hint(name):
        value.name_hint = name


class _Cursor:
    """Hands out site numbers in translation order, checking them against the walk."""

    def __init__(self, sites: list[Site]) -> None:
        self.sites, self.next = sites, 0

    def take(self, loc: Any) -> int:
        n = self.next
        if n >= len(self.sites) or self.sites[n][0] is not loc:
            raise AssertionError("translate: the site walk and the translation disagree")
        self.next += 1
        return n


_CURSOR: ContextVar[Optional[_Cursor]] = ContextVar("mlc_translate_sites", default=None)
"""Set during a templated translation, so that bodies built by op builders see it."""


class _Emitter:
    """Maps frontend variables to SSA values while appending ops to one block."""

    def __init__(self, block: Block, leaves: list[Variable]) -> None:
        self.block = block
        self.values: dict[Variable, SSAValue] = {}
        self.literals: dict[tuple, SSAValue] = {}
        self.cursor = _CURSOR.get()
        self.site: Optional[int] = None  # of the node being emitted (templated)
        for var, arg in zip(leaves, block.args):
            self.values[var] = arg
            if self.cursor is not None:
                arg.location = site_location(self.cursor.take(var.loc))
            else:
                arg.location = var.loc or UNKNOWN
                _name(arg, var.name)

    def value(self, var: Variable) -> SSAValue:
        found = self.values.get(var)
        if found is not None:
            return found
        if not isinstance(var, Constant):
            raise AssertionError(f"translate: {var!r} has no value (graph not in topological order)")
        key = (var.type, var.data.tobytes())
        found = self.literals.get(key)
        if found is None:
            op = mt.ConstantOp.from_array(var.data)
            if op.result.type != var.type.mt:
                raise TypeError(f"translate: mt.constant made {op.result.type} for a literal of "
                                f"type {var.type.mt} (a bug in ConstantOp.from_array)")
            op.location = self.constant_location(var)
            self.block.add_op(op)
            found = self.literals[key] = op.result
        self.values[var] = found
        return found

    def constant_location(self, var: Constant) -> Any:
        if self.cursor is None:
            return var.loc or UNKNOWN
        return site_location(self.site) if self.site is not None else UNKNOWN

    def emit(self, fg: FunctionGraph) -> None:
        self.emit_nodes(fg.nodes)

    def emit_nodes(self, nodes: list) -> None:
        for node in nodes:
            if self.cursor is not None:
                self.site = self.cursor.take(node.loc)
            operands = [self.value(v) for v in node.inputs]
            params = {k: _BodyBuilder(v) if isinstance(v, Body) else v
                      for k, v in node.params.items()}
            op = node.op.build(operands, **params)  # takes the sites of its bodies
            op.location = node.loc if self.cursor is None else site_location(self.site)
            self.block.add_op(op)
            for var, result in zip(node.outputs, op.results):
                self.values[var] = result
                if self.cursor is None:
                    _name(result, var.name)


class _BodyBuilder:
    """The region builder that region ops (`mt.map`, `mt.scan`) ask for: `result_types`
    (the yielded types) and `build(block)`, which translates the frontend `Body` graph
    into the body block and returns the yielded values."""

    def __init__(self, body: Body) -> None:
        self.body = body
        self.result_types = body.result_types

    def build(self, block: Block) -> list[SSAValue]:
        return translate_body(block, self.body.leaves, self.body.nodes, self.body.results)


def translate_body(block: Block, leaves: list[Variable], nodes: list, results: list[Variable]) -> list[SSAValue]:
    """Translate a body graph into `block`, whose arguments stand for `leaves`; return
    the values of `results`."""
    sub = _Emitter(block, leaves)
    sub.emit_nodes(nodes)
    return [sub.value(r) for r in results]


def to_module(fg: FunctionGraph, templated: bool = False) -> ModuleOp:
    """The `mt` module of `fg`: one `func.func @main`, arguments = inputs then shared;
    with `templated`, site locations instead of the user's (see the module docstring)."""
    leaves: list[Variable] = [*fg.inputs, *fg.shared]
    block = Block(arg_types=[v.type.mt for v in leaves])
    cursor = _Cursor(graph_sites(fg)) if templated else None
    token = _CURSOR.set(cursor)
    try:
        emitter = _Emitter(block, leaves)
        emitter.emit(fg)
        results = [emitter.value(v) for v in fg.values]
    finally:
        _CURSOR.reset(token)
    if cursor is not None and cursor.next != len(cursor.sites):
        raise AssertionError("translate: the site walk has sites the translation skipped")
    block.add_op(func.ReturnOp(*results))
    fn = func.FuncOp("main", ([v.type.mt for v in leaves], [v.type.mt for v in fg.values]),
                     Region(block))
    return ModuleOp([fn])

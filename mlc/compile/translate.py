"""Translate a `FunctionGraph` into an `mt` module in one walk over its nodes.

    builtin.module {
      func.func @main(%inputs..., %shared...) -> (outputs..., update values...) { mt ops }
    }

Each frontend `Apply` becomes `op_class.build(operands, **params)` (the same `infer`
that typed the frontend node types the op) with `op.location` set to the user's line;
each `Constant` becomes one `mt.constant` (equal literals are emitted once). This is the
only place where the frontend creates xDSL IR; the pass pipeline takes it from here.
"""

from __future__ import annotations

from typing import Any, Optional

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region, SSAValue

from mlc.compile.fgraph import FunctionGraph
from mlc.dialects import mt
from mlc.srcloc import UNKNOWN
from mlc.tensor.variable import Constant, Variable


def _name(value: SSAValue, name: Optional[str]) -> None:
    if name and SSAValue.is_valid_name(name):
        value.name_hint = name


class _Emitter:
    """Maps frontend variables to SSA values while appending ops to one block."""

    def __init__(self, block: Block, leaves: list[Variable]) -> None:
        self.block = block
        self.values: dict[Variable, SSAValue] = {}
        self.literals: dict[tuple, SSAValue] = {}
        for var, arg in zip(leaves, block.args):
            self.values[var] = arg
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
            op.location = var.loc or UNKNOWN
            self.block.add_op(op)
            found = self.literals[key] = op.result
        self.values[var] = found
        return found

    def emit(self, fg: FunctionGraph) -> None:
        self.emit_nodes(fg.nodes)

    def emit_nodes(self, nodes: list) -> None:
        for node in nodes:
            operands = [self.value(v) for v in node.inputs]
            op = node.op.build(operands, **node.params)
            op.location = node.loc
            self.block.add_op(op)
            for var, result in zip(node.outputs, op.results):
                self.values[var] = result
                _name(result, var.name)


def translate_body(block: Block, leaves: list[Variable], nodes: list, result: Variable) -> SSAValue:
    """Translate a body graph (e.g. mt.map's) into `block`, whose arguments stand for
    `leaves`; return the value of `result`."""
    sub = _Emitter(block, leaves)
    sub.emit_nodes(nodes)
    return sub.value(result)


def to_module(fg: FunctionGraph) -> ModuleOp:
    """The `mt` module of `fg`: one `func.func @main`, arguments = inputs then shared."""
    leaves: list[Variable] = [*fg.inputs, *fg.shared]
    block = Block(arg_types=[v.type.mt for v in leaves])
    emitter = _Emitter(block, leaves)
    emitter.emit(fg)
    results = [emitter.value(v) for v in fg.values]
    block.add_op(func.ReturnOp(*results))
    fn = func.FuncOp("main", ([v.type.mt for v in leaves], [v.type.mt for v in fg.values]),
                     Region(block))
    return ModuleOp([fn])

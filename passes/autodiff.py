"""`autodiff`: expand `ad.vjp` / `ad.jvp` ops into `mt` ops with the rule tables of
`passes/grad` (the same tables and walks that `mlc.grad`, `Lop` and `Rop` use).

    %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  ->
    (the pullback of %one through the ops between %x and %c, ending in %g's value)

Run it before `canonicalize`, which removes the gradient-only identities.
A gradient that is disconnected or identically zero becomes zeros shaped like its wrt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from mlc.dialects import ad, mt
from mlc.dialects import dtypes as dt
from mlc.passes.grad import core
from mlc.passes.grad import PULLBACK, PUSHFORWARD


class IRBuilder:
    """Builds mt ops right before an anchor op, with the location of the rule's node."""

    def __init__(self, anchor: Operation):
        self.anchor = anchor
        self.loc: Any = anchor.location

    def _insert(self, op: Operation) -> SSAValue:
        op.location = self.loc
        Rewriter.insert_op(op, InsertPoint.before(self.anchor))
        return op.results[0]

    def make(self, op: type, inputs: Sequence[Any], **params: Any) -> SSAValue:
        return self._insert(op.make(list(inputs), **params))

    def type_of(self, v: SSAValue) -> TensorType:
        return v.type  # type: ignore[return-value]

    def constant(self, value: np.ndarray) -> SSAValue:
        return self._insert(mt.ConstantOp.from_array(value))

    def at(self, loc: Any) -> None:
        self.loc = loc

    def producer(self, v: SSAValue) -> Optional[tuple[type, list[SSAValue], dict[str, Any]]]:
        o = v.owner
        if isinstance(o, mt.MtOp):
            return type(o), list(o.operands), o.params()
        return None


@dataclass
class IRNode:
    """An mt op seen as a graph node by the autodiff walks."""

    op: type
    inputs: list[SSAValue]
    outputs: list[SSAValue]
    params: dict[str, Any]
    loc: Any

    @staticmethod
    def of(o: mt.MtOp) -> "IRNode":
        return IRNode(type(o), list(o.operands), list(o.results), o.params(), o.location)


def _nodes_before(anchor: Operation) -> list[IRNode]:
    block = anchor.parent_block()
    assert isinstance(block, Block)
    nodes = []
    for o in block.ops:
        if o is anchor:
            break
        if isinstance(o, mt.MtOp):
            nodes.append(IRNode.of(o))
    return nodes


def _finish(b: IRBuilder, g: Any, like: SSAValue, want: TensorType) -> SSAValue:
    if g is None or g is core.ZERO:
        g = core.materialize(b, core.ZERO, like, dt.dtype_of(want))
    if dt.dtype_of(g.type) != dt.dtype_of(want):
        g = b.make(mt.CastOp, [g], dtype=dt.dtype_of(want))
    return g


def expand_vjp(op: ad.VjpOp) -> None:
    b = IRBuilder(op)
    grads = core.vjp(b, _nodes_before(op), list(zip(op.outs, op.seeds)), list(op.wrt), PULLBACK)
    b.at(op.location)
    new = [_finish(b, g, w, r.type) for g, w, r in zip(grads, op.wrt, op.grads)]
    Rewriter.replace_op(op, [], new)


def expand_jvp(op: ad.JvpOp) -> None:
    b = IRBuilder(op)
    tangents = dict(zip(op.wrt, op.tangents))
    outs = core.jvp(b, _nodes_before(op), tangents, list(op.outs), PUSHFORWARD)
    b.at(op.location)
    new = [_finish(b, t, o, r.type) for t, o, r in zip(outs, op.outs, op.results_)]
    Rewriter.replace_op(op, [], new)


@dataclass(frozen=True)
class AutodiffPass(ModulePass):
    """Expand ad.vjp (reverse mode) and ad.jvp (forward mode) into mt ops."""

    name = "autodiff"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in [f for f in op.ops if isinstance(f, func.FuncOp)]:
            for o in [o for o in f.walk() if isinstance(o, (ad.VjpOp, ad.JvpOp))]:
                (expand_vjp if isinstance(o, ad.VjpOp) else expand_jvp)(o)

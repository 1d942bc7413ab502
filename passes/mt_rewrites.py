"""Algebraic rewrites on `mt` graphs used by `canonicalize` (one pattern per rule,
each matching one op type, with its before -> after in the docstring)."""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference import evaluate


class FoldConstantPattern(RewritePattern):
    """op(mt.constant, ...) -> mt.constant, evaluated by the NumPy reference.

    Skipped when the result would exceed `limit` elements or evaluation raises (the
    compiled function then raises the same error at run time)."""

    def __init__(self, limit: int):
        self.limit = limit

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, mt.MtOp) or isinstance(op, mt.ConstantOp) or not op.operands:
            return
        if not all(isinstance(v.owner, mt.ConstantOp) for v in op.operands):
            return
        shape = dt.shape_of(op.results[0].type)
        if dt.DYN in shape or int(np.prod(shape)) > self.limit:
            return
        try:
            value = evaluate(op, [v.owner.array() for v in op.operands])  # type: ignore[union-attr]
        except (ValueError, IndexError, ArithmeticError):
            return
        new = mt.ConstantOp.from_array(value)
        new.location = op.location
        rewriter.replace(op, new)


class RemoveDoubleNegPattern(RewritePattern):
    """mt.neg(mt.neg(x)) -> x"""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.NegOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if isinstance(inner, mt.NegOp) and inner.input.type == op.result.type:
            rewriter.replace(op, [], [inner.input])


class CancelMulDivPattern(RewritePattern):
    """mt.true_div(mt.mul(x, y), x) -> y   (and y*x/x; as Theano, assumes x != 0)"""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.TrueDivOp, rewriter: PatternRewriter) -> None:
        mul = op.lhs.owner
        if not isinstance(mul, mt.MulOp):
            return
        for a, b in ((mul.lhs, mul.rhs), (mul.rhs, mul.lhs)):
            if a == op.rhs and b.type == op.result.type:
                rewriter.replace(op, [], [b])
                return


class RemoveGradIdentityPattern(RewritePattern):
    """mt.zero_grad(x) -> x (also disconnected_grad, grad_clip): they only matter to
    gradients, which are taken before compilation."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if isinstance(op, mt.GRAD_IDENTITIES):
            rewriter.replace(op, [], [op.operands[0]])


def CANONICAL_PATTERNS(fold_limit: int) -> list[RewritePattern]:  # noqa: N802
    return [FoldConstantPattern(fold_limit), RemoveDoubleNegPattern(), CancelMulDivPattern(),
            RemoveGradIdentityPattern()]

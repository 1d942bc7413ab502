"""`canonicalize`: xDSL's canonicalization patterns and folders plus the `mt` rewrites
(constant folding through the NumPy reference, `--x -> x`, `x*y/x -> y`), then dead
code elimination. Runs on `mt` graphs and again on scf-level index arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
import numpy as np
from xdsl.ir import Operation
from xdsl.pattern_rewriter import (GreedyRewritePatternApplier, PatternRewriter, PatternRewriteWalker,
                                   RewritePattern, op_type_rewrite_pattern)
from xdsl.transforms.canonicalize import CanonicalizationRewritePattern
from xdsl.transforms.dead_code_elimination import region_dce

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


def _splat(v: Operation | object) -> float | None:
    """The value of an mt.constant whose elements are all equal, else None."""
    op = getattr(v, "owner", None)
    if not isinstance(op, mt.ConstantOp):
        return None
    arr = op.array().reshape(-1)  # not arr.flat: NumPy's flat iterator stops at 32 dims
    if arr.size == 0 or not (arr == arr[0]).all():
        return None
    return float(arr[0])


class RemoveSecondPattern(RewritePattern):
    """mt.second(x, y) -> y   when y already has the result's type (nothing to broadcast)"""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.SecondOp, rewriter: PatternRewriter) -> None:
        if op.rhs.type == op.result.type:
            rewriter.replace(op, [], [op.rhs])


class MulByOnePattern(RewritePattern):
    """mt.mul(x, ones) -> x   (either side) when x already has the result's type"""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.MulOp, rewriter: PatternRewriter) -> None:
        for x, one in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            if x.type == op.result.type and _splat(one) == 1.0:
                rewriter.replace(op, [], [x])
                return


class SquarePowPattern(RewritePattern):
    """mt.pow(x, 2) -> mt.mul(x, x) and mt.pow(x, 1) -> x   (no libm pow call)"""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.PowOp, rewriter: PatternRewriter) -> None:
        if op.lhs.type != op.result.type:
            return
        if _splat(op.rhs) == 1.0:
            rewriter.replace(op, [], [op.lhs])
        elif _splat(op.rhs) == 2.0:
            new = mt.MulOp.make([op.lhs, op.lhs])
            new.location = op.location
            rewriter.replace(op, new)


class RemoveGradIdentityPattern(RewritePattern):
    """mt.zero_grad(x) -> x (also disconnected_grad, grad_clip): they only matter to
    gradients, which are taken before compilation."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if isinstance(op, mt.GRAD_IDENTITIES):
            rewriter.replace(op, [], [op.operands[0]])


def mt_patterns(fold_limit: int) -> list[RewritePattern]:
    """The `mt` rewrites, one pattern per rule (each docstring shows before -> after)."""
    return [FoldConstantPattern(fold_limit), RemoveDoubleNegPattern(), CancelMulDivPattern(),
            RemoveGradIdentityPattern(), RemoveSecondPattern(), MulByOnePattern(),
            SquarePowPattern()]


@dataclass(frozen=True)
class CanonicalizePass(ModulePass):
    """Simplify to a fixed point: fold constants, cancel inverse ops, drop dead ops."""

    name = "canonicalize"
    fold_limit: int = 4096
    """Largest number of elements a folded constant may have."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns = [CanonicalizationRewritePattern(), *mt_patterns(self.fold_limit)]
        applier = GreedyRewritePatternApplier(patterns, ctx=ctx, folding_enabled=True)
        PatternRewriteWalker(applier, post_walk_func=region_dce).rewrite_module(op)

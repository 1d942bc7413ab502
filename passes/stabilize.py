"""`stabilize`: rewrite numerically unstable `mt` compositions into the stable nnet ops
of dialects/mt/nnet.py (PyTensor's "stabilize" rewrites), so that compiled functions
return exact finite values where the naive formula overflows or takes log(0):

    log(1 + exp(x)), log(exp(x) + 1), log1p(exp(x))  ->  softplus(x)
    log(sigmoid(x))                                   ->  -softplus(-x)
    log(1 - sigmoid(x))                               ->  -softplus(x)
    1 / (1 + exp(t)), 1 / (exp(t) + 1)                ->  sigmoid(-t)
    log(softmax(x, axis))                             ->  log_softmax(x, axis)
    log(sum(exp(x), axes))                            ->  logsumexp(x, axes)

FAST_RUN runs it between two `canonicalize` runs: the first folds constants (so `1` is
a literal here), the second cancels the double negations of `-softplus(-x)`. A rewrite
applies only when the stable op has exactly the type of the value it replaces (no
implicit broadcasting or dtype change). The matching gradients are stabilized by the
composite pullbacks of passes/grad/nnet.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, TypeVar

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from mlc.dialects import dtypes as dt
from mlc.dialects import mt


OpT = TypeVar("OpT", bound=Operation)


def _producer(v: SSAValue, cls: type[OpT]) -> Optional[OpT]:
    return v.owner if isinstance(v.owner, cls) else None


def is_one(v: SSAValue) -> bool:
    """Whether v is an `mt.constant` whose every element is 1."""
    c = _producer(v, mt.ConstantOp)
    return c is not None and bool(np.all(c.array() == 1))


def _replace(rewriter: PatternRewriter, op: Operation, new: list[Operation]) -> None:
    """Replace op by the last of `new` when the types agree (else leave op alone)."""
    if new[-1].results[0].type != op.results[0].type:
        return
    for o in new:
        o.location = op.location
    rewriter.replace(op, new)


def _neg_softplus(x: SSAValue, negate_input: bool) -> list[Operation]:
    """-softplus(-x) (negate_input) or -softplus(x)."""
    ops: list[Operation] = [mt.NegOp.make([x])] if negate_input else []
    ops.append(mt.SoftplusOp.make([ops[0].results[0] if ops else x]))
    ops.append(mt.NegOp.make([ops[-1].results[0]]))
    return ops


class LogOnePlusExpToSoftplusPattern(RewritePattern):
    """log(1 + exp(x)) -> softplus(x)   (also log(exp(x) + 1))

        %e = mt.exp %x   %a = mt.add %one, %e   %r = mt.log %a
      ->
        %r = mt.softplus %x
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.LogOp, rewriter: PatternRewriter) -> None:
        add = _producer(op.input, mt.AddOp)
        if add is None:
            return
        for one, e in ((add.lhs, add.rhs), (add.rhs, add.lhs)):
            exp = _producer(e, mt.ExpOp)
            if exp is not None and is_one(one):
                _replace(rewriter, op, [mt.SoftplusOp.make([exp.input])])
                return


class Log1pExpToSoftplusPattern(RewritePattern):
    """log1p(exp(x)) -> softplus(x)

        %e = mt.exp %x   %r = mt.log1p %e   ->   %r = mt.softplus %x
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.Log1pOp, rewriter: PatternRewriter) -> None:
        exp = _producer(op.input, mt.ExpOp)
        if exp is not None:
            _replace(rewriter, op, [mt.SoftplusOp.make([exp.input])])


class LogSigmoidToSoftplusPattern(RewritePattern):
    """log(sigmoid(x)) -> -softplus(-x)   (float x: negating an integer could overflow)

        %s = mt.sigmoid %x   %r = mt.log %s
      ->
        %n = mt.neg %x   %p = mt.softplus %n   %r = mt.neg %p
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.LogOp, rewriter: PatternRewriter) -> None:
        sig = _producer(op.input, mt.SigmoidOp)
        if sig is not None and dt.is_float(dt.dtype_of(sig.input.type)):
            _replace(rewriter, op, _neg_softplus(sig.input, negate_input=True))


class LogOneMinusSigmoidToSoftplusPattern(RewritePattern):
    """log(1 - sigmoid(x)) -> -softplus(x)

        %s = mt.sigmoid %x   %d = mt.sub %one, %s   %r = mt.log %d
      ->
        %p = mt.softplus %x   %r = mt.neg %p
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.LogOp, rewriter: PatternRewriter) -> None:
        sub = _producer(op.input, mt.SubOp)
        if sub is None or not is_one(sub.lhs):
            return
        sig = _producer(sub.rhs, mt.SigmoidOp)
        if sig is not None:
            _replace(rewriter, op, _neg_softplus(sig.input, negate_input=False))


class LogSoftmaxPattern(RewritePattern):
    """log(softmax(x, axis)) -> log_softmax(x, axis)

        %s = mt.softmax %x {axis = 1 : i64}   %r = mt.log %s
      ->
        %r = mt.log_softmax %x {axis = 1 : i64}
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.LogOp, rewriter: PatternRewriter) -> None:
        sm = _producer(op.input, mt.SoftmaxOp)
        if sm is not None:
            _replace(rewriter, op, [mt.LogSoftmaxOp.make([sm.input], **sm.params())])


class LogSumExpPattern(RewritePattern):
    """log(sum(exp(x), axes)) -> logsumexp(x, axes)

        %e = mt.exp %x   %s = mt.sum %e {axes = array<i64: 1>}   %r = mt.log %s
      ->
        %r = mt.logsumexp %x {axes = array<i64: 1>}
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.LogOp, rewriter: PatternRewriter) -> None:
        total = _producer(op.input, mt.SumOp)
        if total is None:
            return
        exp = _producer(total.input, mt.ExpOp)
        if exp is not None:
            _replace(rewriter, op, [mt.LogSumExpOp.make([exp.input], **total.params())])


class ReciprocalOnePlusExpToSigmoidPattern(RewritePattern):
    """1 / (1 + exp(t)) -> sigmoid(-t)   (the hand-written logistic 1/(1+exp(-x)); the
    log rewrites above then apply to it)

        %e = mt.exp %t   %a = mt.add %one, %e   %r = mt.true_div %one, %a
      ->
        %n = mt.neg %t   %r = mt.sigmoid %n
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: mt.TrueDivOp, rewriter: PatternRewriter) -> None:
        add = _producer(op.rhs, mt.AddOp)
        if add is None or not is_one(op.lhs) or not dt.is_float(dt.dtype_of(op.result.type)):
            return
        for one, e in ((add.lhs, add.rhs), (add.rhs, add.lhs)):
            exp = _producer(e, mt.ExpOp)
            if exp is not None and is_one(one):
                neg = mt.NegOp.make([exp.input])
                _replace(rewriter, op, [neg, mt.SigmoidOp.make([neg.results[0]])])
                return


STABILIZE_PATTERNS: tuple[type[RewritePattern], ...] = (
    ReciprocalOnePlusExpToSigmoidPattern,
    LogOnePlusExpToSoftplusPattern, Log1pExpToSoftplusPattern, LogSigmoidToSoftplusPattern,
    LogOneMinusSigmoidToSoftplusPattern, LogSoftmaxPattern, LogSumExpPattern)


@dataclass(frozen=True)
class StabilizePass(ModulePass):
    """Replace overflowing log/exp compositions by softplus, log_softmax and logsumexp."""

    name = "stabilize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        applier = GreedyRewritePatternApplier([p() for p in STABILIZE_PATTERNS])
        PatternRewriteWalker(applier).rewrite_module(op)

"""`canonicalize`: xDSL's canonicalization patterns and folders plus the `mt` rewrites
(constant folding through the NumPy reference, `--x -> x`, `x*y/x -> y`), then dead
code elimination. Runs on `mt` graphs and again on scf-level index arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriteWalker
from xdsl.transforms.canonicalize import CanonicalizationRewritePattern
from xdsl.transforms.dead_code_elimination import region_dce

from mlc.passes.mt_rewrites import CANONICAL_PATTERNS


@dataclass(frozen=True)
class CanonicalizePass(ModulePass):
    """Simplify to a fixed point: fold constants, cancel inverse ops, drop dead ops."""

    name = "canonicalize"
    fold_limit: int = 4096
    """Largest number of elements a folded constant may have."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns = [CanonicalizationRewritePattern(), *CANONICAL_PATTERNS(self.fold_limit)]
        applier = GreedyRewritePatternApplier(patterns, ctx=ctx, folding_enabled=True)
        PatternRewriteWalker(applier, post_walk_func=region_dce).rewrite_module(op)

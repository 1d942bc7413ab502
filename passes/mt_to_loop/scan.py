"""Lowering of `mt.scan`: one `scf.for` over the steps whose body is the lowered region;
each state lives in one buffer of k + n rows (its k initial rows, then one per step) and
each plain output in one of n rows, so a step reads its taps as row views and writes its
new rows in place, and no Python runs between steps.

    %S, %Y = mt.scan %n, %x, %h0, %w { body(%xt, %hp, %wc) ; mt.scan_yield %hn, %yt }
  ->
    loop.check (n >= 0, rows of %x >= n, rows of %h0 == k)
    %S = memref.alloc(k + n, sizes of a row of %h0)    (rows 0..k-1 <- %h0)
    %Y = memref.alloc(n, sizes of %yt)                  (computed before the loop)
    scf.for %t = 0 to %n {
      (the body on the views x[t], S[t + k + tap], lowered like a function body)
      loop.check (the yielded rows have their buffer's row sizes)
      S[t + k] <- %hn ;  Y[t] <- %yt
    }

A plain output's row sizes must be known before the loop: they are computed from the
sizes of the step's inputs by the size arithmetic of a trial lowering of the body, kept
only when it reads no value that the step computes (else a clear error).
"""

from __future__ import annotations

from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import IndexType
from xdsl.ir import Block, Operation, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, bind_results, elemwise_kernel, where
from mlc.passes.mt_to_loop.map import row_view


class ScanLoweringError(ValueError):
    """An `mt.scan` that cannot be compiled (a plain output whose shape the loop computes)."""


def _rows(L: FuncLowering, m: SSAValue, start: SSAValue, count: SSAValue) -> SSAValue:
    """m[start:start + count] as a view (all other axes whole)."""
    t = L.memref_type(m)
    r = len(t.get_shape())
    sizes = [count, *L.sizes(m)[1:]]
    view = L.emit(loop.SliceOp.create(
        operands=[m, start, *[L.index(0)] * (r - 1), *sizes, *[L.index(1)] * r],
        result_types=[loop.strided_type(t.element_type, t.get_shape())],
        properties={"keep": int_array(range(r))}))
    L.set_sizes(view, sizes)
    return view


def _copy(L: FuncLowering, src: SSAValue, dst: SSAValue) -> None:
    elemwise_kernel(L, [src], dst, [], lambda sb, a: a[0])


def _check_rows(L: FuncLowering, op: mt.ScanOp, got: SSAValue, want: list[SSAValue], what: str) -> None:
    for axis, (g, w) in enumerate(zip(L.sizes(got), want)):
        L.check_equal(w, g, f"mt.scan{where(op)}: {what} has size {{1}} along axis {axis} "
                            "where its rows have size {0}")


def _bind_args(L: FuncLowering, op: mt.ScanOp, t: SSAValue, seqs: list, states: list, ks: list) -> None:
    """Bind the body's block arguments to views for step t (state rows at t + k + tap)."""
    p = op.params()
    args = iter(op.body.block.args)
    for s in seqs:
        L.buf[next(args)] = row_view(L, s, t, L.sizes(s)[1:])
    for S, k, taps in zip(states, ks, p["taps"]):
        for tap in taps:
            row = L.emit(arith.AddiOp(t, L.index(k + tap)))
            L.buf[next(args)] = row_view(L, S, row, L.sizes(S)[1:])
    _, _, caps = mt.ScanOp.split(op.inputs, p["n_seqs"], p["taps"])
    for c in caps:
        L.buf[next(args)] = L.buf[c]


def _lower_ops(L: FuncLowering, op: mt.ScanOp, lowerings: dict[type, Lowering]) -> list[SSAValue]:
    """Lower the body's ops into L; the buffers of the yielded values."""
    for inner in op.body.block.ops:
        L.location = inner.location
        if isinstance(inner, mt.ScanYieldOp):
            return [L.buf[v] for v in inner.values]
        bind_results(L, inner, lowerings[type(inner)](L, inner))
    raise ScanLoweringError("mt.scan: the body must end in mt.scan_yield")


def _slice_of(ops: list[Operation], roots: list[SSAValue]) -> list[Operation]:
    """The ops among `ops` that the values `roots` are computed from, in order."""
    inside = {r: o for o in ops for r in o.results}
    need: set[Operation] = set()
    stack = [inside[v] for v in roots if v in inside]
    while stack:
        o = stack.pop()
        if o not in need:
            need.add(o)
            stack.extend(inside[v] for v in o.operands if v in inside)
    return [o for o in ops if o in need]


def _output_row_sizes(L: FuncLowering, op: mt.ScanOp, seqs: list, states: list, ks: list,
                      lowerings: dict[type, Lowering]) -> list[list[SSAValue]]:
    """Row sizes of the plain outputs, computed before the loop (see the module doc)."""
    trial = L.child()
    _bind_args(trial, op, L.index(0), seqs, states, ks)
    yielded = _lower_ops(trial, op, lowerings)[len(states):]
    sizes = [trial.sizes(m) for m in yielded]
    kept = _slice_of(trial.ops, [s for row in sizes for s in row])
    made = {r for o in trial.ops for r in o.results}
    for o in kept:
        reads_step = isinstance(o, memref.LoadOp) and o.memref in made
        if reads_step or isinstance(o, (memref.AllocOp, loop.KernelOp)) or o.regions:
            raise ScanLoweringError(f"mt.scan{where(op)}: the shape of a step's output depends on values "
                                    "the step computes; give it as a state (outputs_info) instead")
    for o in trial.ops:
        if o not in kept:
            o.drop_all_references()
    L.ops.extend(kept)
    return sizes


def lower_scan(L: FuncLowering, op: mt.ScanOp, lowerings: dict[type, Lowering]) -> list[SSAValue]:
    """One `scf.for` over the steps whose body lowers the region with `lowerings` (the
    pass's whole table, so any op, another scan included, may appear in a body)."""
    p = op.params()
    n = L.emit(arith.IndexCastOp(L.emit(memref.LoadOp.get(L.buf[op.n_steps], [])), IndexType()))
    L.check(L.emit(arith.CmpiOp(n, L.index(0), "sge")), [n], f"mt.scan{where(op)}: the step count {{0}} is negative")
    seq_vals, inits, _ = mt.ScanOp.split(op.inputs, p["n_seqs"], p["taps"])
    seqs = [L.buf[v] for v in seq_vals]
    for i, s in enumerate(seqs):
        rows = L.sizes(s)[0]
        L.check(L.emit(arith.CmpiOp(rows, n, "sge")), [rows, n],
                f"mt.scan{where(op)}: sequence {i} has {{0}} rows for {{1}} steps")
    states, ks = [], []
    for s, (v, taps, r) in enumerate(zip(inits, p["taps"], op.outs)):
        k, init = max(-t for t in taps), L.buf[v]
        L.check_equal(L.index(k), L.sizes(init)[0], f"mt.scan{where(op)}: state {s} needs {{0}} initial "
                                                    "rows, got {1}")
        S = L.alloc(r.type.element_type, dt.shape_of(r.type),  # type: ignore[attr-defined]
                    [L.emit(arith.AddiOp(n, L.index(k))), *L.sizes(init)[1:]])
        _copy(L, init, _rows(L, S, L.index(0), L.index(k)))
        states.append(S)
        ks.append(k)
    outs = [L.alloc(r.type.element_type, dt.shape_of(r.type), [n, *sizes])  # type: ignore[attr-defined]
            for r, sizes in zip(op.outs[len(states):], _output_row_sizes(L, op, seqs, states, ks, lowerings))]
    body = Block(arg_types=[IndexType()])
    step = L.child()
    t = body.args[0]
    _bind_args(step, op, t, seqs, states, ks)
    yielded = _lower_ops(step, op, lowerings)
    for s, (S, k, m) in enumerate(zip(states, ks, yielded)):
        _check_rows(step, op, m, L.sizes(S)[1:], f"the new value of state {s}")
        _copy(step, m, row_view(step, S, step.emit(arith.AddiOp(t, step.index(k))), L.sizes(S)[1:]))
    for j, (Y, m) in enumerate(zip(outs, yielded[len(states):])):
        _check_rows(step, op, m, L.sizes(Y)[1:], f"output {j} of a step")
        _copy(step, m, row_view(step, Y, t, L.sizes(Y)[1:]))
    body.add_ops(step.ops + [scf.YieldOp()])
    L.emit(scf.ForOp(L.index(0), n, L.index(1), [], body))
    return [*states, *outs]

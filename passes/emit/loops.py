"""C of `scf.for`: a C for loop; long loop nests are strip-mined to poll for signals.

Loops with more iterations than `POLL_CHUNK` (or a trip count known only at run time)
may run long: the outermost such loop of each nest polls for signals (Ctrl-C) after each
chunk of about MLC_POLL_WORK innermost iterations (core.PRELUDE); the body of the loop
over one chunk is the original one, so gcc still vectorizes it.
"""

from __future__ import annotations

from xdsl.dialects import arith, func, scf
from xdsl.ir import Operation, SSAValue

from mlc.passes.emit.writer import CWriter, Handler

POLL_CHUNK = 1 << 16


def emit_for(em: CWriter, op: scf.ForOp) -> None:
    block = op.body.block
    iv, *carried = block.args
    for r, init, arg in zip(op.results, op.iter_args, carried):
        em.line(f"{em.ctype(r.type)} {em.name(r)} = {em.name(init)};")
        em.names[arg] = em.names[r]
    i, lb, ub, step = em.name(iv), em.name(op.lb), em.name(op.ub), em.name(op.step)
    polled = polls(op)
    if polled:
        lb, ub = open_chunk(em, op, i, lb, ub, step)
    em.line(f"for (int64_t {i} = {lb}; {i} < {ub}; {i} += {step}) {{")
    em.depth += 1
    for inner in block.ops:
        if isinstance(inner, scf.YieldOp):
            tmp = [em.let(em.ctype(v.type), em.name(v)) if len(op.results) > 1 else em.name(v)
                   for v in inner.operands]
            for r, t in zip(op.results, tmp):
                em.line(f"{em.name(r)} = {t};")
        else:
            em.emit_op(inner)
    em.depth -= 1
    em.line("}")
    if polled:
        close_chunk(em, op, lb, ub, step)


def open_chunk(em: CWriter, op: scf.ForOp, i: str, lb: str, ub: str, step: str) -> tuple[str, str]:
    """Open a loop over chunks of about MLC_POLL_WORK innermost iterations (one
    iteration of `op` does `work` of them); returns the bounds of the loop over one chunk."""
    c, work, span, end = f"{i}_c", f"{i}_work", f"{i}_span", f"{i}_end"
    em.line(f"const int64_t {work} = {work_expr(em, op)};")
    em.line(f"const int64_t {span} = mlc_chunk_span({step}, {work});")
    em.line(f"for (int64_t {c} = {lb}; {c} < {ub}; {c} += {span}) {{")
    em.depth += 1
    em.line(f"const int64_t {end} = {ub} - {c} > {span} ? {c} + {span} : {ub};")
    return c, end


def close_chunk(em: CWriter, op: scf.ForOp, lb: str, ub: str, step: str) -> None:
    i = em.name(op.body.block.args[0])
    stop = "goto mlc_fail;" if em.in_entry(op) else "return;"
    em.line(f"if (MLC_POLL(mlc_smul64(({ub} - {lb}) / {step}, {i}_work))) {stop}")
    em.depth -= 1
    em.line("}")


def work_expr(em: CWriter, op: scf.ForOp) -> str:
    """C expression: innermost iterations that one iteration of `op` runs (at least
    1), from the trip counts of the loops inside it; a loop whose bounds are computed
    inside `op` counts as one iteration (nothing to read them from yet)."""
    terms = ["1"]
    for inner in op.body.block.walk():
        if not isinstance(inner, scf.ForOp) or any(isinstance(o, scf.ForOp) for o in inner.body.block.ops):
            continue  # count only innermost loops: each of their iterations is work
        product = "1"
        parent: Operation | None = inner
        while parent is not op and parent is not None:
            if isinstance(parent, scf.ForOp):
                product = f"mlc_smul64({product}, {trips_expr(em, parent, op)})"
            parent = parent.parent_op()
        terms.append(product)
    return " + ".join(terms)


def trips_expr(em: CWriter, loop_op: scf.ForOp, outer: scf.ForOp) -> str:
    n = trip_count(loop_op)
    if n is not None:
        return str(n)
    if any(defined_inside(v, outer) for v in (loop_op.lb, loop_op.ub, loop_op.step)):
        return "1"
    lb, ub, step = (em.name(v) for v in (loop_op.lb, loop_op.ub, loop_op.step))
    return f"mlc_trips({lb}, {ub}, {step})"


def trip_count(op: scf.ForOp) -> int | None:
    """The loop's trip count when its bounds are constants, else None."""
    bounds = [v.owner.value.value.data if isinstance(v.owner, arith.ConstantOp) else None
              for v in (op.lb, op.ub, op.step)]  # type: ignore[attr-defined]
    lb, ub, step = bounds
    if lb is None or ub is None or step is None or step <= 0:
        return None
    return max(0, -(-(ub - lb) // step))


def is_long(op: scf.ForOp) -> bool:
    n = trip_count(op)
    return n is None or n > POLL_CHUNK


def defined_inside(v: SSAValue, op: Operation) -> bool:
    owner = v.owner if isinstance(v.owner, Operation) else v.owner.parent_op()  # type: ignore[union-attr]
    return owner is not None and op.is_ancestor(owner)


def polls(op: scf.ForOp) -> bool:
    """The outermost long loop of a nest polls (no long scf.for encloses it in its
    function); the loops inside it run between two polls."""
    if not is_long(op):
        return False
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, func.FuncOp):
        if isinstance(parent, scf.ForOp) and is_long(parent):
            return False
        parent = parent.parent_op()
    return True


HANDLERS: dict[type[Operation], Handler] = {scf.ForOp: emit_for}

"""The C emitter: scf-level IR (after `convert-loop-to-scf`) -> one C translation unit.

The public function (`func.func @main`) becomes `mlc_entry` of runtime/mlc_abi.h; every
private kernel function becomes a `static` C function (gcc time stays linear). A memref
is a descriptor of C variables: an element pointer (offset applied), one size and one
stride (in elements) per dim; contiguous memrefs derive their strides from their sizes,
so the innermost stride is the literal 1 and gcc can vectorize. `loop` view ops only
rewrite descriptors. `loop.check` failures return an error index into `messages`; no
user string ever reaches the C source. The library also exports `mlc_layout` (its
argument layout, checked by the runtime) and `mlc_release` (frees the scratch arena).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import StringIO
from typing import IO

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.target import Target

from mlc.dialects import loop
from mlc.dialects.dtypes import dtype_of
from mlc.passes.c_blas import BLAS_HANDLERS
from mlc.passes.c_indexing import INDEXING_HANDLERS
from mlc.passes.c_structure2 import STRUCTURE2_HANDLERS
from mlc.passes.c_scalar import CODE_FOR_OP, PRELUDE, constant_literal, ctype
from mlc.passes.c_views import Desc, ViewEmitter, constant_array

FIRST_MESSAGE = 2
"""Error codes 0 (success) and 1 (MLC_ERR_ALLOC) are reserved by the ABI."""


@dataclass
class CModule:
    source: str
    messages: list[tuple[str, str]] = field(default_factory=list)


class CEmitter(ViewEmitter):
    def __init__(self) -> None:
        self.out = StringIO()
        self.globals = StringIO()
        self.names: dict[SSAValue, str] = {}
        self.descs: dict[SSAValue, Desc] = {}
        self.messages: list[tuple[str, str]] = [("RuntimeError", "success"),
                                                ("MemoryError", "out of memory")]
        self.n = 0
        self.depth = 1
        self.scratch = 0
        self.results: dict[int, str] = {}  # result index -> layout code (mlc_abi.h)

    # -- naming and writing -------------------------------------------------------
    def fresh(self, prefix: str = "v") -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def name(self, v: SSAValue) -> str:
        if v not in self.names:
            self.names[v] = self.fresh()
        return self.names[v]

    def line(self, s: str) -> None:
        self.out.write("  " * self.depth + s + "\n")

    def message(self, kind: str, text: str) -> int:
        self.messages.append((kind, text))
        return len(self.messages) - 1

    def fail(self, code: int, values: list[str]) -> str:
        sets = "".join(f" ctx->err_vals[{i}] = (int64_t)({v});" for i, v in enumerate(values))
        return f"{{ ctx->err_code = {code};{sets} goto mlc_fail; }}"

    # -- memref descriptors ---------------------------------------------------------
    def contiguous(self, v: SSAValue, ptr: str, sizes: list[str]) -> Desc:
        strides = ["1"] * len(sizes)
        for i in range(len(sizes) - 2, -1, -1):
            strides[i] = self.let("int64_t", f"{strides[i + 1]} * {sizes[i + 1]}")
        d = Desc(ptr, sizes, strides)
        self.descs[v] = d
        return d

    def let(self, ty: str, expr: str) -> str:
        if expr.isdigit():
            return expr
        n = self.fresh("t")
        self.line(f"const {ty} {n} = {expr};")
        return n

    def param(self, v: SSAValue, base: str, params: list[str]) -> None:
        """Declare a kernel parameter; memrefs expand to pointer, sizes (, strides)."""
        t = v.type
        if not isinstance(t, MemRefType):
            params.append(f"{ctype(t)} {base}")
            self.names[v] = base
            return
        params.append(f"{ctype(t.element_type)} *restrict {base}")
        sizes = [str(d) if d != DYNAMIC_INDEX else f"{base}_n{i}" for i, d in enumerate(t.get_shape())]
        params += [f"int64_t {s}" for s in sizes if not s.isdigit()]
        if loop.is_contiguous(t):
            self.pending.append((v, base, sizes))
        else:
            strides = [f"{base}_s{i}" for i in range(len(sizes))]
            params += [f"int64_t {s}" for s in strides]
            self.descs[v] = Desc(base, sizes, strides)

    def call_args(self, v: SSAValue) -> list[str]:
        if not isinstance(v.type, MemRefType):
            return [self.name(v)]
        d = self.descs[v]
        args = [d.ptr] + [s for s, st in zip(d.sizes, v.type.get_shape()) if st == DYNAMIC_INDEX]
        if not loop.is_contiguous(v.type):
            args += d.strides
        return args

    def index(self, m: SSAValue, ivs: list[SSAValue]) -> str:
        d = self.descs[m]
        terms = [self.name(i) if s == "1" else f"{self.name(i)} * {s}" for i, s in zip(ivs, d.strides)]
        return f"{d.ptr}[{' + '.join(terms) or '0'}]"

    # -- functions --------------------------------------------------------------------
    def emit_module(self, m: ModuleOp) -> CModule:
        funcs = [f for f in m.ops if isinstance(f, func.FuncOp)]
        for f in funcs:
            if f.sym_visibility is not None and f.sym_visibility.data == "private":
                self.emit_kernel(f)
        for f in funcs:
            if f.sym_visibility is None or f.sym_visibility.data != "private":
                self.emit_entry(f)
        src = PRELUDE + self.globals.getvalue() + self.out.getvalue()
        return CModule(src, self.messages)

    def emit_kernel(self, f: func.FuncOp) -> None:
        params: list[str] = []
        self.pending: list = []
        for i, a in enumerate(f.body.block.args):
            self.param(a, f"p{i}", params)
        self.out.write(f"static void {f.sym_name.data}({', '.join(params)}) {{\n")
        if any(isinstance(o, scf.ForOp) and polls(o) for o in f.body.walk()):
            self.line("int64_t mlc_work = 0;")
        for v, base, sizes in self.pending:
            self.contiguous(v, base, sizes)
        self.emit_block(f.body.block.ops)
        self.out.write("}\n\n")

    def emit_entry(self, f: func.FuncOp) -> None:
        body, self.out = self.out, StringIO()
        shape_off = 0
        for k, a in enumerate(f.body.block.args):
            t = a.type
            ptr = self.fresh("arg")
            self.line(f"{ctype(t.element_type)} *restrict {ptr} = ({ctype(t.element_type)} *)data[{k}];")
            r = t.get_num_dims()
            sizes = [f"shapes[{shape_off + i}]" for i in range(r)]
            strides = [f"strides[{shape_off + i}]" for i in range(r)]
            self.descs[a] = Desc(ptr, [self.let("int64_t", s) for s in sizes],
                                 [self.let("int64_t", s) for s in strides])
            shape_off += r
        self.emit_block(f.body.block.ops)
        code, self.out = self.out.getvalue(), body
        n = max(self.scratch, 1)
        self.out.write(f"static void *mlc_arena[{n}];\nstatic size_t mlc_arena_cap[{n}];\n\n")
        self.out.write("int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, "
                       "const int64_t *strides) {\n")
        self.out.write("  int64_t mlc_rc = 0, mlc_work = 0;\n  mlc_self = ctx;\n")
        self.out.write(code)
        self.out.write("  goto mlc_done;\nmlc_fail:\n  mlc_rc = ctx->err_code;\nmlc_done:\n"
                       "  return mlc_rc;\n}\n")
        self.emit_exports(f, n)

    def emit_exports(self, f: func.FuncOp, arena_slots: int) -> None:
        """mlc_release (frees the arena before the runtime unloads the library) and
        mlc_layout (what the runtime checks a function against), as in mlc_abi.h."""
        self.out.write(f"\nvoid mlc_release(void) {{\n"
                       f"  for (int k = 0; k < {arena_slots}; ++k) {{\n"
                       "    free(mlc_arena[k]);\n    mlc_arena[k] = 0;\n    mlc_arena_cap[k] = 0;\n"
                       "  }\n}\n")
        self.out.write(f'\nconst char mlc_layout[] = "{self.layout(f)}";\n')

    def layout(self, f: func.FuncOp) -> str:
        """The argument layout of runtime/mlc_abi.h: dtype kind, item size and rank of
        every argument and result, and the size of the message table."""
        args = [layout_code(a.type.element_type, a.type.get_num_dims()) for a in f.body.block.args]
        results = [self.results[k] for k in sorted(self.results)]
        return f"args={','.join(args)};results={','.join(results)};messages={len(self.messages)}"

    def emit_block(self, ops) -> None:
        for op in ops:
            self.emit_op(op)

    def emit_op(self, op: Operation) -> None:
        handler = self.HANDLERS.get(type(op))
        if handler is not None:
            handler(self, op)
        elif type(op) in CODE_FOR_OP:
            r = op.results[0]
            expr = CODE_FOR_OP[type(op)](op, [self.name(v) for v in op.operands])
            self.line(f"const {ctype(r.type)} {self.name(r)} = {expr};")
        else:
            raise TypeError(f"the C emitter cannot emit {op.name}")

    # -- op handlers -------------------------------------------------------------------
    def _constant(self, op: arith.ConstantOp) -> None:
        self.line(f"const {ctype(op.result.type)} {self.name(op.result)} = {constant_literal(op)};")

    def _dim(self, op: memref.DimOp) -> None:
        k = op.index.owner.value.value.data  # type: ignore[union-attr]
        self.names[op.result] = self.descs[op.source].sizes[k]

    def _load(self, op: memref.LoadOp) -> None:
        self.line(f"const {ctype(op.res.type)} {self.name(op.res)} = {self.index(op.memref, op.indices)};")

    def _store(self, op: memref.StoreOp) -> None:
        self.line(f"{self.index(op.memref, op.indices)} = {self.name(op.value)};")

    def _for(self, op: scf.ForOp) -> None:
        block = op.body.block
        iv, *carried = block.args
        for r, init, arg in zip(op.results, op.iter_args, carried):
            self.line(f"{ctype(r.type)} {self.name(r)} = {self.name(init)};")
            self.names[arg] = self.names[r]
        i, lb, ub, step = self.name(iv), self.name(op.lb), self.name(op.ub), self.name(op.step)
        polled = polls(op)
        if polled:  # strip-mined: a signal poll after every chunk of iterations
            lb, ub = self.open_chunk(op, i, lb, ub, step)
        self.line(f"for (int64_t {i} = {lb}; {i} < {ub}; {i} += {step}) {{")
        self.depth += 1
        for inner in block.ops:
            if isinstance(inner, scf.YieldOp):
                tmp = [self.let(ctype(v.type), self.name(v)) if len(op.results) > 1 else self.name(v)
                       for v in inner.operands]
                for r, t in zip(op.results, tmp):
                    self.line(f"{self.name(r)} = {t};")
            else:
                self.emit_op(inner)
        self.depth -= 1
        self.line("}")
        if polled:
            self.close_chunk(op, lb, ub, step)

    def open_chunk(self, op: scf.ForOp, i: str, lb: str, ub: str, step: str) -> tuple[str, str]:
        """Open a loop over chunks of about MLC_POLL_WORK innermost iterations (one
        iteration of `op` does `work` of them); returns the bounds of the loop over one
        chunk, whose body is the original one (so gcc still vectorizes it)."""
        c, work, span, end = f"{i}_c", f"{i}_work", f"{i}_span", f"{i}_end"
        self.line(f"const int64_t {work} = {self.work_expr(op)};")
        self.line(f"const int64_t {span} = mlc_chunk_span({step}, {work});")
        self.line(f"for (int64_t {c} = {lb}; {c} < {ub}; {c} += {span}) {{")
        self.depth += 1
        self.line(f"const int64_t {end} = {ub} - {c} > {span} ? {c} + {span} : {ub};")
        return c, end

    def close_chunk(self, op: scf.ForOp, lb: str, ub: str, step: str) -> None:
        i = self.name(op.body.block.args[0])
        stop = "goto mlc_fail;" if self.in_entry(op) else "return;"
        self.line(f"if (MLC_POLL(mlc_smul64(({ub} - {lb}) / {step}, {i}_work))) {stop}")
        self.depth -= 1
        self.line("}")

    def work_expr(self, op: scf.ForOp) -> str:
        """C expression: innermost iterations that one iteration of `op` runs (at least
        1), from the trip counts of the loops inside it; a loop whose bounds are computed
        inside `op` counts as one iteration (nothing to read them from yet)."""
        terms = ["1"]
        for inner in op.body.block.walk():
            if not isinstance(inner, scf.ForOp) or any(isinstance(o, scf.ForOp) for o in inner.body.block.ops):
                continue  # count only innermost loops: each of their iterations is work
            trips = []
            parent = inner
            while parent is not op:
                if isinstance(parent, scf.ForOp):
                    trips.append(self.trips_expr(parent, op))
                parent = parent.parent_op()
            product = "1"
            for t in trips:
                product = f"mlc_smul64({product}, {t})"
            terms.append(product)
        return " + ".join(terms)

    def trips_expr(self, loop_op: scf.ForOp, outer: scf.ForOp) -> str:
        n = trip_count(loop_op)
        if n is not None:
            return str(n)
        if any(defined_inside(v, outer) for v in (loop_op.lb, loop_op.ub, loop_op.step)):
            return "1"
        lb, ub, step = (self.name(v) for v in (loop_op.lb, loop_op.ub, loop_op.step))
        return f"mlc_trips({lb}, {ub}, {step})"

    def _call(self, op: func.CallOp) -> None:
        args = [a for v in op.arguments for a in self.call_args(v)]
        self.line(f"{op.callee.root_reference.data}({', '.join(args)});")
        if self.in_entry(op):  # a kernel that was interrupted returns with err_code set
            self.line("if (ctx->err_code) goto mlc_fail;")

    def _return(self, op: func.ReturnOp) -> None:
        if self.depth == 1:
            self.line("return;" if not self.in_entry(op) else "/* results are runtime buffers */")

    def in_entry(self, op: Operation) -> bool:
        f = op.parent_op()
        return isinstance(f, func.FuncOp) and (f.sym_visibility is None or f.sym_visibility.data != "private")

    def _alloc(self, op: memref.AllocOp) -> None:
        t = op.memref.type
        sizes = self.sizes_of(t, op.dynamic_sizes)
        el = ctype(t.element_type)
        n = self.name(op.memref)
        count = "(size_t)1"
        for size in sizes:  # saturating: a wrapped product would under-allocate
            count = f"mlc_smul({count}, (size_t)({size}))"
        k = self.scratch  # arena slot k: reused by every call (and loop iteration)
        self.line(f"{el} *restrict {n} = ({el} *)mlc_arena_get(&mlc_arena[{k}], "
                  f"&mlc_arena_cap[{k}], mlc_bytes(sizeof({el}), {count}));")
        self.line(f"if (!{n}) {self.fail(1, [])}")
        self.scratch += 1
        self.contiguous(op.memref, n, sizes)

    def _alloc_output(self, op: loop.AllocOutputOp) -> None:
        t = op.result.type
        sizes = self.sizes_of(t, op.sizes)
        el = ctype(t.element_type)
        n = self.name(op.result)
        shp = self.fresh("shape")
        self.line(f"const int64_t {shp}[{max(len(sizes), 1)}] = {{{', '.join(sizes) or '0'}}};")
        self.results[op.index.value.data] = layout_code(t.element_type, len(sizes))
        self.line(f"{el} *restrict {n} = ({el} *)ctx->alloc_output(ctx, {op.index.value.data}, {shp});")
        self.line(f"if (!{n}) {self.fail(1, [])}")
        self.contiguous(op.result, n, sizes)

    def sizes_of(self, t: MemRefType, dynamic: tuple[SSAValue, ...]) -> list[str]:
        dyn = iter(dynamic)
        return [self.name(next(dyn)) if d == DYNAMIC_INDEX else str(d) for d in t.get_shape()]

    def _loop_constant(self, op: loop.ConstantOp) -> None:
        n = self.fresh("lit")
        self.globals.write(constant_array(op, n))
        t = op.result.type
        self.contiguous(op.result, f"((({ctype(t.element_type)} *){n}))",
                        [str(d) for d in t.get_shape()])

    def _check(self, op: loop.CheckOp) -> None:
        code = self.message(op.kind.data, op.message.data)
        self.line(f"if (!({self.name(op.cond)})) {self.fail(code, [self.name(v) for v in op.values])}")


CEmitter.HANDLERS = {
    arith.ConstantOp: CEmitter._constant, memref.DimOp: CEmitter._dim,
    memref.LoadOp: CEmitter._load, memref.StoreOp: CEmitter._store, scf.ForOp: CEmitter._for,
    func.CallOp: CEmitter._call, func.ReturnOp: CEmitter._return, memref.AllocOp: CEmitter._alloc,
    loop.AllocOutputOp: CEmitter._alloc_output, loop.ConstantOp: CEmitter._loop_constant,
    loop.CheckOp: CEmitter._check, **ViewEmitter.VIEW_HANDLERS,
    **INDEXING_HANDLERS, **STRUCTURE2_HANDLERS, **BLAS_HANDLERS,
}


POLL_CHUNK = 1 << 16
"""Loops with more iterations than this (or a trip count known only at run time) may run
long: the outermost such loop of each nest is strip-mined and polls for signals (Ctrl-C)
after each chunk of about MLC_POLL_WORK innermost iterations (see the C prelude)."""


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


def emit_c(module: ModuleOp) -> CModule:
    """The C source and the error-message table of a scf-level module."""
    return CEmitter().emit_module(module)


def layout_code(element_type: Attribute, rank: int) -> str:
    """`f8:2`: NumPy's kind and item size of an element type, and a rank."""
    dtype = np.dtype(dtype_of(element_type))
    return f"{dtype.kind}{dtype.itemsize}:{rank}"


@dataclass(frozen=True)
class CTarget(Target):
    """`mlc-opt -t c`: print the C that mlc.function compiles."""

    name = "c"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(emit_c(module).source)

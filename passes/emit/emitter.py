"""The C emitter: scf-level IR (after `convert-loop-to-scf`) -> one C translation unit.

The public function (`func.func @main`) becomes `mlc_entry` of runtime/mlc_abi.h; every
private kernel function becomes a `static` C function (gcc time stays linear). A memref
is a descriptor of C variables (writer.py): contiguous memrefs derive their strides from
their sizes, so the innermost stride is the literal 1 and gcc can vectorize. The library
also exports `mlc_layout` (its argument layout, checked by the runtime) and
`mlc_release` (frees the scratch arena).

`CEmitter`'s tables are class attributes assembled from the family modules:
`handlers` (op class -> `(em, op)` writing statements), `code_for_op` (op class ->
`(em, op, operand names)` giving the expression of a scalar op), `prelude` (the C before
the first function) and `c_types` (writer.py). A backend subclasses it and replaces only
the entries that differ (tests/test_emitter.py shows one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import StringIO
from typing import IO, ClassVar

from xdsl.context import Context
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.utils.target import Target

from mlc.dialects import loop
from mlc.passes.emit import blas, core, elemwise, indexing, loops, math, random, sort, structure
from mlc.passes.emit.c_types import layout_code
from mlc.passes.emit.writer import CodeRule, CWriter, Desc, Handler

FIRST_MESSAGE = 2
"""Error codes 0 (success) and 1 (MLC_ERR_ALLOC) are reserved by the ABI."""


@dataclass
class CModule:
    source: str
    messages: list[tuple[str, str]] = field(default_factory=list)


class CEmitter(CWriter):
    handlers: ClassVar[dict[type[Operation], Handler]] = {
        **core.HANDLERS, **loops.HANDLERS, **structure.HANDLERS, **indexing.HANDLERS,
        **sort.HANDLERS, **blas.HANDLERS,
    }
    code_for_op: ClassVar[dict[type[Operation], CodeRule]] = {
        **elemwise.CODE_FOR_OP, **math.CODE_FOR_OP, **random.CODE_FOR_OP,
    }
    prelude: ClassVar[str] = (core.PRELUDE + elemwise.PRELUDE + indexing.PRELUDE + math.PRELUDE
                              + random.PRELUDE)

    def emit_op(self, op: Operation) -> None:
        handler = self.handlers.get(type(op))
        if handler is not None:
            handler(self, op)
        elif type(op) in self.code_for_op:
            r = op.results[0]
            expr = self.code_for_op[type(op)](self, op, [self.name(v) for v in op.operands])
            self.line(f"const {self.ctype(r.type)} {self.name(r)} = {expr};")
        else:
            raise TypeError(f"the C emitter cannot emit {op.name}")

    # -- functions ----------------------------------------------------------------------
    def emit_module(self, m: ModuleOp) -> CModule:
        funcs = [f for f in m.ops if isinstance(f, func.FuncOp)]
        for f in funcs:
            if is_private(f):
                self.emit_kernel(f)
        for f in funcs:
            if not is_private(f):
                self.emit_entry(f)
        src = self.prelude + self.globals.getvalue() + self.out.getvalue()
        return CModule(src, self.messages)

    def param(self, v: SSAValue, base: str, params: list[str], pending: list) -> None:
        """Declare a kernel parameter; memrefs expand to pointer, sizes (, strides)."""
        t = v.type
        if not isinstance(t, MemRefType):
            params.append(f"{self.ctype(t)} {base}")
            self.names[v] = base
            return
        params.append(f"{self.ctype(t.element_type)} *restrict {base}")
        sizes = [str(d) if d != DYNAMIC_INDEX else f"{base}_n{i}" for i, d in enumerate(t.get_shape())]
        params += [f"int64_t {s}" for s in sizes if not s.isdigit()]
        if loop.is_contiguous(t):
            pending.append((v, base, sizes))  # strides are computed in the body
        else:
            strides = [f"{base}_s{i}" for i in range(len(sizes))]
            params += [f"int64_t {s}" for s in strides]
            self.descs[v] = Desc(base, sizes, strides)

    def emit_kernel(self, f: func.FuncOp) -> None:
        params: list[str] = []
        pending: list = []
        for i, a in enumerate(f.body.block.args):
            self.param(a, f"p{i}", params, pending)
        self.out.write(f"static void {f.sym_name.data}({', '.join(params)}) {{\n")
        if any(isinstance(o, scf.ForOp) and loops.polls(o) for o in f.body.walk()):
            self.line("int64_t mlc_work = 0;")
        for v, base, sizes in pending:
            self.contiguous(v, base, sizes)
        self.emit_block(f.body.block.ops)
        self.out.write("}\n\n")

    def emit_entry(self, f: func.FuncOp) -> None:
        body, self.out = self.out, StringIO()
        shape_off = 0
        for k, a in enumerate(f.body.block.args):
            t = a.type
            el = self.ctype(t.element_type)
            ptr = self.fresh("arg")
            self.line(f"{el} *restrict {ptr} = ({el} *)data[{k}];")
            r = t.get_num_dims()
            sizes = [self.let("int64_t", f"shapes[{shape_off + i}]") for i in range(r)]
            strides = [self.let("int64_t", f"strides[{shape_off + i}]") for i in range(r)]
            self.descs[a] = Desc(ptr, sizes, strides)
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


def is_private(f: func.FuncOp) -> bool:
    return f.sym_visibility is not None and f.sym_visibility.data == "private"


def emit_c(module: ModuleOp) -> CModule:
    """The C source and the error-message table of a scf-level module."""
    return CEmitter().emit_module(module)


@dataclass(frozen=True)
class CTarget(Target):
    """`mlc-opt -t c`: print the C that mlc.function compiles."""

    name = "c"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(emit_c(module).source)

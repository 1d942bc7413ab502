"""`CWriter`: what an emitter's op handlers write through.

A handler is a function `(em, op)`; it names SSA values (`em.name`), writes lines of the
current function (`em.line`), keeps memref descriptors (`em.descs`: element pointer,
sizes and strides as C expressions), adds file-scope code once (`em.require`) and error
messages (`em.message`, `em.fail`). `CEmitter` (emitter.py) is a `CWriter` that also owns
the tables; family modules import only this one, so they never import the emitter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from io import StringIO
from typing import Any, Callable, ClassVar, Iterable

from xdsl.dialects import func
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType
from xdsl.ir import Attribute, Operation, SSAValue

from mlc.dialects import loop
from mlc.passes.emit.c_types import C_TYPES


@dataclass
class Desc:
    """C expressions of a memref: element pointer, sizes, strides (in elements)."""

    ptr: str
    sizes: list[str]
    strides: list[str]


class CWriter(ABC):
    c_types: ClassVar[dict[Attribute, str]] = C_TYPES
    """IR type -> C type name (`double`, `int64_t`, ...)."""

    def __init__(self) -> None:
        self.out = StringIO()
        self.globals = StringIO()
        self.required: set[str] = set()
        self.names: dict[SSAValue, str] = {}
        self.descs: dict[SSAValue, Desc] = {}
        self.messages: list[tuple[str, str]] = [("RuntimeError", "success"),
                                                ("MemoryError", "out of memory")]
        self.n = 0
        self.depth = 1
        self.scratch = 0
        self.results: dict[int, str] = {}  # result index -> layout code (mlc_abi.h)

    @abstractmethod
    def emit_op(self, op: Operation) -> None:
        """Write the C of one op (through the emitter's tables)."""

    def emit_block(self, ops: Iterable[Operation]) -> None:
        for op in ops:
            self.emit_op(op)

    # -- types, names and lines ---------------------------------------------------------
    def ctype(self, t: Attribute) -> str:
        try:
            return self.c_types[t]
        except KeyError:
            raise TypeError(f"the C emitter has no C type for {t}") from None

    def fresh(self, prefix: str = "v") -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def name(self, v: SSAValue) -> str:
        if v not in self.names:
            self.names[v] = self.fresh()
        return self.names[v]

    def line(self, s: str) -> None:
        self.out.write("  " * self.depth + s + "\n")

    def let(self, ty: str, expr: str) -> str:
        """A `const` local holding expr (a digit string is returned as is)."""
        if expr.isdigit():
            return expr
        n = self.fresh("t")
        self.line(f"const {ty} {n} = {expr};")
        return n

    def require(self, key: str, code: str | Callable[[], str]) -> None:
        """File-scope code written once per translation unit (helpers a family needs)."""
        if key not in self.required:
            self.required.add(key)
            self.globals.write(code() if callable(code) else code)

    # -- errors -----------------------------------------------------------------------------
    def message(self, kind: str, text: str) -> int:
        self.messages.append((kind, text))
        return len(self.messages) - 1

    def fail(self, code: int, values: list[str]) -> str:
        sets = "".join(f" ctx->err_vals[{i}] = (int64_t)({v});" for i, v in enumerate(values))
        return f"{{ ctx->err_code = {code};{sets} goto mlc_fail; }}"

    def in_entry(self, op: Operation) -> bool:
        """Whether op sits directly in the public function (mlc_entry), not a kernel."""
        f = op.parent_op()
        return isinstance(f, func.FuncOp) and (f.sym_visibility is None or f.sym_visibility.data != "private")

    # -- memref descriptors -------------------------------------------------------------------
    def set_desc(self, v: SSAValue, ptr: str, sizes: list[str], strides: list[str]) -> None:
        self.descs[v] = Desc(ptr, sizes, strides)

    def contiguous(self, v: SSAValue, ptr: str, sizes: list[str]) -> Desc:
        strides = ["1"] * len(sizes)
        for i in range(len(sizes) - 2, -1, -1):
            strides[i] = self.let("int64_t", f"{strides[i + 1]} * {sizes[i + 1]}")
        d = Desc(ptr, sizes, strides)
        self.descs[v] = d
        return d

    def sizes_of(self, t: MemRefType, dynamic: tuple[SSAValue, ...]) -> list[str]:
        dyn = iter(dynamic)
        return [self.name(next(dyn)) if d == DYNAMIC_INDEX else str(d) for d in t.get_shape()]

    def call_args(self, v: SSAValue) -> list[str]:
        """The C arguments that pass v to a kernel (a memref: pointer, dynamic sizes,
        strides unless contiguous)."""
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


Handler = Callable[[CWriter, Any], None]
"""An op handler `(em, op)`: writes the C of one op (of the class it is keyed by) through
the emitter."""

CodeRule = Callable[[CWriter, Any, list[str]], str]
"""A `code_for_op` entry: the C expression of a one-result scalar op, from the C names
of its operands."""

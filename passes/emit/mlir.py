"""`IRPrinter`: xDSL's printer, with location file names that its parser reads back.

xDSL 0.74 prints every non-ASCII byte of a string literal as an escape (`"d\\C3\\A9"`),
and its lexer turns a literal with such escapes into a bytes literal, which `loc(...)`
does not accept: `f.ir(stage, debuginfo=True)` of a script in a non-ASCII path could not
be parsed by `mlc-opt`. Inside locations this printer writes printable characters as
they are (UTF-8) and escapes only quotes, backslashes and control characters, which the
lexer reads as a plain string literal. `print_ir` (passes/pipelines.py) and `mlc-opt`'s
MLIR output (`MLIRTextTarget`, `-t mlir`) both print with it.
"""

from __future__ import annotations

import dataclasses
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer
from xdsl.targets.mlir import MLIRTarget


class IRPrinter(Printer):
    def print_string_literal(self, string: str) -> None:
        if not self.printing_location or string.isascii():
            super().print_string_literal(string)
            return
        self.print_string('"')
        for ch in string:
            if ch == "\\":
                self.print_string("\\\\")
            elif ch == '"' or ord(ch) < 0x20 or ord(ch) == 0x7F or not ch.isprintable():
                for byte in ch.encode("utf-8"):
                    self.print_string(f"\\{byte:02X}")
            else:
                self.print_string(ch)
        self.print_string('"')


@dataclasses.dataclass(frozen=True)
class MLIRTextTarget(MLIRTarget):
    """`mlc-opt -t mlir` (the default): xDSL's MLIR output, printed by `IRPrinter`."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        printer = IRPrinter(stream=output, print_generic_format=self.print_generic_format,
                            print_properties_as_attributes=self.print_properties_as_attributes,
                            print_debuginfo=self.print_debuginfo)
        printer.print_op(module)
        printer.print_metadata(ctx.loaded_dialects)
        print("\n", file=output)

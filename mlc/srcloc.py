"""The user's source line that built a graph node, as an xDSL `FileLineColLoc`.

Every frontend node records where the user created it: the first stack frame outside
the `mlc` package. `mlc.function` copies it onto the `mt` op it emits (`op.location`),
so errors raised at build time, by passes and by compiled code can name the user's line.
Locations are interned per (code object, instruction), so a loop that builds many
nodes from one line pays for one xDSL attribute.
"""

from __future__ import annotations

import linecache
import sys
from functools import lru_cache
from types import CodeType

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr

UNKNOWN = FileLineColLoc(StringAttr("<unknown>"), IntAttr(0), IntAttr(0))


def _is_mlc(module_name: str) -> bool:
    return module_name == "mlc" or module_name.startswith("mlc.")


@lru_cache(maxsize=8192)
def _loc(code: CodeType, lasti: int, lineno: int) -> FileLineColLoc:
    line, col = lineno, 0
    positions = list(code.co_positions())
    if 0 <= lasti // 2 < len(positions):
        start_line, _, start_col, _ = positions[lasti // 2]
        line = start_line if start_line is not None else lineno
        col = (start_col or 0) + 1 if start_col is not None else 0
    return FileLineColLoc(StringAttr(code.co_filename), IntAttr(line or 0), IntAttr(col))


def user_location() -> FileLineColLoc:
    """Location of the innermost caller outside mlc (UNKNOWN if there is none)."""
    frame = sys._getframe(1)
    while frame is not None and _is_mlc(frame.f_globals.get("__name__", "")):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return UNKNOWN
    return _loc(frame.f_code, frame.f_lasti, frame.f_lineno)


def describe(loc: FileLineColLoc) -> str:
    """`file:line` followed by the source text of that line when it can be read."""
    filename, line = loc.filename.data, loc.line.data
    text = linecache.getline(filename, line).strip()
    where = f"{filename}:{line}"
    return f"{where}: {text}" if text else where


def at() -> str:
    """A message suffix naming the user's line: `"\\n  at file.py:12: y = T.dot(a, b)"`."""
    frame = sys._getframe(1)
    while frame is not None and _is_mlc(frame.f_globals.get("__name__", "")):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return ""
    return f"\n  at {describe(_loc(frame.f_code, frame.f_lasti, frame.f_lineno))}"

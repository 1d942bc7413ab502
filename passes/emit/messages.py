"""How the error messages of compiled code name the user's line and input: as text, or
as templates that one cached artifact shares among equal graphs built on other lines.

`loop.check` messages, built by `where(op)` and `describe(v)` in passes/mt_to_loop/builder.py,
name the op's source line and, where known, the input. With real source locations that
is plain text, with braces escaped so that the runtime's `format_message` substitutes
only its own `{0}`..`{3}`. `mlc.function` compiles with *site* locations instead
(`site_location(n)`: the n-th block argument or op of the frontend walk in
mlc/compile/translate.py). These become the tokens `{@where:n}` and `{@input:n:p}`, and
`resolve` fills them in for each function from the sites of its own graph:

    mt.add{@where:4}: {@input:1:1} has size {1} ...
    -> mt.add (model.py:12): input 'y' has size {1} ...

This module imports nothing heavy: a cache hit resolves templates without loading the
passes.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr

SITE_FILE = "<mlc-site>"
"""The file name of a site location; its line is the site's number."""

_TOKENS = re.compile(r"\{\{|\}\}|\{@(where|input):(\d+)(?::(\d+))?\}")


class TemplateError(ValueError):
    """A message names a site the graph does not have: the messages belong to another
    graph (a damaged or foreign cache entry)."""


def escape(text: str) -> str:
    """User text inside a message: braces doubled, so the runtime prints them as is."""
    return text.replace("{", "{{").replace("}", "}}")


def site_location(n: int) -> FileLineColLoc:
    return FileLineColLoc(StringAttr(SITE_FILE), IntAttr(n), IntAttr(0))


def site_of(loc: object) -> Optional[int]:
    """The site number of a site location, else None."""
    if isinstance(loc, FileLineColLoc) and loc.filename.data == SITE_FILE:
        return loc.line.data
    return None


def where_text(loc: object) -> str:
    """` (file.py:12)` for a source location, else ''."""
    if isinstance(loc, FileLineColLoc):
        return f" ({escape(loc.filename.data)}:{loc.line.data})"
    return ""


def input_text(name: Optional[str], position: int) -> str:
    """`input 'x'` for a named input, else `operand <position>`."""
    return f"input '{escape(name)}'" if name else f"operand {position}"


def where_token(site: int) -> str:
    return f"{{@where:{site}}}"


def input_token(site: int, position: int) -> str:
    return f"{{@input:{site}:{position}}}"


def resolve(text: str, sites: Sequence[tuple[object, Optional[str]]]) -> str:
    """`text` with its tokens replaced from `sites` ((location, name) per site number);
    escaped braces stay escaped for the runtime. TemplateError for an unknown site."""
    if "{@" not in text:
        return text

    def replace(m: re.Match) -> str:
        kind, site, position = m.groups()
        if kind is None:
            return m.group(0)
        if int(site) >= len(sites):
            raise TemplateError(f"the message names site {site}, but the graph has "
                                f"{len(sites)} sites")
        loc, name = sites[int(site)]
        return where_text(loc) if kind == "where" else input_text(name, int(position or 0))

    return _TOKENS.sub(replace, text)

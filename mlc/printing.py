"""`mlc.printing.debugprint`: a graph as an indented text tree, in Theano's format.

    >>> mlc.printing.debugprint((x + y) * 2.0)
    mt.mul [id A] ''
     |mt.add [id B] ''
     | |x [id C]
     | |y [id D]
     |TensorConstant{2.0} [id E]

A variable (or a list of them) prints the frontend graph as the user built it. A
compiled function prints its optimized `mt` graph (what `f.ir("mt")` shows as IR): one
tree per output, then one per update value, each op line ending with the op's position
in the function body, as Theano does for compiled functions. A node reached a second
time prints its id alone. This module reads graphs only; nothing in the pipeline uses it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from io import StringIO
from typing import Any, Callable, Optional, TextIO

import numpy as np

from mlc.tensor.variable import Constant, Variable


@dataclass
class _Line:
    """One node of the tree: what a printer needs from a frontend variable or an SSA value."""

    label: str          # op name (with parameters) or leaf name
    key: Any            # identity for ids: the producing node, or the leaf itself
    children: list[Any]
    type: str
    name: Optional[str] = None  # set for op results (printed as 'name')
    loc: Any = None
    order: Optional[int] = None


def _char_id(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> BA (Theano's ids)."""
    out = ""
    while True:
        out = chr(ord("A") + n % 26) + out
        n //= 26
        if n == 0:
            return out


def _constant_label(data: np.ndarray) -> str:
    """Theano's `TensorConstant{...}`: a 0-d value, `(1, 1) of 2.0` for a uniform array."""
    if data.ndim == 0:
        text = repr(data.item())
    elif data.size and (data == (first := data.reshape(-1)[0])).all():  # .flat stops at 32 dims
        text = f"{data.shape} of {first.item()!r}"
    else:
        text = np.array2string(data, threshold=8, separator=", ")
    return f"TensorConstant{{{text}}}"


def _params_label(name: str, params: dict[str, Any]) -> str:
    if not params:
        return name
    return name + "{" + ", ".join(f"{k}={v}" for k, v in params.items()) + "}"


def _where(loc: Any) -> str:
    """`  at file.py:12` for a FileLineColLoc; nothing for other or unknown locations."""
    filename = getattr(getattr(loc, "filename", None), "data", "")
    if not filename or filename == "<unknown>":
        return ""
    return f"  at {os.path.basename(filename)}:{loc.line.data}"


@dataclass
class _Printer:
    describe: Callable[[Any], _Line]
    out: TextIO
    ids: str = "CHAR"
    print_type: bool = False
    print_loc: bool = False
    stop_on_name: bool = False
    done: dict[Any, str] = field(default_factory=dict)

    def id_of(self, key: Any) -> tuple[str, bool]:
        """The id string of `key` and whether it was printed before."""
        if key in self.done:
            return self.done[key], True
        n = len(self.done)
        text = {"CHAR": _char_id(n), "int": str(n), "id": str(id(key)), "": ""}[self.ids]
        self.done[key] = f"[id {text}]" if text else ""
        return self.done[key], False

    def line(self, info: _Line, prefix: str, seen_id: str) -> None:
        parts = [prefix + info.label]
        if seen_id:
            parts.append(seen_id)
        if self.print_type:
            parts.append(f"<{info.type}>")
        if info.name is not None:
            parts.append(f"'{info.name}'")
        if info.order is not None:
            parts.append(f"  {info.order}")
        text = " ".join(parts) + (_where(info.loc) if self.print_loc else "")
        print(text, file=self.out)

    def tree(self, root: Any, depth: int) -> None:
        """Prints `root` and its inputs, iteratively (deep graphs do not recurse)."""
        stack = [(root, "", "", depth)]
        while stack:
            node, prefix, child_prefix, left = stack.pop()
            if left == 0:
                continue
            info = self.describe(node)
            ident, seen = self.id_of(info.key)
            self.line(info, prefix, ident)
            if seen or (self.stop_on_name and info.name):
                continue
            kids = info.children
            for k in range(len(kids) - 1, -1, -1):
                last = k == len(kids) - 1
                stack.append((kids[k], child_prefix + " |", child_prefix + ("  " if last else " |"),
                              left - 1))


def _describe_variable(v: Variable) -> _Line:
    node = v.owner
    if node is None:
        label = _constant_label(v.data) if isinstance(v, Constant) and not v.name else repr(v)
        return _Line(label, v, [], str(v.type), loc=v.loc)
    label = _params_label(node.op.name, node.params)
    if len(node.outputs) > 1:
        label += f".{v.index}"
    return _Line(label, node, list(node.inputs), str(v.type), v.name or "", node.loc)


def _function_view(f: Any) -> tuple[list[Any], Callable[[Any], _Line]]:
    """The optimized `mt` graph of compiled function `f`: its return values and a
    describer of SSA values (block arguments are named after f's inputs and shared)."""
    from xdsl.dialects import func
    from xdsl.ir import BlockArgument

    from mlc.compile.translate import to_module
    from mlc.dialects import mt
    from mlc.passes.pipelines import GRAPH_PIPELINES, run_passes

    module = to_module(f._fg)
    run_passes(module, GRAPH_PIPELINES[f.mode])
    main = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    leaves = [*f._fg.inputs, *f._fg.shared]
    order = {op: i for i, op in enumerate(main.body.block.ops)}

    def describe(value: Any) -> _Line:
        if isinstance(value, BlockArgument):
            return _Line(repr(leaves[value.index]), value, [], str(value.type), loc=value.location)
        op = value.owner
        if isinstance(op, mt.ConstantOp):
            return _Line(_constant_label(op.array()), op, [], str(value.type), loc=op.location)
        params = op.params() if isinstance(op, mt.MtOp) else {}
        label = _params_label(op.name, params)
        if len(op.results) > 1:
            label += f".{value.index}"
        return _Line(label, op, list(op.operands), str(value.type), value.name_hint or "",
                     op.location, order[op])

    returned = main.body.block.last_op
    return list(returned.operands), describe


def debugprint(obj: Any, depth: int = -1, print_type: bool = False, file: Any = None,
               ids: str = "CHAR", stop_on_name: bool = False, print_loc: bool = False) -> Any:
    """Print `obj` (a variable, a list of variables or a compiled function) as a tree.

    `depth` limits the levels printed (-1: all); `print_type` adds each value's type;
    `ids` is 'CHAR' (A, B, ...), 'int', 'id' (Python ids) or '' (none); `stop_on_name`
    does not expand named variables below the root; `print_loc` adds the user's source
    line of each node. `file` is a stream (default stdout) or 'str' to return the text;
    otherwise the stream is returned, as in Theano."""
    if ids not in ("CHAR", "int", "id", ""):
        raise ValueError(f"debugprint: ids must be 'CHAR', 'int', 'id' or '', got {ids!r}")
    stream = StringIO() if file == "str" else (sys.stdout if file is None else file)
    if isinstance(obj, Variable):
        roots, describe = [obj], _describe_variable
    elif isinstance(obj, (list, tuple)) and all(isinstance(v, Variable) for v in obj):
        roots, describe = list(obj), _describe_variable
    elif hasattr(obj, "_fg") and hasattr(obj, "mode"):
        roots, describe = _function_view(obj)
    else:
        raise TypeError(f"debugprint: expected a variable, a list of variables or a compiled "
                        f"function, got {obj!r}")
    printer = _Printer(describe, stream, ids, print_type, print_loc, stop_on_name)
    for root in roots:
        printer.tree(root, depth)
    return stream.getvalue() if file == "str" else stream


__all__ = ["debugprint"]

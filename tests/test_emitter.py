"""The C emitter is a class whose tables a backend overrides entry by entry.

`CEmitter.code_for_op`, `.handlers`, `.prelude` and `.c_types` are class attributes
assembled from the family modules of passes/emit/. A toy backend that changes how one op
is written (as a CUDA emitter changes math names and loops) subclasses it and replaces
that entry: everything else it emits is the C emitter's, byte for byte.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith
from xdsl.parser import Parser

import mlc
import mlc.tensor as T
from mlc.passes.emit import blas, core, elemwise, indexing, loops, math, random, sort, structure
from mlc.passes.emit.emitter import CEmitter, emit_c
from mlc.passes.pipelines import make_context
from mlc.runtime.compile import compile_c

TOY_PRELUDE = "static inline double toy_add(double a, double b) { return a + b; }\n"


class ToyEmitter(CEmitter):
    """Writes float additions as calls of its own helper."""

    code_for_op = {**CEmitter.code_for_op,
                   arith.AddfOp: lambda em, op, a: f"toy_add({a[0]}, {a[1]})"}
    prelude = CEmitter.prelude + TOY_PRELUDE


def scf_module(f):
    return Parser(make_context(), f.ir("scf")).parse_module()


def test_a_subclass_changes_only_the_entry_it_overrides():
    x, y = T.dvector("x"), T.dvector("y")
    f = mlc.function([x, y], T.exp(x) * 2.0 + y)
    base = emit_c(scf_module(f)).source
    toy = ToyEmitter().emit_module(scf_module(f)).source
    assert "toy_add(" not in base and toy.count("toy_add(") == 2  # definition and one use
    body = base[len(CEmitter.prelude):]
    add = [ln for ln in body.splitlines() if " + " in ln and "const double" in ln and "mlc_" not in ln]
    assert len(add) == 1, add
    lhs, rhs = add[0].split(" = ")
    a, b = rhs.rstrip(";").split(" + ")
    assert toy == base.replace(CEmitter.prelude, ToyEmitter.prelude, 1).replace(
        add[0], f"{lhs} = toy_add({a}, {b});")
    compile_c(toy)  # it is still one valid translation unit
    assert np.allclose(f([1.0, 2.0], [3.0, 4.0]), np.exp([1.0, 2.0]) * 2 + [3.0, 4.0])


def test_the_tables_are_the_union_of_the_family_tables():
    families = (core, loops, structure, indexing, sort, blas)
    assert CEmitter.handlers == {k: v for m in families for k, v in m.HANDLERS.items()}
    assert CEmitter.code_for_op == {**elemwise.CODE_FOR_OP, **math.CODE_FOR_OP, **random.CODE_FOR_OP}
    for m in (core, elemwise, indexing, math, random):
        assert m.PRELUDE in CEmitter.prelude
    assert not set(CEmitter.handlers) & set(CEmitter.code_for_op)  # one rule per op class


def test_blas_code_asks_the_runtime_for_openblas_once():
    x, w = T.dmatrix("x"), T.dmatrix("w")
    source = mlc.function([x, w], T.dot(T.dot(x, w), w)).ir("c")
    assert source.count(blas.BLAS_MARKER) == 1 and source.count("#include <cblas.h>") == 1

"""`mt.scan`: a loop whose body is a region, run `n_steps` times inside the one native call.

Operands: the step count (a 0-d int64 tensor), then the sequences, the initial values of
the recurrent states, and the captures (values the body reads from outside):

    %h, %y = mt.scan %n, %x, %h0, %w {n_seqs = 1, taps = array<i64: -1>, tap_counts = array<i64: 1>, n_outs = 1} ({
    ^bb0(%xt: tensor<?xf64>, %hp: tensor<?xf64>, %wc: tensor<?x?xf64>):
      ...
      mt.scan_yield %hn, %yt : tensor<?xf64>, tensor<?xf64>
    }) : (...) -> (tensor<?x?xf64>, tensor<?x?xf64>)

Step t (0 <= t < n) reads row t of every sequence and, for a state with taps
(-k_1, ..., -k_m) (every tap negative, k = max k_i), the rows written k_i steps earlier.
A state's initial value holds its first k rows (row j stands for step j - k); its result
holds those k rows followed by one row per step (k + n rows). The body yields one new
row per state, then one row per plain output (`n_outs`, outputs not fed back; result n
rows). Block arguments: one row per sequence, one per state tap (state by state, taps in
order), then one per capture. Every sequence must have at least n rows (checked at run
time); a yielded row must have its state's row shape.
"""

from __future__ import annotations

from typing import Any, Sequence

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.ir import Block, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    prop_def,
    region_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import HasParent, IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import MtOp, int_array

STEPS_TYPE = dt.tensor_type("int64", ())


def row_type(t: TensorType) -> TensorType:
    """The type of one row (the first axis dropped)."""
    return dt.tensor_type(dt.dtype_of(t), dt.shape_of(t)[1:])


@irdl_op_definition
class ScanYieldOp(IRDLOperation):
    """`mt.scan_yield %rows...`: a step's new state rows, then its output rows."""

    name = "mt.scan_yield"
    values = var_operand_def(TensorType)
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ScanOp), Pure()))
    assembly_format = "$values attr-dict `:` type($values)"

    def __init__(self, values: Sequence[SSAValue]):
        super().__init__(operands=[list(values)])


def _merge_row(state: str, init: TensorType, got: TensorType) -> tuple[int, ...]:
    """The row shape of a state whose initial rows have type `init` and whose body yields
    `got` (dtype and rank must agree; a static size wins over a dynamic one)."""
    want = dt.shape_of(init)[1:]
    if dt.dtype_of(got) != dt.dtype_of(init) or len(dt.shape_of(got)) != len(want):
        raise MtTypeError(f"mt.scan: {state} starts as rows of {row_type(init)} but the step yields {got}")
    shape = []
    for a, b in zip(want, dt.shape_of(got)):
        if DYN not in (a, b) and a != b:
            raise MtTypeError(f"mt.scan: {state} starts as rows of {row_type(init)} but the step yields {got}")
        shape.append(b if a == DYN else a)
    return tuple(shape)


@irdl_op_definition
class ScanOp(MtOp):
    """`mt.scan %n, operands {params} ({body})`: a loop over steps (see the module doc)."""

    name = "mt.scan"
    n_steps = operand_def(TensorType)
    inputs = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    body = region_def("single_block")
    n_seqs = prop_def(IntegerAttr)
    n_outs = prop_def(IntegerAttr)
    taps = prop_def(DenseArrayBase)
    tap_counts = prop_def(DenseArrayBase)
    traits = lazy_traits_def(lambda: (RecursiveMemoryEffect(),))
    assembly_format = "$n_steps `,` $inputs $body attr-dict `:` functional-type(operands, results)"

    # -- parameters ------------------------------------------------------------------------
    @classmethod
    def encode_params(cls, params: dict[str, Any]) -> dict:
        taps = params["taps"]
        return {"n_seqs": IntegerAttr(params["n_seqs"], i64), "n_outs": IntegerAttr(params["n_outs"], i64),
                "taps": int_array([t for ts in taps for t in ts]),
                "tap_counts": int_array([len(ts) for ts in taps])}

    def params(self) -> dict[str, Any]:
        flat = list(self.properties["taps"].get_values())  # type: ignore[attr-defined]
        taps, at = [], 0
        for c in self.properties["tap_counts"].get_values():  # type: ignore[attr-defined]
            taps.append(tuple(flat[at:at + c]))
            at += c
        return {"n_seqs": self.properties["n_seqs"].value.data,  # type: ignore[attr-defined]
                "n_outs": self.properties["n_outs"].value.data,  # type: ignore[attr-defined]
                "taps": tuple(taps), "body": RegionBody(self.body.block)}

    # -- typing ------------------------------------------------------------------------------
    @staticmethod
    def split(values: Sequence[Any], n_seqs: int, taps: Sequence[Sequence[int]]) -> tuple[list, list, list]:
        """(sequences, initial states, captures) of the operands after the step count."""
        vals = list(values)
        return vals[:n_seqs], vals[n_seqs:n_seqs + len(taps)], vals[n_seqs + len(taps):]

    @classmethod
    def block_types(cls, in_types: Sequence[TensorType], n_seqs: int,
                    taps: Sequence[Sequence[int]]) -> list[TensorType]:
        """The body block's argument types: sequence rows, state taps, captures."""
        seqs, inits, caps = cls.split(in_types[1:], n_seqs, taps)
        for i, t in enumerate([*seqs, *inits]):
            if not dt.shape_of(t):
                what = f"sequence {i}" if i < len(seqs) else f"state {i - len(seqs)}'s initial value"
                raise MtTypeError(f"mt.scan: {what} must have at least one axis, got {t}")
        return [*(row_type(t) for t in seqs),
                *(row_type(t) for t, ts in zip(inits, taps) for _ in ts), *caps]

    @classmethod
    def infer_scan(cls, in_types: Sequence[TensorType], yielded: Sequence[TensorType], n_seqs: int,
                   n_outs: int, taps: Sequence[Sequence[int]]) -> list[TensorType]:
        if in_types[0] != STEPS_TYPE:
            raise MtTypeError(f"mt.scan: the step count must be a 0-d int64 tensor, got {in_types[0]}")
        for s, ts in enumerate(taps):
            if not ts or any(t >= 0 for t in ts):
                raise MtTypeError(f"mt.scan: state {s} needs negative taps (past steps), got {tuple(ts)}")
        cls.block_types(in_types, n_seqs, taps)
        _, inits, _ = cls.split(in_types[1:], n_seqs, taps)
        if len(yielded) != len(taps) + n_outs:
            raise MtTypeError(f"mt.scan: the step yields {len(yielded)} values for {len(taps)} states "
                              f"and {n_outs} outputs")
        out = [dt.tensor_type(dt.dtype_of(t), (DYN, *_merge_row(f"state {s}", t, y)))
               for s, (t, y) in enumerate(zip(inits, yielded))]
        return out + [dt.tensor_type(dt.dtype_of(y), (DYN, *dt.shape_of(y))) for y in yielded[len(taps):]]

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        """`body` is a region builder: `result_types` (the yielded types) and
        `build(block) -> values` (fills a block of `block_types` and returns what it yields)."""
        return cls.infer_scan(in_types, params["body"].result_types, params["n_seqs"], params["n_outs"],
                              params["taps"])

    @classmethod
    def make(cls, operands: Sequence[SSAValue | Any], **params: Any) -> "ScanOp":
        vals = [SSAValue.get(v) for v in operands]
        types = [v.type for v in vals]
        block = Block(arg_types=cls.block_types(types, params["n_seqs"], params["taps"]))
        yielded = params["body"].build(block)
        block.add_op(ScanYieldOp(yielded))
        results = cls.infer_scan(types, [v.type for v in yielded], params["n_seqs"], params["n_outs"],
                                 params["taps"])
        return cls.create(operands=vals, result_types=results, properties=cls.encode_params(params),
                          regions=[Region(block)])

    def verify_(self) -> None:
        p = self.params()
        try:
            want_args = self.block_types([v.type for v in self.operands], p["n_seqs"], p["taps"])  # type: ignore[arg-type]
            last = self.body.block.last_op
            if not isinstance(last, ScanYieldOp):
                raise MtTypeError("mt.scan: the body must end in mt.scan_yield")
            out = self.infer_scan([v.type for v in self.operands], [v.type for v in last.values],  # type: ignore[arg-type]
                                  p["n_seqs"], p["n_outs"], p["taps"])
        except MtTypeError as e:
            raise VerifyException(str(e)) from None
        if [a.type for a in self.body.block.args] != want_args:
            raise VerifyException("mt.scan: the body takes one row per sequence, one per state tap, "
                                  "then the captures")
        if out != [r.type for r in self.results]:
            raise VerifyException(f"mt.scan: result types should be {', '.join(map(str, out))}")


class RegionBody:
    """An existing region seen as a region builder (`result_types`, `build`): building
    clones its ops into the new block, so a rule can re-make a scan from its params."""

    def __init__(self, block: Block) -> None:
        self.block = block
        self.result_types = [v.type for v in block.last_op.operands]  # type: ignore[union-attr]

    def build(self, block: Block) -> list[SSAValue]:
        mapping: dict[SSAValue, SSAValue] = dict(zip(self.block.args, block.args))
        for op in self.block.ops:
            if isinstance(op, ScanYieldOp):
                return [mapping.get(v, v) for v in op.values]
            block.add_op(op.clone(value_mapper=mapping))
        raise VerifyException("mt.scan: the body must end in mt.scan_yield")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RegionBody) and other.block is self.block

    def __hash__(self) -> int:
        return id(self.block)


SCAN_LOOP_OPS = (ScanOp,)

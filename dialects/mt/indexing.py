"""Indexing `mt` ops beyond constant basic slicing (`mt.subtensor` in structure.py).

Basic indexing with symbolic bounds reads with `mt.dynamic_subtensor` and writes with
`mt.set_subtensor` / `mt.inc_subtensor`. Their bounds are `starts/stops/steps` as in
`mt.subtensor`; `dynamic` lists the bounds that come from operands instead, one 0-d
integer tensor each, by flat position `3 * axis + k` (k = 0 start, 1 stop, 2 step).
Under a run-time step, a constant start or stop of NONE_HI or NONE_LO means "omitted"
(Python's default for the step's sign):

    %s = mt.dynamic_subtensor %x[%i] {starts = array<i64: 0>, stops = array<i64: 0>,
           steps = array<i64: 1>, squeeze = array<i64: 0>, dynamic = array<i64: 0>}
           : (tensor<?x?xf64>, tensor<i32>) -> tensor<?xf64>

Advanced indexing (NumPy semantics) reads with `mt.advanced_subtensor` and writes with
`mt.advanced_set_subtensor` / `mt.advanced_inc_subtensor`. Index operand k is an integer
array that indexes axis `axes[k]`, or a boolean mask of rank r that covers axes
`axes[k] .. axes[k] + r - 1` (it stands for its `nonzero()` arrays). The index arrays
broadcast together to B; the result is x's other axes with B in place of the indexed
ones when those are adjacent, else B first:

    %g = mt.advanced_subtensor %x[%i, %j] {axes = array<i64: 0, 2>}
           : (tensor<?x?x?xf64>, tensor<?xi64>, tensor<?xi32>) -> tensor<?x?xf64>

Writes return a new tensor (value semantics): x with `value` (broadcast to the indexed
shape, x's dtype) stored into, or added to, the indexed elements. With advanced indices
a repeated entry accumulates for `inc` (`np.add.at`) and the last write wins for `set`.

`mt.nonzero` gives the positions of the nonzero elements, the index arrays a boolean
mask stands for:

    %p = mt.nonzero %x : tensor<?x?xf64> -> tensor<2x?xi64>
"""

from __future__ import annotations

from typing import Any, ClassVar, Sequence

from xdsl.dialects.builtin import DenseArrayBase, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def, var_operand_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import MtOp
from mlc.dialects.mt.structure import slice_length


class MtIndexError(MtTypeError):
    """An index that cannot apply to the tensor: out of bounds, a boolean mask of the
    wrong shape, index arrays that do not broadcast (the frontend raises IndexError)."""


def check_value(op_name: str, value: TensorType, target: Sequence[int], dtype: str) -> None:
    """The value written by a set/inc op has x's dtype and broadcasts to `target`."""
    if dt.dtype_of(value) != dtype:
        raise MtTypeError(f"{op_name}: the value has dtype {dt.dtype_of(value)}, x has {dtype}")
    shape = dt.shape_of(value)
    if len(shape) > len(target):
        raise MtTypeError(f"{op_name}: the value has rank {len(shape)}, more than the "
                          f"rank {len(target)} of the indexed subtensor")
    for axis, (v, t) in enumerate(zip(shape, target[len(target) - len(shape):])):
        if v not in (1, DYN) and t != DYN and v != t:
            raise MtTypeError(f"{op_name}: the value has size {v} along axis {axis}, where the "
                              f"indexed subtensor has size {t}")


def _check_scalar_index(op_name: str, t: TensorType) -> None:
    if dt.shape_of(t) != () or not dt.is_int(dt.dtype_of(t)):
        raise MtTypeError(f"{op_name}: a symbolic bound must be a 0-d integer tensor, got {t}")


class BasicIndexOp(MtOp):
    """Basic indexing with bounds that may be operands (see the module docstring)."""

    INT_PARAMS: ClassVar[tuple[str, ...]] = ("starts", "stops", "steps", "squeeze", "dynamic")
    N_DATA: ClassVar[int] = 1
    """Operands before the bounds: x (reads) or x and the value (writes)."""
    starts = prop_def(DenseArrayBase)
    stops = prop_def(DenseArrayBase)
    steps = prop_def(DenseArrayBase)
    squeeze = prop_def(DenseArrayBase)
    dynamic = prop_def(DenseArrayBase)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    @classmethod
    def indexed_shape(cls, in_types: Sequence[TensorType], params: dict[str, Any]) -> tuple[int, ...]:
        shape = dt.shape_of(in_types[0])
        starts, stops, steps = params["starts"], params["stops"], params["steps"]
        squeeze, dynamic = set(params["squeeze"]), tuple(params["dynamic"])
        bounds = in_types[cls.N_DATA:]
        if not len(starts) == len(stops) == len(steps) <= len(shape):
            raise MtTypeError(f"{cls.name}: too many indices for a rank-{len(shape)} tensor")
        if len(dynamic) != len(bounds) or len(set(dynamic)) != len(dynamic) or any(
                not 0 <= p < 3 * len(starts) for p in dynamic):
            raise MtTypeError(f"{cls.name}: `dynamic` must name one bound per index operand")
        for t in bounds:
            _check_scalar_index(cls.name, t)
        if any(not 0 <= a < len(starts) for a in squeeze):
            raise MtTypeError(f"{cls.name}: squeezed axes must be indexed axes")
        out = []
        for axis, size in enumerate(shape):
            known = [3 * axis + k not in dynamic for k in range(3)]
            if axis >= len(starts):
                out.append(size)
            elif axis in squeeze:
                i = starts[axis]
                if known[0] and size != DYN and not -size <= i < size:
                    raise MtIndexError(f"{cls.name}: index {i} is out of bounds for axis "
                                      f"{axis} with size {size}")
            elif known[2] and steps[axis] == 0:
                raise MtTypeError(f"{cls.name}: slice step cannot be zero")
            elif size == DYN or not all(known):
                out.append(DYN)
            else:
                out.append(slice_length(starts[axis], stops[axis], steps[axis], size))
        return tuple(out)


@irdl_op_definition
class DynamicSubtensorOp(BasicIndexOp):
    """`mt.dynamic_subtensor %x[%bounds...]`: basic indexing `x[i, a:b:s]` whose bounds
    may be 0-d integer tensors (Python's slice semantics: clamping, negative indices and
    steps; a zero step is a ValueError, an integer index out of range an IndexError)."""

    name = "mt.dynamic_subtensor"
    input = operand_def(TensorType)
    indices = var_operand_def(TensorType)
    assembly_format = "$input `[` $indices `]` attr-dict `:` functional-type(operands, results)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        return [dt.tensor_type(dt.dtype_of(in_types[0]), cls.indexed_shape(in_types, params))]


class BasicWriteOp(BasicIndexOp):
    N_DATA: ClassVar[int] = 2
    input = operand_def(TensorType)
    value = operand_def(TensorType)
    indices = var_operand_def(TensorType)
    assembly_format = ("$input `[` $indices `]` `,` $value attr-dict `:` "
                       "functional-type(operands, results)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        target = cls.indexed_shape(in_types, params)
        check_value(cls.name, in_types[1], target, dt.dtype_of(in_types[0]))
        return [in_types[0]]


@irdl_op_definition
class SetSubtensorOp(BasicWriteOp):
    """`mt.set_subtensor %x[%bounds...], %y`: x with `x[index] = y` (y broadcasts)."""

    name = "mt.set_subtensor"


@irdl_op_definition
class IncSubtensorOp(BasicWriteOp):
    """`mt.inc_subtensor %x[%bounds...], %y`: x with `x[index] += y` (y broadcasts)."""

    name = "mt.inc_subtensor"


def _shape_str(shape: Sequence[int]) -> str:
    dims = ["?" if d == DYN else str(d) for d in shape]
    return f"({', '.join(dims)}{',' if len(dims) == 1 else ''})"


def advanced_layout(op_name: str, shape: Sequence[int], index_types: Sequence[TensorType],
                    axes: Sequence[int]) -> tuple[tuple[int, ...], int, int]:
    """(result shape, first result dim of B, rank of B) of advanced indexing."""
    if not index_types or len(axes) != len(index_types):
        raise MtTypeError(f"{op_name}: expected one axis per index operand (at least one)")
    consumed, b_shapes, end = [], [], 0
    for t, a in zip(index_types, axes):
        d, ishape = dt.dtype_of(t), dt.shape_of(t)
        if d != "bool" and not dt.is_int(d):
            raise MtTypeError(f"{op_name}: index arrays must be integer or boolean, got {d}")
        n = len(ishape) if d == "bool" else 1
        if a < end or a + n > len(shape):
            raise MtTypeError(f"{op_name}: index axes {list(axes)} overlap or exceed rank {len(shape)}")
        if d == "bool":
            for k, (m, s) in enumerate(zip(ishape, shape[a:a + n])):
                if DYN not in (m, s) and m != s:
                    raise MtIndexError(f"{op_name}: boolean index did not match indexed array "
                                      f"along axis {a + k}; size of axis is {s} but size of "
                                      f"corresponding boolean axis is {m}")
        consumed.append(n)
        b_shapes.append((DYN,) if d == "bool" else ishape)
        end = a + n
    nb = max(len(s) for s in b_shapes)
    padded = [(1,) * (nb - len(s)) + tuple(s) for s in b_shapes]
    try:
        b = dt.broadcast_shapes(op_name, padded)
    except MtTypeError:
        raise MtIndexError(f"{op_name}: shape mismatch: indexing arrays could not be broadcast "
                           f"together with shapes {' '.join(map(_shape_str, b_shapes))}") from None
    adjacent = all(axes[k + 1] == axes[k] + consumed[k] for k in range(len(axes) - 1))
    covered = {a + i for a, n in zip(axes, consumed) for i in range(n)}
    rest = [s for i, s in enumerate(shape) if i not in covered]
    bstart = axes[0] if adjacent else 0
    return tuple(rest[:bstart]) + b + tuple(rest[bstart:]), bstart, nb


class AdvancedIndexOp(MtOp):
    """Advanced indexing by integer arrays and boolean masks (see the module docstring)."""

    INT_PARAMS: ClassVar[tuple[str, ...]] = ("axes",)
    N_DATA: ClassVar[int] = 1
    axes = prop_def(DenseArrayBase)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    @classmethod
    def layout(cls, in_types: Sequence[TensorType],
               params: dict[str, Any]) -> tuple[tuple[int, ...], int, int]:
        return advanced_layout(cls.name, dt.shape_of(in_types[0]), in_types[cls.N_DATA:],
                               params["axes"])


@irdl_op_definition
class AdvancedSubtensorOp(AdvancedIndexOp):
    """`mt.advanced_subtensor %x[%idx...]`: NumPy's `x[..., i, ..., mask, ...]`; indices
    out of range raise IndexError, negative ones count from the end."""

    name = "mt.advanced_subtensor"
    input = operand_def(TensorType)
    indices = var_operand_def(TensorType)
    assembly_format = "$input `[` $indices `]` attr-dict `:` functional-type(operands, results)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = cls.layout(in_types, params)[0]
        return [dt.tensor_type(dt.dtype_of(in_types[0]), shape)]


class AdvancedWriteOp(AdvancedIndexOp):
    N_DATA: ClassVar[int] = 2
    input = operand_def(TensorType)
    value = operand_def(TensorType)
    indices = var_operand_def(TensorType)
    assembly_format = ("$input `[` $indices `]` `,` $value attr-dict `:` "
                       "functional-type(operands, results)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        target = cls.layout(in_types, params)[0]
        check_value(cls.name, in_types[1], target, dt.dtype_of(in_types[0]))
        return [in_types[0]]


@irdl_op_definition
class AdvancedSetSubtensorOp(AdvancedWriteOp):
    """`mt.advanced_set_subtensor %x[%idx...], %y`: x with `x[idx] = y`; for a repeated
    index the last write (in C order over the indexed shape) wins."""

    name = "mt.advanced_set_subtensor"


@irdl_op_definition
class AdvancedIncSubtensorOp(AdvancedWriteOp):
    """`mt.advanced_inc_subtensor %x[%idx...], %y`: x with `np.add.at(x, idx, y)`:
    repeated indices accumulate."""

    name = "mt.advanced_inc_subtensor"


@irdl_op_definition
class NonzeroOp(MtOp):
    """`mt.nonzero %x`: the positions of the nonzero elements of x (NaN counts as nonzero)
    in C order, as an int64 matrix with one row per axis of x (Theano's Nonzero).

        %p = mt.nonzero %x : tensor<?x?xf64> -> tensor<2x?xi64>
    """

    name = "mt.nonzero"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        rank = len(dt.shape_of(in_types[0]))
        if rank == 0:
            raise MtTypeError("mt.nonzero: the input must have at least one dimension")
        return [dt.tensor_type("int64", (rank, dt.DYN))]


INDEXING_OPS = (DynamicSubtensorOp, SetSubtensorOp, IncSubtensorOp, AdvancedSubtensorOp,
                AdvancedSetSubtensorOp, AdvancedIncSubtensorOp, NonzeroOp)

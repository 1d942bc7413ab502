"""Random variables: `mt.random_uniform`, `mt.random_normal`, `mt.random_binomial`,
`mt.random_integers`, `mt.random_permutation`, `mt.random_choice` and
`mt.random_weighted_choice`.

Every op is a pure function of a random *state* and its parameters: the state is an
int64 vector `[key, counter, stream]` (a shared variable in the frontend) and element i
of the result (row-major order) draws its random bits from the counter-based generator
Philox4x32-10 at counter `counter + i` of sub-stream `stream` under `key` (docs/random.md).
The same state therefore always gives the same numbers, and CSE may merge equal ops.
Advancing the state is not the op's business: the frontend's default update adds the
number of draws to `counter`.

The result shape is the `shape` property; a -1 entry is dynamic and takes its size from
the next trailing 0-d integer operand. Distribution parameters have the result's rank
and broadcast where their size is statically 1.

    %u = mt.random_uniform %state, %low, %high, %n {shape = array<i64: -1, 3>}
         : (tensor<?xi64>, tensor<1x1xf64>, tensor<1x1xf64>, tensor<i64>) -> tensor<?x3xf64>
"""

from __future__ import annotations

from typing import Any, ClassVar, Sequence

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, TensorType, i1
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def, var_operand_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import MtOp, int_array

STATE_SIZE = 3
"""A random state is `[key, counter, stream]` (int64)."""


def _check_state(name: str, t: TensorType) -> None:
    shape = dt.shape_of(t)
    if dt.dtype_of(t) != "int64" or len(shape) != 1 or shape[0] not in (DYN, STATE_SIZE):
        raise MtTypeError(f"{name}: the random state must be an int64 vector of length "
                          f"{STATE_SIZE}, got {t}")


def _check_sizes(name: str, shape: Sequence[int], sizes: Sequence[TensorType]) -> None:
    if any(d < DYN for d in shape):
        raise MtTypeError(f"{name}: shape {list(shape)} has a negative size")
    if sum(1 for d in shape if d == DYN) != len(sizes):
        raise MtTypeError(f"{name}: shape {list(shape)} needs one size operand per dynamic "
                          f"entry, got {len(sizes)}")
    for t in sizes:
        if dt.shape_of(t) != () or not dt.is_int(dt.dtype_of(t)):
            raise MtTypeError(f"{name}: a size operand must be a 0-d integer tensor, got {t}")


def _check_param(name: str, what: str, t: TensorType, shape: Sequence[int]) -> None:
    pshape = dt.shape_of(t)
    if len(pshape) != len(shape):
        raise MtTypeError(f"{name}: {what} has rank {len(pshape)}, the result has rank "
                          f"{len(shape)}")
    for axis, (p, s) in enumerate(zip(pshape, shape)):
        if p not in (1, DYN) and s != DYN and p != s:
            raise MtTypeError(f"{name}: {what} has size {p} along axis {axis}, which does not "
                              f"broadcast to the size {s} of the result")


class RandomOp(MtOp):
    """A sampler: `state`, the distribution parameters `PARAMS`, then the dynamic sizes.

    `DTYPES` are the result dtypes it can produce; `PARAM_KINDS` says which dtype kind
    ('float', 'int' or 'any') each parameter must have."""

    INT_PARAMS: ClassVar[tuple[str, ...]] = ("shape",)
    PARAMS: ClassVar[tuple[str, ...]] = ()
    PARAM_KINDS: ClassVar[tuple[str, ...]] = ()
    DTYPES: ClassVar[tuple[str, ...]] = dt.FLOAT_DTYPES
    shape = prop_def(DenseArrayBase)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    @classmethod
    def split(cls, values: Sequence[Any]) -> tuple[Any, list[Any], list[Any]]:
        """(state, parameters, sizes) of an operand list."""
        n = len(cls.PARAMS)
        return values[0], list(values[1:1 + n]), list(values[1 + n:])

    @classmethod
    def check_params(cls, params: Sequence[TensorType]) -> None:
        for what, kind, t in zip(cls.PARAMS, cls.PARAM_KINDS, params):
            d = dt.dtype_of(t)
            if (kind == "float" and d == "bool") or (kind == "int" and not dt.is_int(d)):
                want = "a numeric" if kind == "float" else "an integer"
                raise MtTypeError(f"{cls.name}: {what} must be {want} tensor, got dtype {d}")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        if len(in_types) < 1 + len(cls.PARAMS):
            raise MtTypeError(f"{cls.name}: expected a state and {len(cls.PARAMS)} parameters")
        state, dist, sizes = cls.split(in_types)
        shape = tuple(params["shape"])
        _check_state(cls.name, state)
        _check_sizes(cls.name, shape, sizes)
        cls.check_params(dist)
        for what, t in zip(cls.PARAMS, dist):
            _check_param(cls.name, what, t, shape)
        dtype = dt.check_dtype(params["dtype"])
        if dtype not in cls.DTYPES:
            raise MtTypeError(f"{cls.name}: dtype {dtype} is not one of {', '.join(cls.DTYPES)}")
        return [dt.tensor_type(dtype, shape)]

    def params(self) -> dict[str, Any]:
        return {"shape": tuple(self.shape.get_values()), "dtype": dt.dtype_of(self.result.type)}

    @classmethod
    def encode_params(cls, params: dict[str, Any]) -> dict:
        return {"shape": int_array(params["shape"])}


@irdl_op_definition
class RandomUniformOp(RandomOp):
    """`mt.random_uniform %state, %low, %high, %sizes...`: floats in [low, high).

        %u = mt.random_uniform %s, %lo, %hi {shape = array<i64: 4>}
             : (tensor<?xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<4xf32>
    """

    name = "mt.random_uniform"
    PARAMS: ClassVar[tuple[str, ...]] = ("low", "high")
    PARAM_KINDS: ClassVar[tuple[str, ...]] = ("float", "float")
    state = operand_def(TensorType)
    low = operand_def(TensorType)
    high = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state `,` $low `,` $high (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")


@irdl_op_definition
class RandomNormalOp(RandomOp):
    """`mt.random_normal %state, %mean, %std, %sizes...`: Gaussian samples (Box-Muller).

        %z = mt.random_normal %s, %m, %sd, %n {shape = array<i64: -1>}
             : (tensor<?xi64>, tensor<1xf64>, tensor<?xf64>, tensor<i64>) -> tensor<?xf64>
    """

    name = "mt.random_normal"
    PARAMS: ClassVar[tuple[str, ...]] = ("mean", "std")
    PARAM_KINDS: ClassVar[tuple[str, ...]] = ("float", "float")
    state = operand_def(TensorType)
    mean = operand_def(TensorType)
    std = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state `,` $mean `,` $std (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")


@irdl_op_definition
class RandomBinomialOp(RandomOp):
    """`mt.random_binomial %state, %n, %p, %sizes...`: successes in n trials of
    probability p (inversion for n*p < 10, else Hormann's BTRS).

        %b = mt.random_binomial %s, %n, %p {shape = array<i64: 2, 2>}
             : (tensor<?xi64>, tensor<1x1xi64>, tensor<1x1xf64>) -> tensor<2x2xi64>
    """

    name = "mt.random_binomial"
    PARAMS: ClassVar[tuple[str, ...]] = ("n", "p")
    PARAM_KINDS: ClassVar[tuple[str, ...]] = ("int", "float")
    DTYPES: ClassVar[tuple[str, ...]] = dt.INT_DTYPES + dt.FLOAT_DTYPES
    state = operand_def(TensorType)
    n = operand_def(TensorType)
    p = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state `,` $n `,` $p (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")


@irdl_op_definition
class RandomIntegersOp(RandomOp):
    """`mt.random_integers %state, %low, %high, %sizes...`: integers in [low, high),
    unbiased (Lemire's multiply-shift with rejection).

        %i = mt.random_integers %s, %lo, %hi {shape = array<i64: 5>}
             : (tensor<?xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xi64>
    """

    name = "mt.random_integers"
    PARAMS: ClassVar[tuple[str, ...]] = ("low", "high")
    PARAM_KINDS: ClassVar[tuple[str, ...]] = ("int", "int")
    DTYPES: ClassVar[tuple[str, ...]] = dt.INT_DTYPES
    state = operand_def(TensorType)
    low = operand_def(TensorType)
    high = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state `,` $low `,` $high (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")


@irdl_op_definition
class RandomPermutationOp(RandomOp):
    """`mt.random_permutation %state, %sizes...`: every row along the last axis is a
    uniformly random permutation of 0..n-1 (Fisher-Yates), n the last size.

        %p = mt.random_permutation %s, %n {shape = array<i64: 2, -1>}
             : (tensor<?xi64>, tensor<i64>) -> tensor<2x?xi64>
    """

    name = "mt.random_permutation"
    DTYPES: ClassVar[tuple[str, ...]] = dt.INT_DTYPES
    state = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        if not params["shape"]:
            raise MtTypeError(f"{cls.name}: the shape needs at least one axis (the length n)")
        return super().infer(in_types, **params)


class ChoiceOp(RandomOp):
    """Draws `prod(shape)` items of a population: `a` is either a 0-d integer (the
    population 0..a-1, the result is int64) or a tensor whose rows along axis 0 are the
    population (the result is `shape + a.shape[1:]` of a's dtype)."""

    DTYPES: ClassVar[tuple[str, ...]] = dt.SUPPORTED_DTYPES
    replace = prop_def(IntegerAttr)

    @classmethod
    def check_params(cls, params: Sequence[TensorType]) -> None:
        a = params[0]
        if not dt.shape_of(a) and not dt.is_int(dt.dtype_of(a)):
            raise MtTypeError(f"{cls.name}: a 0-d population must be an integer, got {a}")
        if len(params) > 1:
            p = params[1]
            if len(dt.shape_of(p)) != 1 or not dt.is_float(dt.dtype_of(p)):
                raise MtTypeError(f"{cls.name}: p must be a float vector, got {p}")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        if len(in_types) < 1 + len(cls.PARAMS):
            raise MtTypeError(f"{cls.name}: expected a state and {len(cls.PARAMS)} parameters")
        state, dist, sizes = cls.split(in_types)
        shape = tuple(params["shape"])
        _check_state(cls.name, state)
        _check_sizes(cls.name, shape, sizes)
        cls.check_params(dist)
        a_shape = dt.shape_of(dist[0])
        dtype = dt.dtype_of(dist[0]) if a_shape else "int64"
        return [dt.tensor_type(dtype, shape + a_shape[1:])]

    def params(self) -> dict[str, Any]:
        return {"shape": tuple(self.shape.get_values()), "replace": bool(self.replace.value.data)}

    @classmethod
    def encode_params(cls, params: dict[str, Any]) -> dict:
        return {"shape": int_array(params["shape"]),
                "replace": IntegerAttr(int(bool(params["replace"])), i1)}


@irdl_op_definition
class RandomChoiceOp(ChoiceOp):
    """`mt.random_choice %state, %a, %sizes... {replace}`: uniform draws of a population,
    with replacement or without (then a partial Fisher-Yates shuffle).

        %c = mt.random_choice %s, %a {shape = array<i64: 3>, replace = false}
             : (tensor<?xi64>, tensor<?x2xf64>) -> tensor<3x2xf64>
    """

    name = "mt.random_choice"
    PARAMS: ClassVar[tuple[str, ...]] = ("a",)
    state = operand_def(TensorType)
    a = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state `,` $a (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")


@irdl_op_definition
class RandomWeightedChoiceOp(ChoiceOp):
    """`mt.random_weighted_choice %state, %a, %p, %sizes... {replace}`: draws of a
    population where item j has probability p[j] (without replacement: of the items not
    drawn yet, in proportion to p).

        %c = mt.random_weighted_choice %s, %a, %p {shape = array<i64: 3>, replace = true}
             : (tensor<?xi64>, tensor<i64>, tensor<?xf64>) -> tensor<3xi64>
    """

    name = "mt.random_weighted_choice"
    PARAMS: ClassVar[tuple[str, ...]] = ("a", "p")
    state = operand_def(TensorType)
    a = operand_def(TensorType)
    p = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    assembly_format = ("$state `,` $a `,` $p (`,` $sizes^)? attr-dict `:` "
                       "functional-type(operands, results)")


RANDOM_OPS = (RandomUniformOp, RandomNormalOp, RandomBinomialOp, RandomIntegersOp,
              RandomPermutationOp, RandomChoiceOp, RandomWeightedChoiceOp)

__all__ = ["STATE_SIZE", "RandomOp", "ChoiceOp", "RANDOM_OPS",
           *(cls.__name__ for cls in RANDOM_OPS)]

"""The base classes of the `mt` ops: `MtOp` (type/shape inference at build time,
re-checked by the verifier, and a uniform way to read an op's parameters back as Python
values), `ScalarParamOp` (parameters that are single integers or the result dtype) and
`AxisOp` (an op along one axis that keeps its input's shape: scans, sorts, softmax).

Each op family (elemwise, math, reduce, structure, linalg, ...; one module each) subclasses
these and implements `infer`; per-op rules of other concerns (NumPy reference, pullbacks,
lowering, C code) live in tables keyed by op class in their own layers.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Sequence

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import IRDLOperation, ParsePropInAttrDict, operand_def, prop_def, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import MtTypeError


def int_array(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


class MtOp(IRDLOperation):
    """Shared behaviour of mt ops. Subclasses declare operands/results with IRDL and:

    - `INT_PARAMS`: names of integer-tuple parameters stored as `array<i64: ...>`
      properties (axes, permutations, static shapes, slice bounds);
    - `infer(in_types, **params)`: result types from operand types, raising
      `MtTypeError` with a message naming the op when the graph cannot be typed.
    """

    INT_PARAMS: ClassVar[tuple[str, ...]] = ()
    irdl_options = (ParsePropInAttrDict(),)

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        raise MtTypeError(f"{cls.name} defines no type inference")

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        """`Op.build(operands, **params)` = `Op.make`; xDSL's own keyword form (used by
        the parser: `build(operands=..., result_types=..., ...)`) is passed through."""
        if "result_types" in kwargs:
            return super().build(*args, **kwargs)
        return cls.make(*args, **kwargs)

    @classmethod
    def make(cls, operands: Sequence[SSAValue | Operation], **params: Any) -> "MtOp":
        """Create the op with inferred result types (raises MtTypeError on bad input)."""
        vals = [SSAValue.get(v) for v in operands]
        types = cls.infer([v.type for v in vals], **params)  # type: ignore[misc]
        return cls.create(operands=vals, result_types=types,
                          properties=cls.encode_params(params))

    @classmethod
    def encode_params(cls, params: dict[str, Any]) -> dict[str, Attribute]:
        return {k: int_array(params[k]) for k in cls.INT_PARAMS}

    def params(self) -> dict[str, Any]:
        """The op's parameters as Python values, as `build`/`infer` take them."""
        return {k: tuple(self.properties[k].get_values()) for k in self.INT_PARAMS}  # type: ignore[attr-defined]

    def verify_(self) -> None:
        try:
            expected = self.infer([v.type for v in self.operands], **self.params())
        except MtTypeError as e:
            raise VerifyException(str(e)) from None
        got = [r.type for r in self.results]
        if list(expected) != got:
            shown = ", ".join(str(t) for t in expected)
            raise VerifyException(f"{self.name}: result type should be {shown}, "
                                  f"got {', '.join(str(t) for t in got)}")


class ScalarParamOp(MtOp):
    """An op whose parameters also include single integers (stored as `i64` attributes,
    `SCALAR_PARAMS`) and, with `DTYPE_PARAM`, the result dtype (read from its type)."""

    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ()
    DTYPE_PARAM: ClassVar[bool] = False

    @classmethod
    def encode_params(cls, params: dict[str, Any]) -> dict:
        props = super().encode_params(params)
        props.update({k: IntegerAttr(int(params[k]), i64) for k in cls.SCALAR_PARAMS})
        return props

    def params(self) -> dict[str, Any]:
        out = super().params()
        out.update({k: self.properties[k].value.data for k in self.SCALAR_PARAMS})  # type: ignore[attr-defined]
        if self.DTYPE_PARAM:
            out["dtype"] = dt.dtype_of(self.results[0].type)
        return out


def _same(dtype: str) -> str:
    return dtype


class AxisOp(ScalarParamOp):
    """An op along one axis that keeps the input's shape; `DTYPE_RULE` gives the dtype."""

    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("axis",)
    axis = prop_def(IntegerAttr)
    DTYPE_RULE: ClassVar[Callable[[str], str]] = staticmethod(_same)
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        if not 0 <= params["axis"] < len(shape):
            raise MtTypeError(f"{cls.name}: axis {params['axis']} is out of range for a "
                              f"rank-{len(shape)} operand")
        return [dt.tensor_type(cls.DTYPE_RULE(dt.dtype_of(in_types[0])), shape)]

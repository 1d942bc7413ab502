"""`mlc.tensor` (`import mlc.tensor as T`): symbolic tensors and the functions on them.

This is the Theano-compatible surface of the frontend: typed constructors
(`T.dmatrix`, `T.fvector`, `T.scalar(dtype=...)`), `T.TensorType`, constants, and
NumPy-named functions. Everything here builds light graph nodes (`variable.py`) that
`mlc.function` translates into the `mt` dialect.
"""

from mlc.tensor.variable import Apply, Constant, Variable  # noqa: I001
from mlc.tensor.operators import install_operators

from mlc.tensor import nnet
from mlc.tensor import random as random
from mlc.tensor.basic import as_tensor_variable, constant
from mlc.tensor.elemwise import *  # noqa: F401,F403
from mlc.tensor.elemwise import __all__ as _elemwise_names
from mlc.tensor.indexing import flatnonzero, inc_subtensor, nonzero, nonzero_values, set_subtensor
from mlc.tensor.linalg import *  # noqa: F401,F403
from mlc.tensor.linalg import __all__ as _linalg_names
from mlc.tensor.math import *  # noqa: F401,F403
from mlc.tensor.math import __all__ as _math_names
from mlc.tensor.nnet import logsumexp
from mlc.tensor.reduce import *  # noqa: F401,F403
from mlc.tensor.reduce import __all__ as _reduce_names
from mlc.tensor.sort import *  # noqa: F401,F403
from mlc.tensor.sort import __all__ as _sort_names
from mlc.tensor.structure import *  # noqa: F401,F403
from mlc.tensor.structure import __all__ as _structure_names
from mlc.tensor.type import CONSTRUCTORS, TensorType

install_operators(Variable)
globals().update(CONSTRUCTORS)

TensorVariable = Variable
TensorConstant = Constant


def grad(*args, **kwargs):  # type: ignore[no-untyped-def]
    """`T.grad` (Theano's alias of `theano.grad`): see `mlc.gradient.grad`."""
    from mlc.gradient import grad as _grad
    return _grad(*args, **kwargs)


def jacobian(*args, **kwargs):  # type: ignore[no-untyped-def]
    """`T.jacobian`: see `mlc.gradient.jacobian`."""
    from mlc.gradient import jacobian as _jacobian
    return _jacobian(*args, **kwargs)


def hessian(*args, **kwargs):  # type: ignore[no-untyped-def]
    """`T.hessian`: see `mlc.gradient.hessian`."""
    from mlc.gradient import hessian as _hessian
    return _hessian(*args, **kwargs)


def Rop(*args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N802 (Theano's name)
    """`T.Rop`: see `mlc.gradient.Rop`."""
    from mlc.gradient import Rop as _rop
    return _rop(*args, **kwargs)


def Lop(*args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N802 (Theano's name)
    """`T.Lop`: see `mlc.gradient.Lop`."""
    from mlc.gradient import Lop as _lop
    return _lop(*args, **kwargs)

__all__ = ["TensorType", "Variable", "TensorVariable", "Constant", "TensorConstant", "Apply",
           "as_tensor_variable", "constant", "nnet", "logsumexp", "set_subtensor", "inc_subtensor",
           "nonzero", "flatnonzero", "nonzero_values", "grad", "jacobian", "hessian", "Rop", "Lop",
           *_elemwise_names, *_math_names, *_reduce_names, *_sort_names, *_linalg_names,
           *_structure_names, *CONSTRUCTORS]

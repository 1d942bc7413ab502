"""NumPy semantics of the gradient family (the ops of passes/mt_to_loop/gradient.py):
`mt.second` and the gradient markers, which are the identity on their value."""

from __future__ import annotations

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref

GRADIENT_REFERENCE: dict[type, Ref] = {
    mt.SecondOp: lambda x, y: np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)).copy(),
    mt.DisconnectedGradOp: lambda x: x, mt.ZeroGradOp: lambda x: x,
    mt.GradClipOp: lambda x, lo, hi: x,
}

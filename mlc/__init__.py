"""mlc: a Theano-style symbolic tensor compiler whose graphs live in xDSL dialects.

`import mlc; import mlc.tensor as T`: build expressions on symbolic variables, then
`mlc.function(inputs, outputs, updates=...)` translates the graph into the `mt` dialect,
runs the pass pipeline (`mlc.passes`) and loads the emitted C through `mlc.runtime`.
This package is the frontend: nothing below it imports it.
"""

from mlc.config import config
from mlc import tensor
from mlc.compile import function
from mlc.sharedvalue import SharedVariable, shared

__version__ = "0.1.0"

__all__ = ["config", "function", "shared", "SharedVariable", "tensor", "__version__"]

"""mlc: a Theano-style symbolic tensor compiler whose graphs live in xDSL dialects.

`import mlc; import mlc.tensor as T`: build expressions on symbolic variables, then
`mlc.function(inputs, outputs, updates=...)` translates the graph into the `mt` dialect,
runs the pass pipeline (`mlc.passes`) and loads the emitted C through `mlc.runtime`.
This package is the frontend: nothing below it imports it.
"""

from mlc.config import config
from mlc import tensor
from mlc.compile import In, Out, function
from mlc import printing
from mlc.sharedvalue import SharedVariable, shared
from mlc import gradient
from mlc.gradient import Lop, Rop, grad
from mlc import scan_module
from mlc.scan_module import foldl, foldr, map, reduce, scan

__version__ = "0.1.0"

__all__ = ["config", "function", "In", "Out", "printing", "shared", "SharedVariable", "tensor",
           "__version__", "gradient", "grad", "Lop", "Rop", "scan_module", "scan", "map", "reduce",
           "foldl", "foldr"]

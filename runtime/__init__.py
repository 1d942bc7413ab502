"""mlc's runtime: turn emitted C into callables on NumPy arrays.

Pipeline position: last. The emitters (C now, CUDA later) produce one translation unit
per compiled function implementing the ABI in `mlc_abi.h`; this package compiles it
(`compile_c`: gcc, disk-cached by content hash, safe across concurrent processes), loads
it (`load_library`), and calls it through the pybind11 extension `mlc.runtime._rt`,
whose `Function` validates the inputs once, passes data pointers, shapes and element
strides to `mlc_entry`, returns fresh NumPy arrays and stores shared-variable updates
only when the call succeeded.

`cache_get` / `cache_put` store small blobs (compiled-function metadata keyed by a graph
hash) beside the libraries. The cache directory rules (trust, read-only sharing, seals,
locks) are in `cachedir.py`. Importing this package imports neither xDSL nor the
extension module (that happens on the first `load_library`).
"""

from mlc.runtime.compile import (
    CacheWarning,
    CompileError,
    UnsafeCacheDirError,
    abi_header_dir,
    cache_get,
    cache_put,
    compile_c,
    load_compiled,
    load_library,
)

__all__ = [
    "CacheWarning",
    "CompileError",
    "UnsafeCacheDirError",
    "abi_header_dir",
    "cache_get",
    "cache_put",
    "compile_c",
    "load_compiled",
    "load_library",
]

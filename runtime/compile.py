"""Build emitted C into shared libraries, cached on disk, and load them.

Pipeline position: the C emitter hands one translation unit per compiled function to
:func:`compile_c`, which runs gcc once per distinct (source, flags, compiler, CPU) and
returns the path of a ``.so``; :func:`load_library` dlopens it through the pybind11 module
:mod:`mlc.runtime._rt`. :func:`cache_get` / :func:`cache_put` keep small blobs (compiled
function metadata keyed by a graph hash) next to the libraries, so a new process can skip
both emission and gcc.

Every file lands in the cache through a unique temporary file and ``os.replace``, which is
atomic on POSIX: concurrent processes compiling the same source each write their own file
and the last rename wins with identical content; a reader never sees a half-written file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import re
import subprocess
import sysconfig
import tempfile
import threading

__all__ = [
    "DEFAULT_FLAGS",
    "CompileError",
    "abi_header_dir",
    "abi_version",
    "cache_get",
    "cache_put",
    "compile_c",
    "default_cache_dir",
    "load_library",
    "stats",
]

CC = "gcc"
# -fwrapv: signed overflow wraps as in NumPy instead of being undefined behaviour;
# -fno-math-errno: libm calls need not set errno, so gcc may inline and vectorize them.
DEFAULT_FLAGS: tuple[str, ...] = ("-O3", "-march=native", "-fwrapv", "-fno-math-errno")
# Always passed; the user's flags come after the source file so that -l options link.
_FIXED_FLAGS = ("-shared", "-fPIC", "-std=c11")

# Counts gcc runs in this process: tests use it to prove a cache hit compiled nothing.
stats = {"gcc_runs": 0}

_libraries: dict = {}
_libraries_lock = threading.Lock()


class CompileError(RuntimeError):
    """gcc rejected emitted C; carries gcc's stderr and where the source was kept."""

    def __init__(self, message: str, stderr: str, source_path: str, command: list[str]):
        super().__init__(message)
        self.stderr = stderr
        self.source_path = source_path
        self.command = command


def abi_header_dir() -> str:
    """The directory holding ``mlc_abi.h`` (pass it to the compiler with ``-I``)."""
    return os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=None)
def abi_version() -> int:
    """MLC_ABI_VERSION as written in mlc_abi.h."""
    with open(os.path.join(abi_header_dir(), "mlc_abi.h"), encoding="utf-8") as f:
        match = re.search(r"#define\s+MLC_ABI_VERSION\s+(\d+)", f.read())
    if match is None:
        raise RuntimeError("mlc_abi.h does not define MLC_ABI_VERSION")
    return int(match.group(1))


def default_cache_dir() -> str:
    """$MLC_COMPILEDIR, else ~/.cache/mlc/<interpreter ABI tag> (created on demand)."""
    env = os.environ.get("MLC_COMPILEDIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = sysconfig.get_config_var("SOABI") or f"py{platform.python_version()}"
    return os.path.join(base, "mlc", tag)


def _cache_dir(cache_dir: str | os.PathLike | None) -> str:
    path = os.fspath(cache_dir) if cache_dir is not None else default_cache_dir()
    os.makedirs(path, exist_ok=True)
    return path


@functools.lru_cache(maxsize=None)
def _compiler_id() -> str:
    """First line of `gcc --version`: a compiler upgrade must miss the cache."""
    try:
        out = subprocess.run([CC, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise CompileError(f"cannot run {CC}: {e}", str(e), "", [CC, "--version"]) from e
    return out.stdout.splitlines()[0] if out.stdout else CC


@functools.lru_cache(maxsize=None)
def _cpu_id() -> str:
    """Machine and CPU model: -march=native code must not move to another CPU."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.machine()}|{model}"


def _source_key(source: str, flags: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for part in (source, "\0".join(flags), _compiler_id(), _cpu_id(), str(abi_version())):
        h.update(part.encode("utf-8"))
        h.update(b"\0\1")
    return h.hexdigest()


BLAS_MARKER = "#define MLC_USE_BLAS 1"
"""A source containing this line includes cblas.h and links OpenBLAS (passes/c_blas.py)."""


def source_flags(source: str) -> tuple[str, ...]:
    """Flags a source needs beyond the caller's: OpenBLAS's when it carries BLAS_MARKER,
    and glibc's vector math library when it is there (see `vector_math_flags`)."""
    return (blas_flags() if BLAS_MARKER in source else ()) + vector_math_flags()


_LIBMVEC_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64")


@functools.lru_cache(maxsize=None)
def vector_math_flags() -> tuple[str, ...]:
    """`-DMLC_VECTOR_MATH -lmvec` on x86-64 glibc systems that ship libmvec (glibc >= 2.35
    has exp, log, log1p, sin, tanh, ... in SIMD form, within 4 ulp). The emitted prelude
    then declares those functions `simd`, so gcc vectorizes loops that call them; without
    libmvec the flags are empty and the same C calls the scalar functions."""
    if platform.machine() != "x86_64" or os.environ.get("MLC_NO_VECTOR_MATH"):
        return ()
    if not any(os.path.exists(os.path.join(d, "libmvec.so.1")) for d in _LIBMVEC_DIRS):
        return ()
    try:  # the full set of functions declared in the prelude arrived in glibc 2.35
        major, minor = os.confstr("CS_GNU_LIBC_VERSION").split()[1].split(".")[:2]
        if (int(major), int(minor)) < (2, 35):
            return ()
    except (ValueError, OSError, IndexError, AttributeError):
        return ()
    return ("-DMLC_VECTOR_MATH", "-lmvec")


@functools.lru_cache(maxsize=None)
def blas_flags() -> tuple[str, ...]:
    """Include, link and rpath flags of the `scipy-openblas64` wheel's OpenBLAS."""
    import scipy_openblas64 as ob

    lib_dir = ob.get_lib_dir()
    return (f"-I{ob.get_include_dir()}", f"-L{lib_dir}", f"-l{ob.get_library()}",
            f"-Wl,-rpath,{lib_dir}")


def _write_atomic(path: str, data: bytes) -> None:
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def compile_c(
    source: str,
    *,
    cache_dir: str | os.PathLike | None = None,
    flags: tuple[str, ...] = DEFAULT_FLAGS,
) -> str:
    """Compile one C translation unit into a shared library; return the .so path.

    Sources that call BLAS (see `source_flags`) get OpenBLAS's flags added here.
    Cached by the sha256 of the source, the flags (added ones included), the compiler
    version, the CPU and the ABI version: a hit runs no process at all except, once per process, `gcc --version`.
    Raises CompileError (with gcc's stderr and a kept copy of the source) on failure.
    """
    flags = tuple(flags) + source_flags(source)
    directory = _cache_dir(cache_dir)
    key = _source_key(source, flags)
    so_path = os.path.join(directory, f"mlc_{key[:40]}.so")
    if not os.path.exists(so_path):
        _build(source, flags, directory, key, so_path)
    return so_path


def _build(source: str, flags: tuple[str, ...], directory: str, key: str, so_path: str) -> None:
    fd, c_path = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".c")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(source)
    fd, tmp_so = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".so")
    os.close(fd)
    command = [CC, *_FIXED_FLAGS, f"-I{abi_header_dir()}", "-o", tmp_so, c_path, *flags, "-lm"]
    try:
        stats["gcc_runs"] += 1
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            _raise_compile_error(source, directory, key, command, result.stderr)
        os.replace(tmp_so, so_path)
    finally:
        _remove_quietly(c_path)
        _remove_quietly(tmp_so)


def _raise_compile_error(source: str, directory: str, key: str, command, stderr: str):
    failed_dir = os.path.join(directory, "failed")
    os.makedirs(failed_dir, exist_ok=True)
    kept = os.path.join(failed_dir, f"mlc_{key[:40]}.c")
    _write_atomic(kept, source.encode("utf-8"))
    raise CompileError(
        f"gcc failed to compile generated code (source kept at {kept}):\n{stderr}",
        stderr,
        kept,
        command,
    )


def _blob_path(key: str, cache_dir) -> str:
    if not isinstance(key, str):
        raise TypeError(f"cache key must be a str, not {type(key).__name__}")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    directory = os.path.join(_cache_dir(cache_dir), "kv")
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, f"{digest}.bin")


def cache_get(key: str, cache_dir: str | os.PathLike | None = None) -> bytes | None:
    """The bytes stored under `key` by cache_put (in any process), or None."""
    try:
        with open(_blob_path(key, cache_dir), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def cache_put(key: str, data: bytes, cache_dir: str | os.PathLike | None = None) -> None:
    """Store `data` under `key`, atomically (readers see the old or the new bytes)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"cache data must be bytes, not {type(data).__name__}")
    _write_atomic(_blob_path(key, cache_dir), bytes(data))


def load_library(path: str | os.PathLike):
    """dlopen a compiled library once per process; returns an `_rt.Library`."""
    from . import _rt  # deferred: compiling and caching work without the built module

    key = os.path.abspath(os.fspath(path))
    with _libraries_lock:
        lib = _libraries.get(key)
        if lib is None:
            lib = _libraries[key] = _rt.Library(key)
    return lib

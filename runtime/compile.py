"""Build emitted C into shared libraries, cached on disk, and load them.

Pipeline position: the C emitter hands one translation unit per compiled function to
:func:`compile_c`, which runs gcc once per distinct (source, flags, compiler, CPU) and
returns the path of a ``.so``; :func:`load_library` dlopens it through the pybind11 module
:mod:`mlc.runtime._rt` (:func:`load_compiled` does both and rebuilds a library that does
not load). :func:`cache_get` / :func:`cache_put` keep small blobs (compiled function
metadata keyed by a graph hash) next to the libraries, so a new process can skip both
emission and gcc.

The directory rules live in runtime/cachedir.py: trusted directories only, a private
fallback for a read-only cache, durable atomic writes, and a seal on every entry (key,
ABI version, size, sha256) checked before a library is dlopen'ed or a blob returned. A
damaged entry (truncated by a power loss, replaced by another file, a directory in its
place) is discarded and rebuilt with a `CacheWarning`. Concurrent processes compiling the
same source wait on a per-entry lock, so gcc runs once.

A loaded library stays loaded while something uses it: `load_library` holds it weakly,
and the last reference going (the last `Function` using it) unloads it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import re
import subprocess
import threading
import weakref

from mlc.runtime import cachedir
from mlc.runtime.cachedir import BadEntry, CacheWarning, UnsafeCacheDirError

__all__ = [
    "DEFAULT_FLAGS",
    "CacheWarning",
    "CompileError",
    "UnsafeCacheDirError",
    "abi_header_dir",
    "abi_version",
    "cache_get",
    "cache_put",
    "compile_c",
    "default_cache_dir",
    "load_compiled",
    "load_library",
    "stats",
]

CC = "gcc"
# -fwrapv: signed overflow wraps as in NumPy instead of being undefined behaviour;
# -fno-math-errno: libm calls need not set errno, so gcc may inline and vectorize them.
DEFAULT_FLAGS: tuple[str, ...] = ("-O3", "-march=native", "-fwrapv", "-fno-math-errno")
# Always passed; the user's flags come after the source file so that -l options link.
# -ffp-contract=off: no a * b + c becomes one fused multiply-add, which gcc could do in a
# vectorized loop body and not in its scalar tail (or the other way round): an element's
# result must not depend on where it sits (passes/emit/math.py).
_FIXED_FLAGS = ("-shared", "-fPIC", "-std=c11", "-ffp-contract=off")

# Counts gcc runs in this process: tests use it to prove a cache hit compiled nothing.
stats = {"gcc_runs": 0}

_libraries: "weakref.WeakValueDictionary[str, object]" = weakref.WeakValueDictionary()
"""Loaded libraries by absolute path, held weakly: a library nothing uses is unloaded."""
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
    return os.environ.get("MLC_COMPILEDIR") or cachedir.user_cache_root()


def _cache_root(cache_dir: str | os.PathLike | None) -> str:
    return os.path.abspath(os.fspath(cache_dir) if cache_dir is not None else default_cache_dir())


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
    for part in (source, "\0".join(_FIXED_FLAGS + flags), _compiler_id(), _cpu_id(), str(abi_version())):
        h.update(part.encode("utf-8"))
        h.update(b"\0\1")
    return h.hexdigest()


LINK_DIRECTIVE = re.compile(r"^/\* mlc-link: ([a-z0-9_]+) \*/$", re.MULTILINE)
"""A source line `/* mlc-link: NAME */` asks for library NAME's include and link flags
(`LIBRARIES`). The emitter writes it where its code calls the library (the BLAS calls
of passes/emit/blas.py write `openblas`); the runtime knows only this syntax."""


def source_flags(source: str) -> tuple[str, ...]:
    """Flags a source needs beyond the caller's: those of the libraries it links."""
    flags: list[str] = []
    for name in dict.fromkeys(LINK_DIRECTIVE.findall(source)):
        if name not in LIBRARIES:
            raise ValueError(f"compile_c: the source asks to link {name!r}; known libraries: "
                             f"{', '.join(sorted(LIBRARIES))}")
        flags += LIBRARIES[name]()
    return tuple(flags)


@functools.lru_cache(maxsize=None)
def blas_flags() -> tuple[str, ...]:
    """Include, link and rpath flags of the `scipy-openblas64` wheel's OpenBLAS."""
    import scipy_openblas64 as ob

    lib_dir = ob.get_lib_dir()
    return (f"-I{ob.get_include_dir()}", f"-L{lib_dir}", f"-l{ob.get_library()}",
            f"-Wl,-rpath,{lib_dir}")


LIBRARIES = {"openblas": blas_flags}
"""Library name (of a `LINK_DIRECTIVE`) -> its flags."""


_MISSING = "missing"


def _entry_problem(path: str, key: str, check=None) -> tuple[bytes | None, str | None]:
    """(payload, None) for a valid sealed entry, (None, _MISSING) when there is none,
    (None, why) when what is there may not be used."""
    try:
        data = cachedir.read_sealed(path, key, abi_version())
    except FileNotFoundError:
        return None, _MISSING
    except BadEntry as e:
        return None, str(e)
    problem = check(data) if check is not None else None
    return (None, problem) if problem else (data, None)


def _warn_read_only(path: str, problem: str, write_dir: str) -> None:
    cachedir.warn(f"mlc: ignoring the compile cache entry {path} ({problem}): the cache is "
                  f"read-only for this process, so the entry goes to {write_dir}")


def compile_c(
    source: str,
    *,
    cache_dir: str | os.PathLike | None = None,
    flags: tuple[str, ...] = DEFAULT_FLAGS,
    rebuild: bool = False,
) -> str:
    """Compile one C translation unit into a shared library; return the .so path.

    Sources that ask for a library (a `LINK_DIRECTIVE` line) get its flags added here.
    Cached by the sha256 of the source, the flags (added ones included), the compiler
    version, the CPU and the ABI version: a hit runs no process at all except, once per
    process, `gcc --version`. The entry is validated (its seal) before the path is
    returned; `rebuild` discards it and runs gcc again (for a library that did not load).
    Raises CompileError (with gcc's stderr and a kept copy of the source) on failure.
    """
    if not isinstance(source, str):
        raise TypeError(f"compile_c: source must be a str, not {type(source).__name__}")
    flags = tuple(flags) + source_flags(source)
    key = _source_key(source, flags)
    name = f"mlc_{key[:40]}.so"
    where = cachedir.dirs(_cache_root(cache_dir))
    for directory in () if rebuild else where.read:
        path = os.path.join(directory, name)
        _, problem = _entry_problem(path, key)
        if problem is None:
            return path
        if problem != _MISSING and directory != where.write:
            _warn_read_only(path, problem, where.write)
    path = os.path.join(where.write, name)
    with cachedir.locked(where.write, name):  # N processes with one source: one gcc
        _, problem = _entry_problem(path, key)
        if problem is None and not rebuild:
            return path  # another process built it while this one waited
        if problem != _MISSING:
            cachedir.warn_discarded(path, problem or "it does not load")
            cachedir.discard(path)
        _build(source, flags, where.write, key, path)
    return path


def _build(source: str, flags: tuple[str, ...], directory: str, key: str, so_path: str) -> None:
    c_path = cachedir.tmp_path(directory, ".c")
    tmp_so = cachedir.tmp_path(directory, ".so")
    command = [CC, *_FIXED_FLAGS, f"-I{abi_header_dir()}", "-o", tmp_so, c_path, *flags, "-lm"]
    try:
        with open(c_path, "w", encoding="utf-8") as f:
            f.write(source)
        stats["gcc_runs"] += 1
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            _raise_compile_error(source, directory, key, command, result.stderr)
        with open(tmp_so, "rb") as f:
            library = f.read()
        cachedir.write_atomic(so_path, cachedir.seal(library, key, abi_version()))
    finally:
        _remove_quietly(c_path)
        _remove_quietly(tmp_so)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _raise_compile_error(source: str, directory: str, key: str, command, stderr: str):
    failed_dir = os.path.join(directory, "failed")
    os.makedirs(failed_dir, mode=cachedir.DIR_MODE, exist_ok=True)
    kept = os.path.join(failed_dir, f"mlc_{key[:40]}.c")
    cachedir.write_atomic(kept, source.encode("utf-8"))
    raise CompileError(
        f"gcc failed to compile generated code (source kept at {kept}):\n{stderr}",
        stderr,
        kept,
        command,
    )


def _blob_name(key: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"cache key must be a str, not {type(key).__name__}")
    return hashlib.sha256(key.encode("utf-8")).hexdigest() + ".bin"


def cache_get(key: str, cache_dir: str | os.PathLike | None = None,
              check=None) -> bytes | None:
    """The bytes stored under `key` by cache_put (in any process), or None.

    An entry whose seal fails (damaged, or written under another key), or for which
    `check(data)` returns a problem (a str), is discarded with a CacheWarning: the
    caller recomputes it. A cache this process cannot read or write is a miss (never an
    OSError); an untrusted one raises UnsafeCacheDirError."""
    name = _blob_name(key)
    try:
        where = cachedir.dirs(_cache_root(cache_dir), "kv")
        for directory in where.read:
            data = _blob_from(os.path.join(directory, name), key, check, where)
            if data is not None:
                return data
    except OSError as e:
        cachedir.warn(f"mlc: the compile cache is unusable ({e}); compiling without it")
    return None


def _blob_from(path: str, key: str, check, where: cachedir.CacheDirs) -> bytes | None:
    data, problem = _entry_problem(path, key, check)
    if problem is None or problem == _MISSING:
        return data
    if os.path.dirname(path) != where.write:
        _warn_read_only(path, problem, where.write)
        return None
    with cachedir.locked(where.write, os.path.basename(path)):
        data, problem = _entry_problem(path, key, check)  # another process may have fixed it
        if problem is None or problem == _MISSING:
            return data
        cachedir.warn_discarded(path, problem, "recomputing it")
        cachedir.discard(path)
    return None


def cache_put(key: str, data: bytes, cache_dir: str | os.PathLike | None = None) -> None:
    """Store `data` under `key`, durably and atomically (readers see the old or the new
    bytes). A cache that cannot be written only warns: the entry is recomputed later."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"cache data must be bytes, not {type(data).__name__}")
    name = _blob_name(key)
    try:
        where = cachedir.dirs(_cache_root(cache_dir), "kv")
        cachedir.write_atomic(os.path.join(where.write, name),
                              cachedir.seal(bytes(data), key, abi_version()))
    except OSError as e:
        cachedir.warn(f"mlc: could not store a compile cache entry ({e})")


def load_compiled(source: str, *, cache_dir: str | os.PathLike | None = None,
                  flags: tuple[str, ...] = DEFAULT_FLAGS, rebuild: bool = False):
    """`load_library(compile_c(source, ...))`, where a cached library that passes its
    seal but still fails to load is rebuilt once (with a CacheWarning); a library that
    does not load after the rebuild raises OSError."""
    path = compile_c(source, cache_dir=cache_dir, flags=flags, rebuild=rebuild)
    try:
        return load_library(path)
    except OSError as first:
        cachedir.warn(f"mlc: the compiled library {path} does not load ({first}); "
                      "rebuilding it")
    path = compile_c(source, cache_dir=cache_dir, flags=flags, rebuild=True)
    try:
        return load_library(path)
    except OSError as e:
        raise OSError(f"mlc: the compiled library {path} does not load, even after "
                      f"a rebuild: {e}") from e

def load_library(path: str | os.PathLike):
    """dlopen a compiled library once per process while it is in use; returns an
    `_rt.Library` (unloaded when the last reference to it goes)."""
    from . import _rt  # deferred: compiling and caching work without the built module

    key = os.path.abspath(os.fspath(path))
    with _libraries_lock:
        lib = _libraries.get(key)
        if lib is None:
            lib = _libraries[key] = _rt.Library(key)
    return lib

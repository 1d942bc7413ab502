"""Compile a `FunctionGraph` once: in-memory and on-disk caches around the pipeline.

    graph hash --memory--> artifact
               --disk----> C source + messages --compile_c (its own .so cache)--> library
               --miss----> to_module(templated) -> passes.pipelines.compile_module -> C

A hit in a new process (same graph, mode, mlc version and compiler code) skips xDSL
entirely, and `compile_c` finds the shared object in its own cache, so gcc does not run
either. The graph hash leaves out names and source lines, so the artifact's messages
are templates (passes/emit/messages.py) that each `Function` fills in.

The memory cache is an LRU bounded by entries and by library bytes
(`mlc.config.memory_cache_entries`, `memory_cache_bytes`). An evicted artifact's library
stays loaded while functions use it and is unloaded with the last of them, so a session
that compiles ever new graphs keeps a bounded number of libraries mapped.

A disk entry is checked before use: the runtime checks its seal (runtime/cachedir.py),
`_blob_problem` its schema, and the runtime's layout check that the library fits the
function (`replace`). A bad entry is recompiled and overwritten, with a CacheWarning.
`stats` counts what happened, for tests and benchmarks. The GC is not frozen here:
`compile_module` disables it for the pass run, and freezing it around translation as
well made no measurable difference (docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from mlc.compile.fgraph import FunctionGraph
from mlc.config import config
from mlc.runtime import cachedir

stats = {"compile_module": 0, "memory_hits": 0, "disk_hits": 0, "evictions": 0,
         "unshared": 0}
"""Counters: pipeline runs, in-memory cache hits, disk cache hits, LRU evictions, and
graphs that compiled only with their own lines (this process)."""


@dataclass
class Artifact:
    """What every function with one graph hash shares: code, message templates, the
    loaded library. `key` is its disk key; `shared` is False for an artifact compiled
    with the user's own lines (after a build-time error), which no other graph may use."""

    key: str
    c_source: str
    messages: list[tuple[str, str]]
    library: Any
    nbytes: int
    shared: bool = True


class _LRU:
    """Artifacts by disk key, least recently used first, bounded by count and bytes."""

    def __init__(self) -> None:
        self.items: "OrderedDict[str, Artifact]" = OrderedDict()
        self.nbytes = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Optional[Artifact]:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, art: Artifact) -> None:
        with self.lock:
            self.pop(art.key)
            self.items[art.key] = art
            self.nbytes += art.nbytes
            limit_entries = config.memory_cache_entries
            limit_bytes = config.memory_cache_bytes
            while len(self.items) > 1 and (len(self.items) > limit_entries
                                           or self.nbytes > limit_bytes):
                self.pop(next(iter(self.items)))
                stats["evictions"] += 1

    def pop(self, key: str) -> None:
        old = self.items.pop(key, None)
        if old is not None:
            self.nbytes -= old.nbytes

    def discard(self, key: str) -> None:
        with self.lock:
            self.pop(key)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.nbytes = 0


_memory = _LRU()
"""Artifacts by `disk_key` (graph, mode, version, compiler code, device, openmp)."""


def run_pipeline(fg: FunctionGraph, mode: str, keep_stages: bool = False,
                 debuginfo: bool = False, templated: bool = False) -> Any:
    """Translate `fg` to `mt` and run the pass pipeline of `mode` (a `Compiled`); the
    IR text of every stage is kept only when asked (printing costs time), with source
    locations when `debuginfo` is set; `templated` compiles with site locations (the
    cached, line-independent form: translate.py)."""
    from mlc.compile.translate import to_module
    from mlc.passes.pipelines import compile_module
    module = to_module(fg, templated=templated)
    stats["compile_module"] += 1
    return compile_module(module, mode, keep_stages=keep_stages, debuginfo=debuginfo)


@lru_cache(maxsize=1)
def compiler_fingerprint() -> str:
    """Hash of the code that turns a graph into C (translation, dialects, passes), so a
    changed pass never serves stale C from the disk cache, even within one version."""
    h = hashlib.sha256()
    for package in ("mlc.dialects", "mlc.passes"):
        spec = importlib.util.find_spec(package)
        for root in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(Path(root).rglob("*.py")):
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for name in ("translate.py", "sites.py"):  # the templated module and its site numbering
        h.update(Path(__file__).with_name(name).read_bytes())
    return h.hexdigest()


def disk_key(graph_key: str, mode: str) -> str:
    from mlc import __version__
    text = (f"{graph_key}|{mode}|{__version__}|{compiler_fingerprint()}|{config.device}|"
            f"openmp={config.openmp}")
    return "fn-" + hashlib.sha256(text.encode()).hexdigest()


def _blob_problem(blob: bytes) -> Optional[str]:
    """Why a stored {"c_source": str, "messages": [[kind, text], ...]} blob is unusable."""
    from mlc.runtime import _rt
    try:
        data = json.loads(blob)
    except ValueError:
        return "not JSON"
    if not isinstance(data, dict) or set(data) != {"c_source", "messages"}:
        return "not an object with exactly c_source and messages"
    if not isinstance(data["c_source"], str):
        return "c_source is not a string"
    messages = data["messages"]
    if not isinstance(messages, list) or not all(
            isinstance(m, list) and len(m) == 2 and m[0] in _rt.MESSAGE_KINDS
            and isinstance(m[1], str) for m in messages):
        return "messages is not a list of [exception kind, text] pairs"
    return None


def _from_disk(key: str) -> Optional[tuple[str, list[tuple[str, str]]]]:
    from mlc import runtime
    blob = runtime.cache_get(key, cache_dir=config.compiledir, check=_blob_problem)
    if blob is None:
        return None
    data = json.loads(blob)
    return data["c_source"], [tuple(m) for m in data["messages"]]


def _compile(fg: FunctionGraph, key: str, mode: str) -> tuple[str, list[tuple[str, str]], bool]:
    """Run the pipeline: C source, message templates, and whether they may be shared
    (and are then stored on disk)."""
    from mlc import runtime
    try:
        compiled = run_pipeline(fg, mode, templated=True)
    except Exception as e:
        # A pass rejected the graph: compile again with the user's lines, so that its
        # error names them (it raises again); if it does not, the result is this graph's.
        compiled = run_pipeline(fg, mode)
        stats["unshared"] += 1
        cachedir.warn(f"mlc: this graph compiles only with its own source lines ({e!r}); "
                      "its code is not cached for equal graphs")
        return compiled.c_source, [tuple(m) for m in compiled.messages], False
    c_source, messages = compiled.c_source, [tuple(m) for m in compiled.messages]
    blob = json.dumps({"c_source": c_source, "messages": messages}).encode()
    runtime.cache_put(key, blob, cache_dir=config.compiledir)
    return c_source, messages, True


def _load(key: str, c_source: str, messages: list, shared: bool,
          rebuild: bool = False) -> Artifact:
    from mlc import runtime
    library = runtime.load_compiled(c_source, cache_dir=config.compiledir, rebuild=rebuild)
    return Artifact(key, c_source, messages, library, os.path.getsize(library.path), shared)


def artifact(fg: FunctionGraph, graph_key: str, mode: str) -> Artifact:
    """The compiled artifact of `fg`, from a cache when possible."""
    key = disk_key(graph_key, mode)
    found = _memory.get(key)
    if found is not None:
        stats["memory_hits"] += 1
        return found
    cached = _from_disk(key)
    if cached is not None:
        stats["disk_hits"] += 1
        art = _load(key, *cached, shared=True)
        if art.library.layout is None:  # emitted code always states it: not mlc's code
            return replace(art, fg, mode, "its library states no argument layout")
    else:
        art = _load(key, *_compile(fg, key, mode))
    if art.shared:
        _memory.put(art)
    return art


def replace(art: Artifact, fg: FunctionGraph, mode: str, reason: str) -> Artifact:
    """A fresh artifact for `fg` instead of `art`, whose cached code does not fit it
    (the runtime's layout check failed: a damaged or foreign cache entry)."""
    cachedir.warn(f"mlc: the cached compiled code of this function does not fit it "
                  f"({reason}); recompiling it")
    _memory.discard(art.key)
    c_source, messages, shared = _compile(fg, art.key, mode)
    new = _load(art.key, c_source, messages, shared, rebuild=c_source == art.c_source)
    if new.shared:
        _memory.put(new)
    return new

"""Compile a `FunctionGraph` once: in-memory and on-disk caches around the pipeline.

    graph hash --memory--> artifact
               --disk----> C source + messages --compile_c (its own .so cache)--> library
               --miss----> to_module -> passes.pipelines.compile_module -> C source

A hit in a new process (same graph, mode, mlc version and compiler code) skips xDSL
entirely, and `compile_c` finds the shared object in its own cache, so gcc does not run
either.
`stats` counts what happened, for tests and benchmarks. The GC is not frozen here:
`compile_module` disables it for the pass run, and freezing it around translation as
well made no measurable difference (docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from mlc.compile.fgraph import FunctionGraph
from mlc.config import config

stats = {"compile_module": 0, "memory_hits": 0, "disk_hits": 0}
"""Counters: pipeline runs, in-memory cache hits, disk cache hits (this process)."""

_memory: dict[str, "Artifact"] = {}
"""Artifacts by `disk_key` (graph, mode, version, compiler code, device, openmp)."""


@dataclass
class Artifact:
    """What every function with one graph hash shares: code, messages, loaded library."""

    c_source: str
    messages: list[tuple[str, str]]
    library: Any
    compiled: Optional[Any] = None  # passes.pipelines.Compiled with stages, once f.ir() ran
    compiled_debuginfo: Optional[Any] = None  # the same with loc(...) annotations


def run_pipeline(fg: FunctionGraph, mode: str, keep_stages: bool = False,
                 debuginfo: bool = False) -> Any:
    """Translate `fg` to `mt` and run the pass pipeline of `mode` (a `Compiled`); the
    IR text of every stage is kept only when asked (printing costs time), with source
    locations when `debuginfo` is set."""
    from mlc.compile.translate import to_module
    from mlc.passes.pipelines import compile_module
    module = to_module(fg)
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
    h.update(Path(__file__).with_name("translate.py").read_bytes())
    return h.hexdigest()


def disk_key(graph_key: str, mode: str) -> str:
    from mlc import __version__
    text = (f"{graph_key}|{mode}|{__version__}|{compiler_fingerprint()}|{config.device}|"
            f"openmp={config.openmp}")
    return "fn-" + hashlib.sha256(text.encode()).hexdigest()


def _from_disk(key: str) -> Optional[tuple[str, list[tuple[str, str]]]]:
    from mlc import runtime
    blob = runtime.cache_get(key, cache_dir=config.compiledir)
    if blob is None:
        return None
    try:
        data = json.loads(blob)
        return data["c_source"], [tuple(m) for m in data["messages"]]
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry is recompiled and overwritten


def artifact(fg: FunctionGraph, graph_key: str, mode: str) -> Artifact:
    """The compiled artifact of `fg`, from a cache when possible."""
    key = disk_key(graph_key, mode)
    found = _memory.get(key)
    if found is not None:
        stats["memory_hits"] += 1
        return found
    from mlc import runtime
    cached = _from_disk(key)
    if cached is not None:
        stats["disk_hits"] += 1
        c_source, messages = cached
    else:
        compiled = run_pipeline(fg, mode)
        c_source, messages = compiled.c_source, [tuple(m) for m in compiled.messages]
        blob = json.dumps({"c_source": c_source, "messages": messages}).encode()
        runtime.cache_put(key, blob, cache_dir=config.compiledir)
    library = runtime.load_library(runtime.compile_c(c_source, cache_dir=config.compiledir))
    found = _memory[key] = Artifact(c_source, messages, library)
    return found

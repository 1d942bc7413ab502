"""Tests of the in-memory side of `mlc.function`'s caching (mlc/compile/cache.py): keys
that depend on the graph, not on the line or the names that built it, message templates
filled in per function (passes/emit/messages.py), and a bounded LRU whose evicted
libraries are unloaded once no function uses them.
"""

from __future__ import annotations

import gc
import inspect
import os
import subprocess
import sys
import weakref

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.compile import cache


def _maps() -> int:
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


@pytest.fixture
def small_memory_cache():
    """A memory cache of 4 entries for one test; emptied before and after."""
    old = mlc.config.memory_cache_entries, mlc.config.memory_cache_bytes
    cache._memory.clear()
    mlc.config.memory_cache_entries = 4
    yield
    mlc.config.memory_cache_entries, mlc.config.memory_cache_bytes = old
    cache._memory.clear()


# ----------------------------------------------------------------------------- keys


def test_the_same_graph_on_two_lines_compiles_once_and_names_its_own_line() -> None:
    before = dict(cache.stats)
    a, b = T.dvector("a"), T.dvector("b")
    line_f = inspect.currentframe().f_lineno; f = mlc.function([a, b], T.tanh(a) * b)  # noqa: E702
    x, y = T.dvector("x"), T.dvector("y")
    line_g = inspect.currentframe().f_lineno; g = mlc.function([x, y], T.tanh(x) * y)  # noqa: E702
    assert cache.stats["compile_module"] == before["compile_module"] + 1
    assert cache.stats["memory_hits"] == before["memory_hits"] + 1
    assert f._art is g._art
    here = os.path.basename(__file__)
    with pytest.raises(ValueError, match=rf"mt.mul \(.*{here}:{line_f}\): input 'b' has size 2"):
        f(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=rf"mt.mul \(.*{here}:{line_g}\): input 'y' has size 2"):
        g(np.zeros(3), np.zeros(2))
    np.testing.assert_allclose(g(np.ones(2), np.ones(2)), np.tanh(1.0) * np.ones(2))


def test_ir_shows_each_functions_own_lines() -> None:
    x = T.dmatrix("x")
    line_f = inspect.currentframe().f_lineno; f = mlc.function([x], T.exp(x).sum())  # noqa: E702
    y = T.dmatrix("y")
    line_g = inspect.currentframe().f_lineno; g = mlc.function([y], T.exp(y).sum())  # noqa: E702
    assert f._art is g._art
    assert f":{line_f}:" in f.ir("loop", debuginfo=True)
    assert f":{line_g}:" in g.ir("loop", debuginfo=True)
    assert f":{line_f}:" not in g.ir("loop", debuginfo=True)
    assert f.ir("c") == g.ir("c") == f._art.c_source


def test_map_bodies_translate_with_sites() -> None:
    """Sites inside an mt.map body (jacobian) are numbered as graph_sites walks them."""
    x = T.dvector("x")
    J = mlc.gradient.jacobian(T.exp(x) * x.sum(), x)
    f = mlc.function([x], J)
    v = np.array([0.5, -1.0])
    want = np.diag(np.exp(v)) * v.sum() + np.exp(v)[:, None]
    np.testing.assert_allclose(f(v), want, rtol=1e-12)


def test_braces_in_a_source_path_are_not_substituted(tmp_path) -> None:
    folder = tmp_path / "{0}{{x}}{1"
    folder.mkdir()
    script = folder / "model.py"
    script.write_text(
        "import numpy as np, mlc, mlc.tensor as T\n"
        "a, b = T.dvector('a'), T.dvector('b')\n"
        "f = mlc.function([a, b], a + b)\n"
        "try:\n    f(np.zeros(3), np.zeros(2))\nexcept ValueError as e:\n    print(e)\n")
    env = {**os.environ, "MLC_COMPILEDIR": mlc.config.compiledir}
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"mt.add ({script}:3): input 'b' has size 2" in r.stdout, r.stdout


def test_a_build_time_error_names_the_users_line(monkeypatch) -> None:
    """A pass that rejects a graph is rerun with the user's lines for its message."""
    from mlc.passes import pipelines
    from mlc.passes.mt_to_loop.builder import where
    real = pipelines.compile_module

    def rejecting(module, *args, **kwargs):
        op = next(o for o in module.walk() if o.name == "mt.sin")
        raise ValueError(f"{op.name}{where(op)}: rejected")

    monkeypatch.setattr(pipelines, "compile_module", rejecting)
    x = T.dvector("x")
    line = inspect.currentframe().f_lineno; y = T.sin(x) * 3.0  # noqa: E702
    with pytest.raises(ValueError, match=rf"mt.sin \(.*{os.path.basename(__file__)}:{line}\)"):
        mlc.function([x], y)
    monkeypatch.setattr(pipelines, "compile_module", real)


def test_a_graph_that_compiles_only_with_its_lines_is_not_shared(monkeypatch) -> None:
    from mlc.passes import pipelines
    from mlc.passes.emit.messages import site_of
    from mlc.runtime import CacheWarning
    real = pipelines.compile_module

    def picky(module, *args, **kwargs):
        if any(site_of(o.location) is not None for o in module.walk()):
            raise RuntimeError("site locations are not supported here")
        return real(module, *args, **kwargs)

    monkeypatch.setattr(pipelines, "compile_module", picky)
    unshared = cache.stats["unshared"]
    a, b = T.dvector("a"), T.dvector("b")
    with pytest.warns(CacheWarning, match="only with its own source lines"):
        line = inspect.currentframe().f_lineno; f = mlc.function([a, b], T.arctan(a) - b)  # noqa: E702,E501
    assert cache.stats["unshared"] == unshared + 1 and f._art.key not in cache._memory.items
    with pytest.raises(ValueError, match=rf"mt.sub \(.*:{line}\): input 'b' has size 2"):
        f(np.zeros(3), np.zeros(2))


# ----------------------------------------------------------------------------- memory


def _distinct_function(i: int):
    x = T.dvector("x")
    return mlc.function([x], T.exp(x) * float(i) + 0.5)


def test_memory_cache_is_an_lru_bounded_by_entries(small_memory_cache) -> None:
    evicted = cache.stats["evictions"]
    kept = _distinct_function(1000)
    for i in range(6):
        _distinct_function(1001 + i)
    assert len(cache._memory.items) == 4
    assert cache.stats["evictions"] == evicted + 3
    assert kept._art.key not in cache._memory.items  # evicted, yet still callable
    np.testing.assert_allclose(kept(np.zeros(2)), [1000.5, 1000.5])


def test_memory_cache_is_bounded_by_library_bytes(small_memory_cache) -> None:
    first = _distinct_function(2000)
    mlc.config.memory_cache_bytes = 2 * first._art.nbytes + first._art.nbytes // 2
    for i in range(4):
        _distinct_function(2001 + i)
    assert len(cache._memory.items) == 2
    assert cache._memory.nbytes <= mlc.config.memory_cache_bytes


def test_evicted_libraries_are_unloaded_with_their_last_function(small_memory_cache) -> None:
    """Functions of ever new graphs keep the process's memory mappings bounded."""
    f = _distinct_function(3000)
    library = weakref.ref(f._art.library)
    del f
    for i in range(3):  # warm up, so later growth is the libraries' own
        _distinct_function(3001 + i)
    gc.collect()
    baseline = _maps()
    for i in range(40):
        _distinct_function(3100 + i)(np.ones(3))
    gc.collect()
    assert library() is None  # fell out of the LRU and its function is gone: unloaded
    assert _maps() <= baseline + 4 * 8, (baseline, _maps())


def test_scratch_arena_is_freed_when_its_library_unloads(small_memory_cache) -> None:
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    x = T.dvector("x")
    f = mlc.function([x], (T.exp(x) * 2).sum() + T.exp(x).max())
    assert "mlc_arena_get" in f.ir("c") and "mlc_release" in f.ir("c")
    v = np.zeros(5_000_000)  # 40 MB of scratch per intermediate
    f(v)
    before = rss()
    library = weakref.ref(f._art.library)
    del f
    cache._memory.clear()
    gc.collect()
    assert library() is None
    assert before - rss() > 30 * 2**20, (before, rss())


def test_config_limits_are_validated() -> None:
    for bad in (0, -1, "many", 1.5, True):
        with pytest.raises(ValueError, match="memory_cache_entries must be a positive"):
            mlc.config.memory_cache_entries = bad

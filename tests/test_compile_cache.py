"""Tests of the on-disk compile cache's robustness (runtime/cachedir.py, runtime/compile.py,
mlc/compile/cache.py): damaged entries are discarded and rebuilt, writes are durable,
concurrent processes build an entry once, leftovers of killed compiles are removed, and
only trusted directories are used (a read-only one still serves its entries).

Every test damages a private cache directory (tmp_path). A victim that could crash (a
truncated library used to kill the process with SIGBUS in dlopen) runs in a subprocess.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from mlc.runtime import CacheWarning, UnsafeCacheDirError, cache_get, cache_put, compile_c
from mlc.runtime import cachedir
from mlc.runtime import compile as rt_compile

# The victim: exp(x) + 1.5 on a vector; prints its result, gcc runs and pipeline runs.
VICTIM = """
    import numpy as np, mlc, mlc.tensor as T
    from mlc.compile import cache
    from mlc.runtime import compile as c
    x = T.dvector("x")
    f = mlc.function([x], T.exp(x) + 1.5)
    print(float(f(np.zeros(3)).sum()), c.stats["gcc_runs"], cache.stats["compile_module"])
"""
HEALTHY_FIRST = "7.5 1 1"  # compiled from scratch
HEALTHY_HIT = "7.5 0 0"    # served from the disk cache: no passes, no gcc

# The same ops on a matrix: another argument layout (and other C).
OTHER = """
    import numpy as np, mlc, mlc.tensor as T
    a = T.dmatrix("a")
    f = mlc.function([a], T.exp(a) + 1.5)
    print(float(f(np.zeros((2, 2))).sum()))
"""


def run_python(code: str, cache: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "MLC_COMPILEDIR": cache, **env}
    return subprocess.run([sys.executable, "-W", "always", "-c", textwrap.dedent(code)],
                          env=full_env, capture_output=True, text=True, timeout=300)


def run_ok(code: str, cache: str, **env: str) -> subprocess.CompletedProcess:
    r = run_python(code, cache, **env)
    assert r.returncode == 0, (r.returncode, r.stderr[-3000:])
    return r


def only_file(directory: str, suffix: str) -> str:
    names = [n for n in os.listdir(directory) if n.endswith(suffix)]
    assert len(names) == 1, names
    return os.path.join(directory, names[0])


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """Caches holding the victim's entries and the other graph's entries."""
    victim = str(tmp_path_factory.mktemp("victim-cache"))
    assert run_ok(VICTIM, victim).stdout.split() == HEALTHY_FIRST.split()
    other = str(tmp_path_factory.mktemp("other-cache"))
    run_ok(OTHER, other)
    return victim, other


@pytest.fixture
def victim_cache(populated, tmp_path):
    cache = str(tmp_path / "cache")
    shutil.copytree(populated[0], cache)
    return cache


def assert_heals(cache: str, warning: str) -> None:
    """The victim works in a new process, warns once about the entry, and the next
    process finds a healthy cache."""
    r = run_python(VICTIM, cache)
    assert r.returncode == 0, (r.returncode, r.stderr[-3000:])
    assert r.stdout.split()[0] == "7.5"
    assert "CacheWarning" in r.stderr and warning in r.stderr, r.stderr[-3000:]
    again = run_ok(VICTIM, cache)
    assert again.stdout.split() == HEALTHY_HIT.split() and "Warning" not in again.stderr


# ----------------------------------------------------------------------------- libraries


def _damage_library(path: str, how: str, other_cache: str) -> None:
    size = os.path.getsize(path)
    if how == "half":  # a power loss after the rename, before the data reached the disk
        os.truncate(path, size // 2)
    elif how == "empty":
        os.truncate(path, 0)
    elif how == "garbage":
        with open(path, "wb") as f:
            f.write(os.urandom(size))
    elif how == "directory":
        os.unlink(path)
        os.makedirs(os.path.join(path, "inside"))
    elif how == "other-graph":
        shutil.copyfile(only_file(other_cache, ".so"), path)


@pytest.mark.parametrize("how", ["half", "empty", "garbage", "directory", "other-graph"])
def test_damaged_library_is_discarded_and_rebuilt(populated, victim_cache, how):
    _damage_library(only_file(victim_cache, ".so"), how, populated[1])
    assert_heals(victim_cache, "discarding the compile cache entry")


def test_library_that_passes_its_seal_but_does_not_load_is_rebuilt_once(tmp_path):
    source = "#include <stdint.h>\nint64_t mlc_entry(void) { return 0; }\n"
    path = compile_c(source, cache_dir=str(tmp_path))
    flags = tuple(rt_compile.DEFAULT_FLAGS) + rt_compile.source_flags(source)
    key = rt_compile._source_key(source, flags)
    with open(path, "wb") as f:  # a valid seal around bytes that are no library
        f.write(cachedir.seal(b"not an ELF file", key, rt_compile.abi_version()))
    runs = rt_compile.stats["gcc_runs"]
    with pytest.warns(CacheWarning, match="does not load"):
        lib = rt_compile.load_compiled(source, cache_dir=str(tmp_path))
    assert lib.path == path and rt_compile.stats["gcc_runs"] == runs + 1


def test_library_that_never_loads_raises_a_clear_error_after_one_rebuild(tmp_path):
    source = "int no_entry_point(void) { return 0; }\n"
    runs = rt_compile.stats["gcc_runs"]
    with pytest.warns(CacheWarning), pytest.raises(OSError, match="even after a rebuild"):
        rt_compile.load_compiled(source, cache_dir=str(tmp_path))
    assert rt_compile.stats["gcc_runs"] == runs + 2


# ----------------------------------------------------------------------------- blobs


def _disk_key() -> str:
    """The victim graph's disk key (graph keys do not depend on the line or names)."""
    import mlc
    import mlc.tensor as T
    from mlc.compile import cache, fgraph, hashing
    x = T.dvector("x")
    fg = fgraph.build([x], T.exp(x) + 1.5)
    return cache.disk_key(hashing.graph_hash(fg), mlc.config.mode)


def _damage_blob(cache: str, other_cache: str, how: str) -> None:
    blob = only_file(os.path.join(cache, "kv"), ".bin")
    payloads = {
        "sealed-wrong-types": {"c_source": 12345, "messages": []},
        "sealed-unknown-kind": {"c_source": "int x;", "messages": [["Bogus", "text"]]},
        "sealed-extra-field": {"c_source": "int x;", "messages": [], "more": 1},
        "sealed-not-json": b"{",
    }
    if how == "raw-wrong-types":  # what the cache stored before it was sealed
        with open(blob, "wb") as f:
            f.write(json.dumps({"c_source": 12345, "messages": []}).encode())
    elif how == "other-graph":
        shutil.copyfile(only_file(os.path.join(other_cache, "kv"), ".bin"), blob)
    elif how == "other-graph-resealed":  # consistent, but the other graph's code
        other = only_file(os.path.join(other_cache, "kv"), ".bin")
        with open(other, "rb") as f:
            payload = cachedir.unseal(f.read(), _other_key(), rt_compile.abi_version())
        cache_put(_disk_key(), payload, cache_dir=cache)
    elif how == "flipped-byte":
        data = bytearray(open(blob, "rb").read())
        data[10] ^= 0x20
        open(blob, "wb").write(bytes(data))
    else:
        payload = payloads[how]
        cache_put(_disk_key(), payload if isinstance(payload, bytes)
                  else json.dumps(payload).encode(), cache_dir=cache)


def _other_key() -> str:
    import mlc
    import mlc.tensor as T
    from mlc.compile import cache, fgraph, hashing
    a = T.dmatrix("a")
    fg = fgraph.build([a], T.exp(a) + 1.5)
    return cache.disk_key(hashing.graph_hash(fg), mlc.config.mode)


@pytest.mark.parametrize("how, warning", [
    ("raw-wrong-types", "no seal"),
    ("sealed-wrong-types", "c_source is not a string"),
    ("sealed-unknown-kind", "exception kind"),
    ("sealed-extra-field", "exactly c_source and messages"),
    ("sealed-not-json", "not JSON"),
    ("other-graph", "another key"),
    ("flipped-byte", "sha256"),
    ("other-graph-resealed", "was compiled for the layout"),
])
def test_damaged_blob_is_discarded_and_recompiled(populated, victim_cache, how, warning):
    _damage_blob(victim_cache, populated[1], how)
    assert_heals(victim_cache, warning)


# ----------------------------------------------------------------------------- writes


def test_writes_are_fsynced_before_and_after_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", stat.S_ISDIR(os.fstat(fd).st_mode)))
        real_fsync(fd)

    def replace(a, b):
        events.append(("replace", os.path.basename(b)))
        real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    cache_put("durable", b"data", cache_dir=str(tmp_path))
    name = rt_compile._blob_name("durable")
    assert events == [("fsync", False), ("replace", name), ("fsync", True)]


def test_cache_files_are_shareable_read_only_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        cache = str(tmp_path / "cache")
        path = compile_c("int shareable(void) { return 1; }\n", cache_dir=cache)
        cache_put("k", b"v", cache_dir=cache)
    finally:
        os.umask(old)
    modes = {p: stat.S_IMODE(os.stat(p).st_mode) for p in
             (cache, path, os.path.join(cache, "kv"),
              os.path.join(cache, "kv", rt_compile._blob_name("k")))}
    assert modes == {cache: 0o755, path: 0o644, os.path.join(cache, "kv"): 0o755,
                     os.path.join(cache, "kv", rt_compile._blob_name("k")): 0o644}


# ----------------------------------------------------------------------------- concurrency


def test_concurrent_processes_compiling_one_source_run_gcc_once(tmp_path):
    log, go = tmp_path / "gcc.log", tmp_path / "go"
    wrapper = tmp_path / "gcc-wrapper"
    wrapper.write_text(f'#!/bin/sh\ncase " $* " in *" -shared "*) echo build >> {log}; '
                       f'sleep 0.5;; esac\nexec gcc "$@"\n')
    wrapper.chmod(0o755)
    code = f"""
        import os, time
        from mlc.runtime import compile as c
        c.CC = {str(wrapper)!r}
        c._compiler_id()
        while not os.path.exists({str(go)!r}):
            time.sleep(0.01)
        print(c.compile_c("int raced(void) {{ return 7; }}\\n"))
    """
    cache = str(tmp_path / "cache")
    env = {**os.environ, "MLC_COMPILEDIR": cache}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    time.sleep(1.0)  # all four wait at the start line
    go.write_text("")
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    assert len({o[0].strip() for o in outs}) == 1
    assert log.read_text().split() == ["build"]


def test_leftovers_of_killed_compiles_are_removed(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = cachedir._HOST
    names = {
        "dead": f".tmp-{dead.pid}-{host}-000000000000.so",
        "old": ".tmp-abc123.c",  # the old naming, left two hours ago
        "live": f".tmp-{os.getpid()}-{host}-111111111111.so",  # this test process: alive
        "other-host": f".tmp-{dead.pid}-ffffffff-222222222222.so",
    }
    for name in names.values():
        (cache / name).write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(cache / names["old"], (two_hours_ago, two_hours_ago))
    run_ok("from mlc.runtime import compile_c; compile_c('int fresh(void) { return 2; }\\n')",
           str(cache))
    left = {n for n in os.listdir(cache) if n.startswith(".tmp-")}
    assert left == {names["live"], names["other-host"]}


# ----------------------------------------------------------------------------- trust


def _other_user() -> tuple[int, int]:
    import pwd
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing owners needs root")


@pytest.mark.parametrize("change", [
    "other-writable", "sticky-other-writable",
    pytest.param("group-writable", marks=needs_root),
    pytest.param("foreign-owner", marks=needs_root),
    "kv-other-writable",
])
def test_untrusted_cache_dir_is_refused(tmp_path, change):
    cache = tmp_path / "cache"
    compile_c("int trusted(void) { return 3; }\n", cache_dir=str(cache))
    cache_put("k", b"v", cache_dir=str(cache))
    target = cache / "kv" if change.startswith("kv") else cache
    if change.endswith("other-writable"):
        target.chmod(0o1777 if change.startswith("sticky") else 0o757)
    elif change == "group-writable":
        os.chown(target, -1, _other_user()[1])
        target.chmod(0o775)
    else:
        os.chown(target, _other_user()[0], -1)
    with pytest.raises(UnsafeCacheDirError, match="chmod go-w.*MLC_COMPILEDIR"):
        cache_get("k", cache_dir=str(cache))
    if target == cache:
        with pytest.raises(UnsafeCacheDirError, match=re.escape(str(cache))):
            compile_c("int trusted(void) { return 3; }\n", cache_dir=str(cache))


def test_private_group_write_bit_is_trusted(tmp_path):
    import grp
    import pwd
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid())
    if group.gr_name != user or any(m != user for m in group.gr_mem):
        pytest.skip("the primary group is not a user-private group")
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o775)
    compile_c("int private_group(void) { return 4; }\n", cache_dir=str(cache))


@contextlib.contextmanager
def read_only(*paths):
    """Make directories read-only for this process (root ignores modes: it gets the
    immutable attribute instead)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(
                ["chattr", "+i", *map(str, paths)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a directory read-only for root here (chattr +i)")
        undo = ["chattr", "-i", *map(str, paths)]
    else:
        for p in paths:
            os.chmod(p, 0o555)
        undo = None
    try:
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            for p in paths:
                os.chmod(p, 0o755)


def test_read_only_cache_serves_hits_and_compiles_misses_into_a_fallback(populated, tmp_path,
                                                                         monkeypatch):
    cache = str(tmp_path / "shared")
    shutil.copytree(populated[0], cache)
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    before = sorted(os.listdir(cache))
    code = VICTIM + """
    from mlc.runtime import cache_get, cache_put
    y = T.dvector("y")
    g = mlc.function([y], T.sin(y) * 2.0)
    print(float(g(np.zeros(2)).sum()), c.stats["gcc_runs"], cache_get("absent"))
    cache_put("new", b"v")
    print(cache_get("new"))
    """
    with read_only(cache, os.path.join(cache, "kv")):
        r = run_ok(code, cache, XDG_CACHE_HOME=str(xdg))
    hit, miss, stored = r.stdout.splitlines()
    assert hit.split() == HEALTHY_HIT.split()  # served by the read-only cache
    assert miss.split() == ["0.0", "1", "None"] and stored == "b'v'"
    assert sorted(os.listdir(cache)) == before
    fallback = cachedir.fallback_roots(cache)[0]
    assert fallback.startswith(str(xdg))
    assert any(n.endswith(".so") for n in os.listdir(fallback))


def test_cache_get_on_an_unwritable_cache_is_a_miss_not_an_error(tmp_path, monkeypatch):
    cache = tmp_path / "empty"
    cache.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with read_only(cache):
        assert cache_get("anything", cache_dir=str(cache)) is None
        cache_put("anything", b"v", cache_dir=str(cache))
        assert cache_get("anything", cache_dir=str(cache)) == b"v"
        assert os.listdir(cache) == []

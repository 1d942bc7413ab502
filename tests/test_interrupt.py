"""Ctrl-C reaches long native loops: compiled code polls for signals between chunks of
its outermost long loops (passes/emit/loops.py, `MLC_POLL`), so SIGINT raises
KeyboardInterrupt within a fraction of a second and the failed call stores no update.

Each case runs in a subprocess (a hang must fail the test, not the suite) on inputs that
would take hours: broadcast (stride-0) arrays of 10**12 elements.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import os, subprocess, time
    import numpy as np, mlc, mlc.tensor as T

    def interrupted(f, *args):
        subprocess.Popen(["sh", "-c", f"sleep 0.3; kill -INT {os.getpid()}"])
        start = time.time()
        try:
            f(*args)
        except KeyboardInterrupt:
            return time.time() - start
        raise SystemExit("not interrupted")

    x, v = T.dmatrix("x"), T.dvector("v")
    s = mlc.shared(np.float64(0.0), name="s")
    {build}
    f(*small)  # compiled, and the update stored once
    before = s.get_value()
    took = interrupted(f, *big)
    print("took", took, "s_changed", s.get_value() != before)
    f(*small)
    print("after", s.get_value() - before)
""")

CASES = {
    "full reduction of a matrix": (
        "f = mlc.function([x], x.sum(), updates={s: s + x.sum()})",
        "np.ones((2, 2))", "np.broadcast_to(1.0, (10**6, 10**6))"),
    "1-d reduction": (
        "f = mlc.function([v], v.max() + v.sum(), updates={s: s + 1})",
        "np.ones(3)", "np.broadcast_to(1.0, (10**12,))"),
    "row reductions": (
        "f = mlc.function([x], x.sum(axis=1).max(), updates={s: s + 1})",
        "np.ones((2, 2))", "np.broadcast_to(1.0, (10**6, 10**6))"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_ctrl_c_interrupts_a_long_call(case: str) -> None:
    build, small, big = CASES[case]
    code = SCRIPT.replace("{build}", f"{build}\nsmall, big = ({small},), ({big},)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, out.stderr
    took, changed = out.stdout.split()[1], out.stdout.split()[3]
    assert float(took) < 30.0, out.stdout  # the full call would take hours
    assert changed == "False", "a failed call must not store updates"
    assert "after" in out.stdout and float(out.stdout.split()[-1]) != 0.0

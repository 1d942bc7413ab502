"""Runs the lit (FileCheck) suite in test/lit from pytest: one test per .mlir file, so
that the README's single `pytest` command checks every pass and lowering."""

import os
import pathlib
import subprocess
import sys

import pytest

LIT_DIR = pathlib.Path(__file__).resolve().parent.parent / "test" / "lit"
FILES = sorted(p.relative_to(LIT_DIR).as_posix() for p in LIT_DIR.rglob("*.mlir"))


def _lit() -> list[str]:
    exe = pathlib.Path(sys.prefix) / "bin" / "lit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "lit"]


@pytest.mark.parametrize("name", FILES)
def test_lit_file(name: str) -> None:
    env = dict(os.environ, PATH=os.pathsep.join([str(pathlib.Path(sys.prefix) / "bin"), os.environ.get("PATH", "")]))
    r = subprocess.run([*_lit(), "-v", str(LIT_DIR / name)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]


def test_every_pass_has_a_lit_test() -> None:
    from mlc.passes.registry import MLC_PASSES

    for name in MLC_PASSES:
        assert (LIT_DIR / "passes" / f"{name}.mlir").exists(), f"pass {name} has no lit test"

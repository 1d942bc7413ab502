"""lit configuration: every .mlir file here runs `mlc-opt` and checks with FileCheck."""

import os
import sys

import lit.formats

config.name = "mlc"  # noqa: F821
config.test_format = lit.formats.ShTest(execute_external=False)  # noqa: F821
config.suffixes = [".mlir"]  # noqa: F821
config.test_source_root = os.path.dirname(__file__)  # noqa: F821
config.excludes = ["lit.cfg.py"]  # noqa: F821
# lit scrubs the environment: put the active environment's bin/ (mlc-opt, filecheck) first.
venv_bin = os.path.join(sys.prefix, "bin")
config.environment["PATH"] = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])  # noqa: F821

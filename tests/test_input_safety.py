"""What the runtime checks before native code touches an input, with and without
`trust_input` (issue: trust_input may skip conversions, never memory safety), and how
keyword arguments are matched to input names.

Each case failed before the fix: a static size larger than the array read past its end
(a wrong sum, or a segfault for 10**8), and byte-swapped or byte-strided arrays reached
the kernel raw (silently wrong numbers).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mlc
import mlc.tensor as T


def _trusted(f):
    f.trust_input = True
    return f


@pytest.fixture(scope="module")
def static3():
    x = T.TensorType("float64", shape=(3,))("x")
    return _trusted(mlc.function([x], x.sum()))


@pytest.fixture(scope="module")
def double_it():
    x = T.dvector("x")
    return _trusted(mlc.function([x], x * 2))


def test_trusted_static_size_is_checked(static3) -> None:
    with pytest.raises(ValueError, match="input 'x' .*dimension 0 must have size 3, got 2"):
        static3(np.array([1.0, 2.0]))
    assert static3(np.array([1.0, 2.0, 3.0])) == 6.0


def test_trusted_huge_static_size_raises_instead_of_crashing() -> None:
    code = textwrap.dedent("""
        import numpy as np, mlc, mlc.tensor as T
        x = T.TensorType("float64", shape=(10**8,))("x")
        f = mlc.function([x], x.sum()); f.trust_input = True
        try:
            f(np.array([1.0, 2.0]))
        except ValueError as e:
            print("raised", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "must have size 100000000, got 2" in out.stdout


def test_trusted_byte_swapped_input_is_converted(double_it) -> None:
    a = np.arange(4.0).astype(">f8")
    np.testing.assert_array_equal(double_it(a), [0.0, 2.0, 4.0, 6.0])


def test_trusted_input_with_byte_strides_is_copied(double_it) -> None:
    raw = np.zeros(40, np.uint8)
    a = np.ndarray((4,), np.float64, raw, offset=0, strides=(9,))  # not a multiple of 8
    a[:] = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_array_equal(double_it(a), [2.0, 4.0, 6.0, 8.0])
    unaligned = np.ndarray((3,), np.float64, raw, offset=1, strides=(8,))
    unaligned[:] = [5.0, 6.0, 7.0]
    np.testing.assert_array_equal(double_it(unaligned), [10.0, 12.0, 14.0])


def test_trusted_fast_path_still_serves_good_arrays(double_it) -> None:
    a = np.arange(5.0)
    np.testing.assert_array_equal(double_it(a), 2 * a)
    np.testing.assert_array_equal(double_it(a[::2]), 2 * a[::2])


def test_keyword_names_with_nul_characters_match_exactly() -> None:
    x, y = T.dscalars("x", "y") if hasattr(T, "dscalars") else (T.dscalar("x"), T.dscalar("y"))
    f = mlc.function([mlc.In(x, name="a\0b"), mlc.In(y, name="a")], x - y)
    assert f(**{"a\0b": 5.0, "a": 2.0}) == 3.0
    assert f(**{"a": 2.0, "a\0b": 5.0}) == 3.0
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'a\\x00c'"):
        f(**{"a\0c": 5.0, "a": 2.0})
    with pytest.raises(TypeError, match=r"missing input 'a\\x00b'"):
        f(a=2.0)

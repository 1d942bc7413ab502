"""mt.map (`map_rows`) and the dynamic-length jacobian/hessian built on it, through
compiled functions, against NumPy and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.tensor.map import map_rows

rng = np.random.default_rng(3)


def test_jacobian_of_x_squared_dynamic_length() -> None:
    """Theano's tutorial: J, updates = scan(lambda i, y, x: grad(y[i], x), ...)."""
    x = T.dvector("x")
    f = mlc.function([x], mlc.gradient.jacobian(x ** 2, x))
    np.testing.assert_array_equal(f(np.array([4.0, 4.0])), [[8.0, 0.0], [0.0, 8.0]])
    v = rng.random(5)
    np.testing.assert_allclose(f(v), np.diag(2 * v))
    assert f(np.zeros(0)).shape == (0, 0)


def test_hessian_of_sum_of_squares_dynamic_length() -> None:
    x = T.dvector("x")
    H = mlc.gradient.hessian(T.sum(x ** 2), x)
    np.testing.assert_array_equal(mlc.function([x], H)(np.array([4.0, 4.0, 4.0])), 2 * np.eye(3))


def test_jacobian_with_respect_to_a_matrix_and_several_wrt() -> None:
    W, x = T.dmatrix("W"), T.dvector("x")
    y = T.tanh(T.dot(W, x))
    jW, jx = mlc.gradient.jacobian(y, [W, x])
    Wv, xv = rng.random((2, 3)), rng.random(3)
    gW, gx = mlc.function([W, x], [jW, jx])(Wv, xv)
    d = 1 - np.tanh(Wv @ xv) ** 2
    ref_W = np.zeros((2, 2, 3))
    for i in range(2):
        ref_W[i, i] = d[i] * xv
    np.testing.assert_allclose(gW, ref_W, rtol=1e-12)
    np.testing.assert_allclose(gx, d[:, None] * Wv, rtol=1e-12)


def test_hessian_of_a_nonlinear_function_matches_finite_differences() -> None:
    x = T.dvector("x")
    cost = T.sum(T.sin(x) * x[::-1]) + T.prod(x)
    H = mlc.function([x], mlc.gradient.hessian(cost, x))
    g = mlc.function([x], mlc.grad(cost, x))
    v, eps = rng.random(4) + 0.5, 1e-6
    fd = np.stack([(g(v + eps * e) - g(v - eps * e)) / (2 * eps) for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(H(v), fd, rtol=1e-6, atol=1e-8)


def test_map_rows_general_body_and_hoisting() -> None:
    x, n = T.dvector("x"), T.lscalar("n")
    out = map_rows(n, x, lambda i: x * T.cast(i, "float64") + T.exp(x))
    f = mlc.function([x, n], out)
    xv = rng.random(3)
    np.testing.assert_allclose(f(xv, 4), np.stack([xv * i + np.exp(xv) for i in range(4)]))
    assert "mt.exp" not in f.ir("mt").split("mt.map")[1]  # the invariant exp stays outside
    with pytest.raises(ValueError, match="negative"):
        f(xv, -1)


def test_map_ir_replays_through_mlc_opt(tmp_path) -> None:
    import subprocess
    import sys

    x = T.dvector("x")
    f = mlc.function([x], mlc.gradient.jacobian(x ** 2, x))
    src = tmp_path / "m.mlir"
    src.write_text(f.ir("mt"))
    out = subprocess.run([sys.executable, "-m", "mlc.opt", str(src), "--pipeline", "lower", "-t", "c"],
                         capture_output=True, text=True, check=True).stdout
    assert "mlc_entry" in out and "for (int64_t" in out

"""Judges an eigen-decomposition by what makes it right, not by equality with the reference's:
eigenvectors are not unique (each is one up to its sign, and a repeated eigenvalue's vectors are
any orthonormal basis of its space), so any valid answer is accepted."""

from typing import Any

import numpy as np

RTOL = 1e-9  # errors allowed, relative to the matrix's (Frobenius) norm
FLOOR = 1e-300  # ... plus this, so a zero matrix is not held to more than exact zeros


def check(args: list[Any], output: Any, reference_output: Any) -> bool | str:
    """True for a valid (values, vectors) of `args[0]`, else the first reason it is not."""
    (matrix,) = args
    values, vectors = output
    n = matrix.shape[0]
    problem = _form(values, (n,), "eigenvalues") or _form(vectors, (n, n), "eigenvectors")
    if problem:
        return problem
    # Judged at a scale where the largest entry is 1, so no norm or product over- or underflows.
    scale = float(np.abs(matrix).max()) if n else 0.0
    scale = scale if scale > 0 else 1.0
    scaled = matrix / scale
    tolerance = RTOL * float(np.linalg.norm(scaled)) + FLOOR
    problem = (
        _values(values, reference_output[0], scale, tolerance)
        or _orthonormal(vectors)
        or _residual(scaled, values / scale, vectors, tolerance)
    )
    return problem or True


def _form(array: Any, shape: tuple[int, ...], name: str) -> str | None:
    if array.dtype != np.float64 or array.shape != shape:
        return f"{name}: expected a float64 array of shape {shape}, got {array.dtype} {array.shape}"
    if not np.isfinite(array).all():
        return f"{name}: not all finite"
    return None


def _values(values: Any, expected: Any, scale: float, tolerance: float) -> str | None:
    if np.any(np.diff(values) < 0):
        return "eigenvalues are not in ascending order"
    error = np.abs(values / scale - expected / scale)
    if error.size and error.max() > tolerance:
        i = int(error.argmax())
        return f"eigenvalue {i} is {float(values[i])!r}, expected {float(expected[i])!r}"
    return None


def _orthonormal(vectors: Any) -> str | None:
    error = np.abs(vectors.T @ vectors - np.eye(len(vectors)))
    if error.size and error.max() > RTOL * max(1, len(vectors)):
        i, j = np.unravel_index(int(error.argmax()), error.shape)
        return f"columns are not orthonormal: |v{i} . v{j} - {int(i == j)}| = {error[i, j]:.3g}"
    return None


def _residual(matrix: Any, values: Any, vectors: Any, tolerance: float) -> str | None:
    residual = np.linalg.norm(matrix @ vectors - vectors * values, axis=0)
    if residual.size and residual.max() > tolerance:
        i = int(residual.argmax())
        return (
            f"column {i} is not an eigenvector for eigenvalue {i}: |A v - w v| = {residual[i]:.3g}"
            f" (allowed {tolerance:.3g}, with A scaled to a largest entry of 1)"
        )
    return None

"""Linear algebra ops with Keras's names, signatures and defaults (``kerax.ops.linalg.inv``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from kerax.ops._nn import float_dtype
from kerax.ops._registry import op

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]


def _matrix(x: Any, who: str, square: bool = False, name: str = "x") -> jax.Array:
    x = jnp.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"{who}: `{name}` must have rank >= 2 (a matrix or a batch), received shape {x.shape}.")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{who}: `{name}` must be square in its last two axes, received shape {x.shape}.")
    return x


def _right_hand_side(a: jax.Array, b: Any, who: str) -> jax.Array:
    b = jnp.asarray(b)
    if b.ndim < 1:
        raise ValueError(f"{who}: `b` must have rank >= 1, received a scalar.")
    if (b.ndim == a.ndim and a.shape[-2] != b.shape[-2]) or (b.ndim == a.ndim - 1 and a.shape[-1] != b.shape[-1]):
        raise ValueError(f"{who}: `a` and `b` have incompatible shapes {a.shape} and {b.shape}.")
    return b


def _concrete_nan_check(out: jax.Array, message: str) -> jax.Array:
    if not isinstance(out, jax.core.Tracer) and bool(jnp.any(jnp.isnan(out))):
        raise ValueError(message)
    return out


@op("Cholesky")
def cholesky(x: Any, upper: bool = False) -> jax.Array:
    """Cholesky factor of a symmetric (Hermitian) positive-definite matrix: lower ``L`` with ``x = L @ L.T``.

    Args:
        x: A square matrix ``(..., n, n)`` or a batch of them.
        upper: Whether to return the upper factor ``U`` with ``x = U.T @ U`` instead (default ``False``).
    """
    x = _matrix(x, "cholesky", square=True)
    out = jnp.linalg.cholesky(x, upper=upper)
    return _concrete_nan_check(out, "cholesky: decomposition failed; is `x` symmetric positive definite?")


@op("CholeskyInverse")
def cholesky_inverse(x: Any, upper: bool = False) -> jax.Array:
    """Inverse of a symmetric positive-definite matrix from its Cholesky factor.

    Args:
        x: The triangular Cholesky factor ``(..., n, n)``.
        upper: Whether ``x`` is the upper factor (default ``False``: lower).
    """
    x = _matrix(x, "cholesky_inverse", square=True)
    identity = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    factor_inv = jsl.solve_triangular(x, identity, lower=not upper)
    transposed = jnp.swapaxes(factor_inv, -1, -2)
    return factor_inv @ transposed if upper else transposed @ factor_inv


@op("Det")
def det(x: Any) -> jax.Array:
    """Determinant of a square matrix or a batch of them.

    Args:
        x: A square matrix ``(..., n, n)`` or a batch of them.
    """
    return jnp.linalg.det(_matrix(x, "det", square=True))


@op("Eig")
def eig(x: Any) -> tuple[jax.Array, jax.Array]:
    """Eigenvalues and eigenvectors of a general square matrix (complex results).

    Args:
        x: A square matrix ``(..., n, n)`` or a batch of them.
    """
    return jnp.linalg.eig(_matrix(x, "eig", square=True))


@op("Eigh")
def eigh(x: Any) -> tuple[jax.Array, jax.Array]:
    """Eigenvalues (ascending) and eigenvectors of a symmetric or Hermitian matrix.

    Args:
        x: A square matrix ``(..., n, n)`` or a batch of them.
    """
    return jnp.linalg.eigh(_matrix(x, "eigh", square=True))


@op("Inv")
def inv(x: Any) -> jax.Array:
    """Inverse of a square matrix or a batch of them.

    Args:
        x: A square matrix ``(..., n, n)`` or a batch of them.
    """
    return jnp.linalg.inv(_matrix(x, "inv", square=True))


@op("LuFactor")
def lu_factor(x: Any) -> tuple[jax.Array, jax.Array]:
    """LU factorisation with partial pivoting: the packed ``LU`` matrix and the pivot indices.

    Args:
        x: A matrix ``(..., m, n)`` or a batch of them.
    """
    x = _matrix(x, "lu_factor")
    factor = jsl.lu_factor
    for _ in range(x.ndim - 2):
        factor = jax.vmap(factor)
    return factor(x)


@op("Norm")
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> jax.Array:  # noqa: A002
    """Matrix or vector norm.

    Args:
        x: Input tensor.
        ord: Order of the norm (NumPy's ``ord``: an int, ``inf``, ``-inf``, ``"fro"`` or ``"nuc"``); ``None`` (default)
            is the 2-norm of vectors and the Frobenius norm of matrices.
        axis: An int (vector norms), a pair of ints (matrix norms), or ``None`` (default: the whole tensor as a vector,
            or as a matrix if 2-D).
        keepdims: Whether to keep the reduced axes as dimensions of size 1 (default ``False``).
    """
    x = jnp.asarray(x)
    if isinstance(ord, str) and ord not in ("fro", "nuc"):
        raise ValueError(f"norm: a string `ord` must be 'fro' or 'nuc', received {ord!r}.")
    dtype = float_dtype(x.dtype)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jnp.linalg.norm(x.astype(dtype), ord=ord, axis=axis, keepdims=keepdims)


@op("Qr")
def qr(x: Any, mode: str = "reduced") -> tuple[jax.Array, jax.Array]:
    """QR decomposition: ``q`` with orthonormal columns and upper-triangular ``r``, ``x = q @ r``.

    Args:
        x: A matrix ``(..., m, n)`` or a batch of them.
        mode: ``"reduced"`` (default: ``q`` is ``(m, k)`` with ``k = min(m, n)``) or ``"complete"`` (``q`` is ``(m,
            m)``).
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete', received {mode!r}.")
    return jnp.linalg.qr(_matrix(x, "qr"), mode=mode)


@op("Solve")
def solve(a: Any, b: Any) -> jax.Array:
    """Solution ``x`` of the linear system ``a @ x = b``.

    Args:
        a: Square coefficient matrix ``(..., n, n)``.
        b: Right-hand side ``(..., n)`` or ``(..., n, k)``.
    """
    a = _matrix(a, "solve", square=True, name="a")
    return jnp.linalg.solve(a, _right_hand_side(a, b, "solve"))


@op("SolveTriangular")
def solve_triangular(a: Any, b: Any, lower: bool = False) -> jax.Array:
    """Solution ``x`` of ``a @ x = b`` for a triangular ``a``.

    Args:
        a: Triangular coefficient matrix ``(..., n, n)``.
        b: Right-hand side ``(..., n)`` or ``(..., n, k)``.
        lower: Whether ``a`` is lower-triangular (default ``False``: upper).
    """
    a = _matrix(a, "solve_triangular", square=True, name="a")
    return jsl.solve_triangular(a, _right_hand_side(a, b, "solve_triangular"), lower=lower)


@op("SVD")
def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``x = u @ diag(s) @ vh``.

    Args:
        x: A matrix ``(..., m, n)`` or a batch of them.
        full_matrices: Whether ``u`` and ``vh`` are square (default ``True``) rather than reduced.
        compute_uv: Whether to return ``(u, s, vh)`` (default ``True``) rather than only ``s``.
    """
    return jnp.linalg.svd(_matrix(x, "svd"), full_matrices=full_matrices, compute_uv=compute_uv)


@op("Lstsq")
def lstsq(a: Any, b: Any, rcond: float | None = None) -> jax.Array:
    """Least-squares solution ``x`` minimising ``||b - a @ x||``.

    Args:
        a: Coefficient matrix ``(m, n)``.
        b: Right-hand side ``(m,)`` or ``(m, k)``.
        rcond: Cut-off for small singular values of ``a``; ``None`` (default) uses machine precision times the larger
            dimension.
    """
    a, b = jnp.asarray(a), jnp.asarray(b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(
            f"lstsq: `a` must be a matrix (m, n) and `b` have shape (m,) or (m, k), received a.shape={a.shape} and "
            f"b.shape={b.shape}."
        )
    return jnp.linalg.lstsq(a, b, rcond=rcond)[0]


@op("MatrixRank")
def matrix_rank(x: Any, tol: float | None = None) -> jax.Array:
    """Rank of a matrix (number of singular values above a tolerance), as int32.

    Args:
        x: A matrix ``(..., m, n)`` or a batch of them.
        tol: Singular values at or below it count as zero; ``None`` (default) derives it from the largest singular value
            and machine precision.
    """
    return jnp.linalg.matrix_rank(_matrix(x, "matrix_rank"), tol=tol).astype("int32")


@op("Pinv")
def pinv(x: Any, rcond: float | None = None) -> jax.Array:
    """Moore-Penrose pseudo-inverse of a matrix.

    Args:
        x: A matrix ``(..., m, n)`` or a batch of them.
        rcond: Cut-off for small singular values, relative to the largest; ``None`` (default) derives it from the
            dtype's precision.
    """
    return jnp.linalg.pinv(_matrix(x, "pinv"), rcond=rcond)


@op("JVP")
def jvp(fun: Callable[..., Any], primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    """Jacobian-vector product: ``fun(*primals)`` and its derivative along ``tangents``.

    Args:
        fun: The function to differentiate.
        primals: A tuple or list of the points to evaluate at.
        tangents: A tuple or list of tangent vectors, one per primal.
        has_aux: Whether ``fun`` returns ``(output, aux)``, with ``aux`` returned as is (default ``False``).
    """
    return jax.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)

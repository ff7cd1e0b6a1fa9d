"""kerax.ops against Keras 3 (JAX backend) for every name of ``keras.ops.nn``, ``.image``, ``.linalg`` and the
core/math ops of ``keras.ops``: values and dtypes, gradients, and symbolic output shapes.

The op names come from Keras, so an op kerax lacks fails the sweep. Each name has a table of cases built from
seeded small inputs; every case is compared on values (and dtypes), gradients (``jax.grad`` of a sum of the
outputs, for the cases that name differentiable arguments), and symbolic outputs (arrays replaced by
``kerax.KerasTensor`` / ``keras.KerasTensor`` of the same shape and dtype).
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerax
from kerax import ops

RNG = np.random.default_rng(1234)


def normal(*shape: int) -> np.ndarray:
    return RNG.normal(size=shape).astype("float32")


def uniform(*shape: int, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    return RNG.uniform(low, high, size=shape).astype("float32")


def integers(*shape: int, high: int, low: int = 0) -> np.ndarray:
    return RNG.integers(low, high, size=shape).astype("int32")


def channels_first(x: np.ndarray) -> np.ndarray:
    return np.moveaxis(x, -1, 1 if x.ndim == 4 else 0)


@dataclasses.dataclass
class Case:
    args: tuple
    kwargs: dict
    grad: tuple[int, ...] = ()  # positional arguments to differentiate
    tol: float = 1e-5
    symbolic: bool = True  # False where Keras's own symbolic path rejects the case (reason at the case)
    post: Callable[[Any], Any] | None = None  # applied to both outputs before comparing
    check: Callable[[Any, Any, float], None] | None = None  # comparison of invariants instead of values


def case(*args: Any, grad: tuple[int, ...] = (), tol: float = 1e-5, **kwargs: Any) -> Case:
    """A case calling the op with ``args`` and ``kwargs``; keywords ending in ``_`` set the Case's other fields."""
    symbolic = kwargs.pop("symbolic_", True)
    post = kwargs.pop("post_", None)
    check = kwargs.pop("check_", None)
    return Case(args, kwargs, grad, tol, symbolic, post, check)


# -- Invariant comparisons for decompositions defined up to signs or order --------------------------------
def _columns_match_up_to_sign(a: np.ndarray, b: np.ndarray, tol: float) -> None:
    signs = np.sign(np.sum(a * b, axis=-2, keepdims=True))
    np.testing.assert_allclose(a, b * signs, rtol=tol, atol=tol)


def check_eigh(ours: Any, theirs: Any, tol: float) -> None:
    (w, v), (w_k, v_k) = ([np.asarray(t) for t in out] for out in (ours, theirs))
    assert w.dtype == w_k.dtype and v.dtype == v_k.dtype
    np.testing.assert_allclose(w, w_k, rtol=tol, atol=tol)
    _columns_match_up_to_sign(v, v_k, tol)


def check_eig(ours: Any, theirs: Any, tol: float) -> None:
    (w, v), (w_k, _) = ([np.asarray(t) for t in out] for out in (ours, theirs))
    assert w.dtype == w_k.dtype == np.complex64 and v.dtype == np.complex64
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(w_k), rtol=tol, atol=tol)
    np.testing.assert_allclose(EIG_INPUT.astype(np.complex64) @ v, v * w[..., None, :], rtol=1e-4, atol=1e-4)


def check_svd(ours: Any, theirs: Any, tol: float) -> None:
    (u, s, vt), (u_k, s_k, vt_k) = ([np.asarray(t) for t in out] for out in (ours, theirs))
    assert (u.shape, s.shape, vt.shape) == (u_k.shape, s_k.shape, vt_k.shape)
    assert u.dtype == s.dtype == vt.dtype == u_k.dtype
    np.testing.assert_allclose(s, s_k, rtol=tol, atol=tol)
    k = s.shape[-1]
    _columns_match_up_to_sign(u[..., :k], u_k[..., :k], 1e-4)
    _columns_match_up_to_sign(np.swapaxes(vt, -1, -2)[..., :k], np.swapaxes(vt_k, -1, -2)[..., :k], 1e-4)


def check_qr(ours: Any, theirs: Any, tol: float) -> None:
    (q, r), (q_k, r_k) = ([np.asarray(t) for t in out] for out in (ours, theirs))
    assert (q.shape, r.shape, q.dtype, r.dtype) == (q_k.shape, r_k.shape, q_k.dtype, r_k.dtype)
    k = min(r.shape[-2:])
    _columns_match_up_to_sign(q[..., :k], q_k[..., :k], 1e-4)
    np.testing.assert_allclose(np.abs(r), np.abs(r_k), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.triu(r), r, atol=0)


# -- Inputs -------------------------------------------------------------------------------------------
X = normal(2, 3, 4)
IMG = normal(2, 6, 7, 3)
IMG_CF = channels_first(IMG)
PIX = uniform(2, 7, 9, 3)
PIX_CF = channels_first(PIX)
PIX1 = uniform(7, 9, 3)
BIG = uniform(2, 12, 13, 3)
BIG2 = np.clip(BIG + normal(2, 12, 13, 3) * 0.1, 0, 1)
M = normal(2, 4, 4)
SPD = M @ np.swapaxes(M, -1, -2) + 4 * np.eye(4, dtype="float32")
CHOL = np.linalg.cholesky(SPD[0]).astype("float32")
EIG_INPUT = normal(4, 4)
TRANSFORMS = np.array([[1.1, 0.2, -1.0, 0.1, 0.9, 0.5, 0, 0], [0.9, -0.1, 0.5, 0.2, 1.2, -0.3, 0, 0]], "float32")
SHIFTS = np.array([[1, 0, 1.25, 0, 1, -0.75, 0, 0], [0, 1, 0.3, 1, 0, -2.2, 0, 0]], "float32")
START = np.array([[[0, 0], [8, 0], [0, 6], [8, 6]], [[1, 0], [8, 1], [0, 5], [7, 6]]], "float32")
END = START + normal(2, 4, 2)
CTC_TARGET = integers(3, 4, low=1, high=5)
CTC_TARGET[0, 1] = CTC_TARGET[0, 0]  # a repeated label needs a blank between its two emissions
CTC_OUTPUT = normal(3, 8, 5)
SEGMENTS = np.array([0, 0, 2, 1, 2, 2], "int32")
SPECTRUM = (normal(2, 13, 6), normal(2, 13, 6))


def _add(a: Any, b: Any) -> Any:
    return a + b


def _scan_step(carry: Any, x: Any) -> tuple[Any, Any]:
    return carry * 0.5 + x, carry * x


def _custom_square(x: Any) -> tuple[Any, Callable[[Any], Any]]:
    return x * x, lambda upstream: upstream * 3.0 * x


def _with_aux(x: Any) -> tuple[Any, Any]:
    return jnp.sin(x) * 2.0, jnp.cos(x)


ACTIVATION = [case(X, grad=(0,)), case(normal(5) * 3)]

CASES: dict[str, list[Case]] = {
    # -- keras.ops.nn ---------------------------------------------------------------------------------
    "relu": ACTIVATION,
    "relu6": [case(X * 4, grad=(0,))],
    "sigmoid": ACTIVATION,
    "sparse_sigmoid": ACTIVATION,
    "softplus": ACTIVATION,
    "softsign": ACTIVATION,
    "silu": ACTIVATION,
    "swish": ACTIVATION,
    "log_sigmoid": ACTIVATION,
    "hard_sigmoid": ACTIVATION,
    "hard_silu": ACTIVATION,
    "hard_swish": ACTIVATION,
    "hard_tanh": ACTIVATION,
    "selu": ACTIVATION,
    "tanh_shrink": ACTIVATION,
    "sparse_plus": ACTIVATION,
    "leaky_relu": [case(X, grad=(0,)), case(X, negative_slope=0.5)],
    "elu": [case(X, grad=(0,)), case(X, alpha=0.5)],
    "celu": [case(X, grad=(0,)), case(X, alpha=2.0)],
    "gelu": [case(X, grad=(0,)), case(X, approximate=False, grad=(0,))],
    "squareplus": [case(X, grad=(0,)), case(X, b=1)],
    "soft_shrink": [case(X, grad=(0,)), case(X, threshold=1.0)],
    "hard_shrink": [case(X, grad=(0,)), case(X, threshold=1.0)],
    "threshold": [case(X, 0.2, -1.0, grad=(0,))],
    "glu": [case(normal(2, 6), grad=(0,)), case(normal(4, 3), axis=0)],
    "softmax": [case(X, grad=(0,)), case(X, axis=0), case(X, axis=(1, 2), grad=(0,))],
    "log_softmax": [case(X, grad=(0,)), case(X, axis=-2), case(X, axis=(0, 2))],
    "sparsemax": [case(X, grad=(0,)), case(X, axis=-2)],
    # Keras 3.15's JAX pools fail with strides=None (they reuse the expanded pool size), so the cases pass
    # strides; test_pools_default_strides_to_the_pool_size covers the default.
    "max_pool": [
        case(IMG, 2, 2, grad=(0,)),
        case(IMG, (2, 3), (1, 2), "same"),
        case(IMG_CF, 2, 2, "same", "channels_first", grad=(0,)),
        case(normal(2, 8, 3), 3, 2),
        case(normal(1, 4, 4, 4, 2), 2, 2),
    ],
    "average_pool": [
        case(IMG, 2, 2, grad=(0,)),
        case(IMG, (2, 3), (1, 2), "same", grad=(0,)),
        case(IMG_CF, 3, 2, "same", "channels_first"),
        case(normal(2, 8, 3), 3, 2),
        case(normal(1, 4, 4, 4, 2), 2, 2, padding="SAME"),
    ],
    # Keras's symbolic shape for channels-last inputs keeps an extra input axis: (2, 6, 3, 4, 3) for
    # (2, 6, 7, 3) pooled to (3, 4); those cases check kerax's symbolic shapes against the eager outputs only.
    "adaptive_max_pool": [
        case(IMG, (3, 4), grad=(0,), symbolic_=False),
        case(IMG_CF, (4, 3), "channels_first"),
        case(normal(2, 9, 3), (4,), symbolic_=False),
        case(normal(1, 5, 4, 6, 2), (2, 3, 4), symbolic_=False),
    ],
    "adaptive_average_pool": [
        case(IMG, (3, 4), grad=(0,), symbolic_=False),
        case(IMG_CF, (9, 5), "channels_first", grad=(0,)),
        case(normal(2, 9, 3), (4,), symbolic_=False),
        case(normal(1, 5, 4, 6, 2), (2, 3, 4), symbolic_=False),
    ],
    "conv": [
        case(IMG, normal(3, 3, 3, 4), grad=(0, 1)),
        case(IMG, normal(2, 3, 3, 5), (2, 1), "same"),
        case(IMG_CF, normal(3, 2, 3, 4), 1, "valid", "channels_first", (1, 2), grad=(0, 1)),
        case(normal(2, 9, 3), normal(3, 3, 2), 2, "same"),
        # Grouped convolution (4 channels, kernel of 2): Keras's symbolic path requires equal channels.
        case(normal(2, 9, 4), normal(3, 2, 6), symbolic_=False),
    ],
    "depthwise_conv": [
        case(IMG, normal(3, 3, 3, 2), grad=(0, 1)),
        case(IMG_CF, normal(2, 2, 3, 1), 2, "same", "channels_first", grad=(0, 1)),
        case(normal(2, 9, 3), normal(3, 3, 2), 1, "valid", None, 2),
    ],
    "separable_conv": [
        case(IMG, normal(3, 3, 3, 2), normal(1, 1, 6, 4), grad=(0, 1, 2)),
        case(IMG_CF, normal(2, 2, 3, 1), normal(1, 1, 3, 5), 1, "same", "channels_first"),
    ],
    "conv_transpose": [
        case(IMG, normal(3, 3, 5, 3), 2, grad=(0, 1)),
        case(IMG, normal(2, 3, 4, 3), (2, 1), "same", grad=(0, 1)),
        case(IMG_CF, normal(3, 3, 2, 3), 2, "same", None, "channels_first"),
        case(normal(2, 5, 3), normal(3, 4, 3), 2, "valid", 1),
        case(IMG, normal(3, 3, 2, 3), 1, "valid", None, None, 2),
    ],
    "batch_normalization": [
        case(IMG, normal(3), uniform(3, low=0.5, high=1.5), -1, normal(3), normal(3), grad=(0, 1, 2, 4, 5)),
        case(IMG_CF, normal(3), uniform(3, low=0.5, high=1.5), 1, epsilon=0.1),
    ],
    "layer_normalization": [
        case(IMG, normal(3), normal(3), grad=(0, 1, 2)),
        case(IMG, normal(6, 7), normal(6, 7), axis=[1, 2], grad=(0, 1, 2)),
        case(IMG, epsilon=1e-3),
    ],
    "rms_normalization": [
        case(IMG, normal(3), grad=(0, 1)),
        case(IMG, axis=(1, 2), epsilon=1e-3, grad=(0,)),
        case(normal(2, 5)),
    ],
    "moments": [
        case(IMG, (0, 1, 2), grad=(0,)),
        case(IMG, [1], keepdims=True),
        case(IMG.astype("float16"), (0, 1)),
    ],
    "normalize": [
        case(IMG, grad=(0,)),
        case(IMG, axis=1, order=1, grad=(0,)),
        case(IMG, axis=-1, order=3, epsilon=1e-5),
    ],
    "binary_crossentropy": [
        case(uniform(3, 4), uniform(3, 4, low=0.01, high=0.99), grad=(0, 1)),
        case(uniform(3, 4), normal(3, 4), from_logits=True, grad=(0, 1)),
    ],
    "categorical_crossentropy": [
        case(uniform(3, 4), uniform(3, 4, low=0.01, high=0.99), grad=(0, 1)),
        case(uniform(3, 4), normal(3, 4), from_logits=True, grad=(1,)),
        # Keras's symbolic path drops the last axis whatever `axis` is.
        case(uniform(4, 3), normal(4, 3), from_logits=True, axis=0, symbolic_=False),
    ],
    "sparse_categorical_crossentropy": [
        case(integers(3, high=4), uniform(3, 4, low=0.01, high=0.99), grad=(1,)),
        case(integers(3, 1, high=4), normal(3, 4), from_logits=True, grad=(1,)),
        case(integers(2, 3, high=5), normal(2, 3, 5), from_logits=True),
    ],
    "ctc_loss": [
        case(CTC_TARGET, CTC_OUTPUT, np.array([4, 2, 3], "int32"), np.array([8, 6, 7], "int32"), grad=(1,), tol=1e-4),
        case(
            np.where(CTC_TARGET == 2, 1, CTC_TARGET),
            CTC_OUTPUT,
            np.array([3, 4, 1], "int32"),
            np.array([7, 8, 8], "int32"),
            mask_index=2,
            grad=(1,),
            tol=1e-4,
        ),
    ],
    "ctc_decode": [
        case(CTC_OUTPUT, np.array([8, 6, 7], "int32")),
        case(CTC_OUTPUT, np.array([8, 6, 7], "int32"), merge_repeated=False, mask_index=None),
        case(CTC_OUTPUT, np.array([8, 5, 7], "int32"), "beam_search", 4, 2, tol=1e-4),
    ],
    "dot_product_attention": [
        case(normal(2, 5, 4, 8), normal(2, 6, 2, 8), normal(2, 6, 2, 8), grad=(0, 1, 2)),
        case(
            normal(2, 5, 4, 8),
            normal(2, 5, 4, 8),
            normal(2, 5, 4, 8),
            normal(2, 4, 5, 5),
            RNG.random((2, 1, 5, 5)) > 0.3,
            0.3,
            True,
            grad=(0, 3),
        ),
    ],
    "one_hot": [case(integers(2, 3, high=5), 5), case(integers(4, high=3), 3, axis=0, dtype="int32")],
    "multi_hot": [case(integers(3, 4, high=6), 6), case(integers(5, high=4), num_classes=4, dtype="int32")],
    "psnr": [
        case(uniform(2, 8, 8, 3), uniform(2, 8, 8, 3), 1.0, grad=(0, 1)),
        case(uniform(4, 4, high=255), uniform(4, 4, high=255), 255.0),
    ],
    "polar": [case(uniform(3, 4), normal(3, 4), grad=(0, 1))],
    "unfold": [
        case(normal(2, 3, 6, 5), (2, 3), grad=(0,)),
        case(normal(2, 2, 7, 7), 3, dilation=2, padding=1, stride=2),
    ],
    "fold": [
        case(normal(2, 12, 12), (5, 6), 2, 1, 1, 2, grad=(0,)),
        case(normal(1, 8, 12), (4, 5), (2, 2)),
    ],
    "depth_to_space": [case(normal(2, 3, 4, 8), 2, grad=(0,)), case(normal(2, 8, 3, 4), 2, "channels_first")],
    "space_to_depth": [case(normal(2, 4, 6, 3), 2, grad=(0,)), case(normal(2, 3, 4, 6), 2, "channels_first")],
    # -- keras.ops.image ------------------------------------------------------------------------------
    "rgb_to_grayscale": [
        case(PIX, grad=(0,)),
        case(PIX_CF, data_format="channels_first"),
        case(PIX1),
        case((PIX * 255).astype("uint8")),
    ],
    "rgb_to_hsv": [case(PIX, grad=(0,)), case(PIX_CF, data_format="channels_first"), case(PIX1)],
    "hsv_to_rgb": [case(PIX, grad=(0,)), case(PIX_CF, data_format="channels_first"), case(PIX1)],
    "resize": [
        case(PIX, (5, 4), grad=(0,)),
        case(PIX_CF, (10, 12), "bicubic", data_format="channels_first"),
        case(PIX1, (4, 4), "nearest", crop_to_aspect_ratio=True),
        case(PIX, (4, 4), pad_to_aspect_ratio=True, fill_value=0.5),
        case(PIX_CF, (8, 2), pad_to_aspect_ratio=True, data_format="channels_first"),
        case((PIX * 255).astype("uint8"), (5, 4), antialias=True),
        case(PIX, (3, 4), "lanczos3", antialias=True),
    ],
    "affine_transform": [
        case(PIX, TRANSFORMS, grad=(0,)),
        # Nearest sampling with coordinates clear of ties (x.5), which rounding noise could break either way.
        case(PIX_CF, SHIFTS, "nearest", "reflect", data_format="channels_first"),
        case(PIX1, TRANSFORMS[0], fill_mode="wrap"),
        case(PIX, TRANSFORMS, fill_mode="mirror", fill_value=0.5),
        case(PIX, TRANSFORMS, "bilinear", "nearest"),
    ],
    "crop_images": [
        case(PIX, 1, 2, target_height=4, right_cropping=1, grad=(0,)),
        case(PIX_CF, 2, 0, 1, target_width=5, data_format="channels_first"),
        case(PIX1, None, 3, 2, 1, target_height=4),
    ],
    "pad_images": [
        case(PIX, 1, 2, target_height=10, right_padding=0, grad=(0,)),
        case(PIX_CF, 2, 0, 1, target_width=12, data_format="channels_first"),
        case(PIX1, None, 3, 2, 1, target_height=11),
    ],
    "extract_patches": [
        case(PIX, (2, 3), grad=(0,)),
        case(PIX, 3, (2, 2), 1, "same"),
        case(PIX_CF, (2, 2), None, (2, 1), "valid", "channels_first"),
        case(PIX1, 2),
        case(normal(2, 4, 5, 6, 2), (2, 2, 3)),
    ],
    "extract_patches_3d": [
        case(normal(2, 4, 5, 6, 2), (2, 2, 3), grad=(0,)),
        case(normal(2, 2, 4, 5, 6), 2, (1, 2, 2), 1, "same", "channels_first"),
        case(normal(4, 4, 4, 2), 2),
    ],
    # Keras's eager JAX path reads `data_format=None` as channels-first here (kerax: the configured default,
    # channels-last), so the cases pass it explicitly.
    "gaussian_blur": [
        case(PIX, (3, 3), (1.0, 1.0), "channels_last", grad=(0,)),
        case(PIX_CF, (5, 3), (1.5, 0.7), "channels_first"),
        case(PIX1, data_format="channels_last"),
    ],
    "map_coordinates": [
        case(normal(5, 6, 3), uniform(3, 4, 5, low=-1, high=7), 1, grad=(0, 1)),
        case(normal(5, 6, 3), uniform(3, 4, 5, low=-1, high=7), 0, "nearest"),
        case(normal(6, 7), uniform(2, 10, low=-2, high=9), 1, "reflect", 0.5),
        case(normal(6, 7), uniform(2, 10, low=-2, high=9), 1, "mirror"),
        case(normal(6, 7), uniform(2, 10, low=-2, high=9), 1, "wrap"),
    ],
    "perspective_transform": [
        case(PIX, START, END, grad=(0,), tol=1e-4),
        case(PIX_CF[0], START[0], END[0], "bilinear", 0.5, "channels_first", tol=1e-4),
    ],
    # Random: both sides draw their displacement field from the same integer seed (Keras's JAX-backend key
    # [seed, 0], one key for both axes), so values are compared exactly.
    "elastic_transform": [
        case(PIX[..., :1], seed=7),
        case(PIX_CF[0], 2.0, 1.5, "nearest", "constant", 0.3, seed=11, data_format="channels_first"),
    ],
    "scale_and_translate": [
        case(
            PIX,
            (2, 10, 5, 3),
            np.array([1.3, 0.6], "float32"),
            np.array([0.5, -1.0], "float32"),
            (1, 2),
            "bilinear",
            grad=(0,),
        ),
        case(
            PIX,
            (2, 4, 12, 3),
            np.array([0.5, 1.4], "float32"),
            np.array([0.0, 0.3], "float32"),
            (1, 2),
            "lanczos3",
            antialias=False,
        ),
        case(normal(6, 8), (9, 5), np.array([1.5, 0.7], "float32"), np.array([0.2, 0.1], "float32"), (0, 1), "cubic"),
    ],
    "sobel_edges": [case(PIX, grad=(0,)), case(PIX_CF, "channels_first")],
    "ssim": [
        case(BIG, BIG2, grad=(0, 1), tol=1e-4),
        case(BIG[0] * 255, BIG2[0] * 255, 255.0, tol=1e-4),
        case(channels_first(BIG), channels_first(BIG2), 2.0, 5, 1.0, 0.02, 0.04, "channels_first", tol=1e-4),
    ],
    # -- keras.ops.linalg -----------------------------------------------------------------------------
    "cholesky": [case(SPD, grad=(0,), tol=1e-4), case(SPD[0], upper=True)],
    "cholesky_inverse": [case(CHOL, grad=(0,), tol=1e-4), case(CHOL.T.copy(), upper=True, tol=1e-4)],
    "det": [case(M, grad=(0,), tol=1e-4), case(M[0], tol=1e-4)],
    # eig/eigh/svd/qr are defined up to signs (and eig up to order): compared on invariants.
    "eig": [case(EIG_INPUT, check_=check_eig, tol=1e-4)],
    "eigh": [case(SPD, check_=check_eigh, tol=1e-4), case(SPD, grad=(0,), post_=lambda out: out[0], tol=1e-4)],
    "inv": [case(M, grad=(0,), tol=1e-4)],
    "jvp": [case(jnp.sin, (M,), (M * 2,)), case(_with_aux, (X,), (X * 2,), has_aux=True)],
    "lstsq": [case(normal(6, 3), normal(6, 2), grad=(0, 1), tol=1e-4), case(normal(6, 3), normal(6), tol=1e-4)],
    "lu_factor": [case(M, grad=(0,), tol=1e-4), case(normal(3, 3))],
    "matrix_rank": [
        case(M),
        case(np.outer(normal(4), normal(4)) + np.outer(normal(4), normal(4))),
        case(M, tol=0.5),
    ],
    "norm": [
        case(M, grad=(0,)),
        case(M, 1, -1, grad=(0,)),
        case(M, "fro", (1, 2), True, grad=(0,)),
        case(M, "nuc", (-2, -1), grad=(0,), tol=1e-4),
        case(M, np.inf, (1, 2)),
        case(M, 2, (1, 2), tol=1e-4),
        case(M, -2, (1, 2), tol=1e-4),
        case(integers(3, 4, high=9), axis=-1, keepdims=True),
    ],
    "pinv": [case(normal(3, 5), grad=(0,), tol=1e-4), case(M, rcond=1e-3, tol=1e-4)],
    "qr": [case(normal(5, 3), check_=check_qr), case(normal(2, 3, 5), mode="complete", check_=check_qr)],
    "solve": [case(M, normal(2, 4, 3), grad=(0, 1), tol=1e-4), case(M[0], normal(4), tol=1e-4)],
    "solve_triangular": [
        case(np.triu(M) + 3 * np.eye(4, dtype="float32"), normal(2, 4, 3), grad=(0, 1), tol=1e-4),
        case(np.tril(M[0]) + 3 * np.eye(4, dtype="float32"), normal(4, 2), lower=True, tol=1e-4),
    ],
    "svd": [
        case(normal(5, 3), check_=check_svd, tol=1e-4),
        case(normal(2, 4, 3), full_matrices=False, check_=check_svd, tol=1e-4),
        case(M, compute_uv=False, grad=(0,), tol=1e-4),
    ],
    # -- keras.ops core and math ----------------------------------------------------------------------
    "associative_scan": [
        case(_add, normal(5, 3), grad=(1,)),
        case(jnp.multiply, normal(2, 6), reverse=True, axis=1, grad=(1,)),
        case(lambda a, b: (a[0] + b[0], a[1] * b[1]), (normal(5), normal(5))),
    ],
    "cdist": [case(normal(3, 4), normal(5, 4), grad=(0, 1)), case(normal(2, 3, 4), normal(1, 5, 4))],
    "cond": [
        case(np.array(True), lambda: X * 2, lambda: X - 1),
        case(np.array(False), lambda: (X, X.sum()), lambda: (X * 0, X.max())),
    ],
    "custom_gradient": [case(_custom_square, post_=lambda g: (g(X), jax.grad(lambda x: g(x).sum())(X)))],
    "dtype": [case(X), case(jnp.asarray(X, "bfloat16")), case(integers(3, high=4))],
    "erf": [case(X, grad=(0,))],
    "erfc": [case(X, grad=(0,)), case(integers(3, high=4))],
    "erfinv": [case(np.tanh(X), grad=(0,))],
    "extract_sequences": [case(normal(2, 20), 5, 3, grad=(0,)), case(normal(16), 4, 4)],
    "fft": [case((normal(3, 8), normal(3, 8)), grad=(0,), tol=1e-4)],
    "fft2": [case((normal(2, 4, 6), normal(2, 4, 6)), grad=(0,), tol=1e-4)],
    "ifft2": [case((normal(2, 4, 6), normal(2, 4, 6)), grad=(0,), tol=1e-4)],
    "fori_loop": [case(0, 5, lambda i, v: v * 1.5 + i, normal(3), grad=(3,))],
    "in_top_k": [case(integers(4, high=6), normal(4, 6), 2), case(integers(4, high=6), normal(4, 6), 1)],
    "irfft": [case(SPECTRUM, grad=(0,), tol=1e-4), case(SPECTRUM, 10, tol=1e-4)],
    "is_tensor": [case(jnp.asarray(X)), case(X)],
    "istft": [
        case(SPECTRUM, 8, 3, 10, grad=(0,), tol=1e-4),
        case(SPECTRUM, 8, 3, 10, 30, None, False, tol=1e-4),
        case(SPECTRUM, 10, 4, 10, window="hamming", tol=1e-4),
        case(SPECTRUM, 8, 3, 10, 32, np.linspace(0.1, 1, 8).astype("float32"), tol=1e-4),
    ],
    "logdet": [case(SPD, grad=(0,), tol=1e-4)],
    "logsumexp": [case(X, grad=(0,)), case(X, axis=(0, 2), keepdims=True), case(X, axis=-1)],
    "map": [case(lambda x: x**2, normal(4, 3), grad=(1,)), case(lambda d: d["a"] * d["b"], {"a": X, "b": X})],
    "rearrange": [
        case(normal(2, 6, 4), "b (h w) c -> (b c) w h", h=2, grad=(0,)),
        case(normal(2, 3, 4), "a b c -> c a b"),
    ],
    "rfft": [case(normal(2, 8), grad=(0,), tol=1e-4), case(normal(2, 8), 12, tol=1e-4)],
    "rsqrt": [case(uniform(3, 4, low=0.1, high=3), grad=(0,))],
    "saturate_cast": [
        case(normal(3, 4) * 300, "int8"),
        case(normal(3, 4) * 1e5, "float16"),
        case(np.round(normal(3, 4) * 300).astype("int32"), "uint8"),
        case(normal(3, 4) * 3e9, "int32"),
        case(RNG.random((3, 4)) > 0.5, "float32"),
    ],
    "scan": [
        case(_scan_step, normal(3), normal(5, 3), grad=(1, 2)),
        case(lambda c, _: (c * 2.0, c), normal(2), None, 4),
        case(_scan_step, normal(3), normal(5, 3), reverse=True, unroll=2),
    ],
    "scatter": [
        case(integers(4, 2, high=3), normal(4), (3, 5), grad=(1,)),
        case(integers(3, 1, high=4), normal(3, 5), (4, 5)),
    ],
    "scatter_update": [
        case(normal(3, 4), np.array([[0, 1], [2, 3]], "int32"), normal(2), grad=(0, 2)),
        case(normal(3, 4), np.array([[0, 1], [0, 1]], "int32"), normal(2), reduction="add"),
        case(normal(3, 4), np.array([[0, 1], [2, 3]], "int32"), normal(2), reduction="MAX"),
        case(normal(3, 4), np.array([[0, 1], [2, 3]], "int32"), normal(2), reduction="min"),
        case(normal(3, 4), np.array([[0, 1], [2, 3]], "int32"), normal(2), reduction="mul"),
    ],
    "segment_max": [case(normal(6, 3), SEGMENTS, 4, grad=(0,)), case(normal(6), np.sort(SEGMENTS), 3, sorted=True)],
    "segment_min": [case(normal(6, 3), SEGMENTS, 4, grad=(0,)), case(normal(6), np.sort(SEGMENTS), 3, sorted=True)],
    "segment_prod": [case(normal(6, 3), SEGMENTS, 4), case(normal(6), np.sort(SEGMENTS), 3, sorted=True)],
    "segment_sum": [case(normal(6, 3), SEGMENTS, 4, grad=(0,)), case(normal(6), np.sort(SEGMENTS), 3, sorted=True)],
    "slice": [case(normal(3, 4, 5), (1, 0, 2), (2, -1, 3), grad=(0,)), case(normal(4, 4), np.array([1, 2]), (2, 2))],
    "slice_update": [case(normal(3, 4, 5), (1, 0, 2), normal(2, 2, 2), grad=(0, 2))],
    "stft": [
        case(normal(2, 40), 8, 3, 10, grad=(0,), tol=1e-4),
        case(normal(33), 8, 4, 8, "hamming", False, tol=1e-4),
        case(normal(2, 40), 6, 2, 8, None, tol=1e-4),
        case(normal(2, 40), 8, 3, 10, np.linspace(0.1, 1, 8).astype("float32"), tol=1e-4),
    ],
    "stop_gradient": [case(X, grad=(0,))],
    "switch": [
        case(1, [lambda x: x, lambda x: x * 2.0, lambda x: -x], normal(3), grad=(2,)),
        case(np.int32(0), [lambda x, y: x + y, lambda x, y: x * y], normal(3), normal(3), grad=(2, 3)),
    ],
    "top_k": [case(normal(3, 6), 2, grad=(0,)), case(normal(5), 3, sorted=False)],
    "vectorized_map": [
        case(lambda x: jnp.sum(x) * x, normal(4, 3), grad=(1,)),
        case(lambda pair: pair[0] @ pair[1], (normal(4, 2, 3), normal(4, 3, 2))),
    ],
    "view_as_complex": [case(normal(3, 2), grad=(0,)), case(normal(2, 4, 2))],
    "view_as_real": [case(jnp.asarray(normal(3, 4) + 1j * normal(3, 4)), grad=(0,))],
    "while_loop": [
        case(lambda i, s: i < 5, lambda i, s: (i + 1, s * 2.0), (np.array(0, "int32"), normal(3))),
        case(lambda i: i < 50, lambda i: i + 1, np.array(0, "int32"), maximum_iterations=7),
        case(lambda i, s: i < 5, lambda i, s: [i + 1, s * 2.0], [np.array(0, "int32"), normal(2)], 3),
    ],
}

# Names checked without gradients, and why.
GRAD_EXCLUDED = {
    "ctc_decode": "integer paths; scores are not differentiable decisions",
    "one_hot": "integer inputs",
    "multi_hot": "integer inputs",
    "in_top_k": "boolean output",
    "matrix_rank": "integer output",
    "qr": "outputs defined up to signs; invariants compared instead",
    "eig": "complex eigenvectors defined up to phase",
    "jvp": "already a derivative; its callable argument is not differentiated",
    "cond": "callables close over constants; gradients of cond are checked under jit below",
    "custom_gradient": "its gradient is part of the compared values (post-processing)",
    "dtype": "returns a string",
    "is_tensor": "returns a bool",
    "saturate_cast": "piecewise constant/integer outputs",
    "while_loop": "JAX cannot reverse-differentiate while loops",
    "segment_prod": "JAX has no gradient for a product scatter with repeated segment ids",
    "elastic_transform": "Keras's gradient program (a Python loop of samplers) compiles for seconds; the sampling "
    "gradients are compared for map_coordinates and affine_transform",
}

# Names without a symbolic check, and why.
SYMBOLIC_EXCLUDED = {
    "custom_gradient": "a decorator: takes and returns a function",
    "dtype": "returns a string, not a tensor",
    "is_tensor": "returns a bool (False for symbolic tensors on both sides)",
}

# Names whose symbolic dtype differs from Keras's declared one, because Keras's op declares a wrong dtype
# (kerax infers it from the computation, which matches the eager result).
SYMBOLIC_DTYPE_EXCLUDED = {
    "polar": "Keras declares float32; the output is complex64",
    "multi_hot": "Keras declares the input's integer dtype; the output is floatx (or `dtype`)",
    "lu_factor": "Keras declares the pivots in x's dtype; they are int32",
    "eig": "Keras declares x's float dtype; eigenvalues and eigenvectors are complex64",
}


def _keras_names(module: Any) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))


NOT_CORE = {"cast", "convert_to_numpy", "convert_to_tensor", "shape", "unstack"}  # kerax keeps these in _numpy
FAMILIES: dict[str, tuple[Any, Any]] = {
    "nn": (ops.nn, keras.ops.nn),
    "image": (ops.image, keras.ops.image),
    "linalg": (ops.linalg, keras.ops.linalg),
    "core": (ops, keras.ops),
}
_SUBMODULE_NAMES = {n for m in ("nn", "image", "linalg", "numpy") for n in _keras_names(getattr(keras.ops, m))}
NAMES = {
    "nn": _keras_names(keras.ops.nn),
    "image": _keras_names(keras.ops.image),
    "linalg": _keras_names(keras.ops.linalg),
    "core": sorted(n for n in _keras_names(keras.ops) if n not in _SUBMODULE_NAMES and n not in NOT_CORE),
}
SWEEP = [(family, name) for family, names in NAMES.items() for name in names]


def _leaves(tree: Any) -> list[Any]:
    return jax.tree_util.tree_leaves(tree)


def assert_same(ours: Any, theirs: Any, tol: float, what: str) -> None:
    ours_leaves, theirs_leaves = _leaves(ours), _leaves(theirs)
    assert len(ours_leaves) == len(theirs_leaves), f"{what}: {len(ours_leaves)} outputs, Keras {len(theirs_leaves)}"
    for i, (a, b) in enumerate(zip(ours_leaves, theirs_leaves, strict=True)):
        if isinstance(b, str | bool):
            assert a == b and type(a) is type(b), f"{what}[{i}]: {a!r} != {b!r}"
            continue
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, f"{what}[{i}]: shape {a.shape} != Keras {b.shape}"
        assert a.dtype == b.dtype, f"{what}[{i}]: dtype {a.dtype} != Keras {b.dtype}"
        if np.issubdtype(b.dtype, np.inexact):
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True, err_msg=f"{what}[{i}]")
        else:
            np.testing.assert_array_equal(a, b, err_msg=f"{what}[{i}]")


def _float_sum(tree: Any) -> Any:
    total = 0.0
    for leaf in _leaves(tree):
        leaf = jnp.asarray(leaf)
        if jnp.issubdtype(leaf.dtype, jnp.inexact):
            total = total + jnp.sum(jnp.real(leaf)) + jnp.sum(jnp.imag(leaf))
    return total


def _gradients(fn: Callable[..., Any], c: Case, args: tuple, kwargs: dict) -> Any:
    def loss(*diff: Any) -> Any:
        full = list(args)
        for position, value in zip(c.grad, diff, strict=True):
            full[position] = value
        out = fn(*full, **kwargs)
        return _float_sum(c.post(out) if c.post else out)

    return jax.grad(loss, argnums=tuple(range(len(c.grad))))(*[args[p] for p in c.grad])


def _is_array(x: Any) -> bool:
    return isinstance(x, np.ndarray | jax.Array)


def _evaluate(cases: list[Case], fns: tuple[Callable[..., Any], ...], jit: bool) -> list[list[tuple[Any, Any]]]:
    """Per case and function: the outputs and the gradients; with ``jit``, all in one compiled program."""
    flat = [jax.tree_util.tree_flatten((c.args, c.kwargs), is_leaf=callable) for c in cases]
    arrays = [[leaf for leaf in leaves if _is_array(leaf)] for leaves, _ in flat]

    def run(all_arrays: list) -> list:
        results = []
        for index, (c, (leaves, treedef), values) in enumerate(zip(cases, flat, all_arrays, strict=True)):
            it = iter(values)
            args, kwargs = jax.tree_util.tree_unflatten(treedef, [next(it) if _is_array(x) else x for x in leaves])
            try:
                outs = [fn(*args, **kwargs) for fn in fns]
                outs = [c.post(o) for o in outs] if c.post else outs
                grads = [_gradients(fn, c, args, kwargs) if c.grad else None for fn in fns]
            except Exception as error:
                error.add_note(f"while evaluating case {index}")
                raise
            results.append(list(zip(outs, grads, strict=True)))
        return results

    if not jit:
        return run(arrays)
    lowered = jax.jit(run).lower(arrays)
    try:
        compiled = lowered.compile(compiler_options=FAST_COMPILE)
    except jax.errors.JaxRuntimeError:  # an XLA without these options
        compiled = lowered.compile()
    return compiled(arrays)


# Both sides compile alike, so XLA's CPU optimisations buy nothing here but compile time (about 3x).
FAST_COMPILE = (
    {
        "xla_backend_optimization_level": "0",
        "xla_llvm_disable_expensive_passes": "True",
        "xla_cpu_use_fusion_emitters": "False",
    }
    if jax.default_backend() == "cpu"
    else {}
)


def symbolize(c: Case, make: Callable[[tuple, Any], Any]) -> tuple[tuple, dict]:
    def convert(x: Any) -> Any:
        return make(tuple(x.shape), np.dtype(x.dtype).name) if _is_array(x) else x

    args = tuple(jax.tree_util.tree_map(convert, a, is_leaf=callable) for a in c.args)
    kwargs = {k: jax.tree_util.tree_map(convert, v) for k, v in c.kwargs.items()}
    return args, kwargs


def _constants_eagerly(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        with jax.ensure_compile_time_eval():
            return fn(*args, **kwargs)

    return call


# Keras ops that need their constants computed eagerly to be compiled, and why.
KERAS_CONSTANTS = {
    "elastic_transform": "Keras's JAX implementation needs a concrete `sigma` tensor (int(6 * sigma))",
    "rearrange": "Keras's implementation computes split axis lengths as tensors, then reshapes by them",
}
# Ops compared eagerly, and why.
EAGER = {"dtype": "returns a string", "is_tensor": "answers differently for tracers"}


@pytest.mark.parametrize(("family", "name"), SWEEP, ids=[f"{f}.{n}" for f, n in SWEEP])
def test_parity_with_keras(family: str, name: str) -> None:
    """The sweep; it compiles each op's cases (both libraries) with jax.jit, so kerax's ops are checked to jit."""
    ours_module, keras_module = FAMILIES[family]
    assert hasattr(ours_module, name), f"kerax.ops{'' if family == 'core' else '.' + family} has no {name!r}"
    assert name in CASES, f"no parity cases for {family}.{name}"
    ours_fn, keras_fn = getattr(ours_module, name), getattr(keras_module, name)
    cases = CASES[name]
    keras_side = _constants_eagerly(keras_fn) if name in KERAS_CONSTANTS else keras_fn
    results = _evaluate(cases, (ours_fn, keras_side), jit=name not in EAGER)
    for index, (c, ((ours, ours_grad), (theirs, keras_grad))) in enumerate(zip(cases, results, strict=True)):
        what = f"{name} case {index}"
        if c.check:
            c.check(ours, theirs, c.tol)
        else:
            assert_same(ours, theirs, c.tol, what)
        if c.grad:
            assert_same(ours_grad, keras_grad, max(c.tol, 1e-4), what + " gradient")

        if name in SYMBOLIC_EXCLUDED:
            continue
        # Symbolic outputs match kerax's eager ones (compared with Keras's above) and Keras's symbolic ones.
        ours_args, ours_kwargs = symbolize(c, lambda shape, dtype: kerax.KerasTensor(shape, dtype))
        ours_spec = _leaves(ours_fn(*ours_args, **ours_kwargs))
        if c.post is None:
            eager = [(np.shape(e), np.asarray(e).dtype) for e in _leaves(ours)]
            assert [(a.shape, a.dtype) for a in ours_spec] == eager, what + " symbolic outputs differ from eager ones"
        assert all(a._keras_history is not None for a in ours_spec), what + " records no graph node"
        if c.symbolic:
            theirs_args, theirs_kwargs = symbolize(c, lambda shape, dtype: keras.KerasTensor(shape, dtype))
            theirs_spec = _leaves(keras_fn(*theirs_args, **theirs_kwargs))
            assert len(ours_spec) == len(theirs_spec), what + " symbolic outputs"
            for a, b in zip(ours_spec, theirs_spec, strict=True):
                assert a.shape == tuple(b.shape), f"{what} symbolic shape {a.shape} != Keras {b.shape}"
                if name not in SYMBOLIC_DTYPE_EXCLUDED:
                    assert a.dtype.name == b.dtype, f"{what} symbolic dtype {a.dtype.name} != Keras {b.dtype}"


def test_pools_default_strides_to_the_pool_size() -> None:
    for pool in (ops.max_pool, ops.average_pool):
        np.testing.assert_array_equal(pool(IMG, (2, 3)), pool(IMG, (2, 3), (2, 3)))
        np.testing.assert_array_equal(pool(IMG_CF, 2, data_format="channels_first"), channels_first(pool(IMG, 2)))


def test_sweep_tables_are_consistent() -> None:
    swept = {name for _, name in SWEEP}
    assert set(CASES) == swept, (sorted(set(CASES) - swept), sorted(swept - set(CASES)))
    assert len(NAMES["nn"]) == 55 and len(NAMES["image"]) == 16 and len(NAMES["linalg"]) == 16
    assert len(NAMES["core"]) == 41
    for name in swept:
        has_grad = any(c.grad for c in CASES[name])
        assert has_grad != (name in GRAD_EXCLUDED), f"{name}: give gradient cases or a reason to exclude it"
    assert set(SYMBOLIC_EXCLUDED) <= swept and set(SYMBOLIC_DTYPE_EXCLUDED) <= swept


@pytest.mark.parametrize(("family", "name"), SWEEP, ids=[f"{f}.{n}" for f, n in SWEEP])
def test_signatures_match_keras(family: str, name: str) -> None:
    ours_module, keras_module = FAMILIES[family]

    def parameters(fn: Callable[..., Any]) -> list[tuple]:
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    assert parameters(getattr(ours_module, name)) == parameters(getattr(keras_module, name))


def test_data_format_defaults_to_the_backend_image_data_format() -> None:
    if not hasattr(kerax.backend, "set_image_data_format"):
        pytest.skip("kerax.backend has no image data format setting; the default is channels_last")
    kernel = normal(3, 3, 3, 4)
    original = kerax.backend.image_data_format()
    kerax.backend.set_image_data_format("channels_first")
    try:
        np.testing.assert_array_equal(ops.conv(IMG_CF, kernel), ops.conv(IMG_CF, kernel, data_format="channels_first"))
        np.testing.assert_array_equal(ops.image.resize(PIX_CF, (3, 4)).shape, (2, 3, 3, 4))
        np.testing.assert_array_equal(ops.adaptive_max_pool(IMG_CF, (2, 2)).shape, (2, 3, 2, 2))
    finally:
        kerax.backend.set_image_data_format(original)
    np.testing.assert_array_equal(ops.image.resize(PIX, (3, 4)).shape, (2, 3, 4, 3))


def test_nn_and_linalg_names_are_also_top_level_ops() -> None:
    for name in NAMES["nn"] + NAMES["linalg"]:
        assert getattr(ops, name) is getattr(getattr(ops, "nn" if name in NAMES["nn"] else "linalg"), name), name
    assert not any(hasattr(ops, name) for name in NAMES["image"])


# -- Control flow under jax.jit -----------------------------------------------------------------------
def test_control_flow_ops_run_and_differentiate_inside_jit() -> None:
    xs = jnp.arange(1.0, 6.0)

    @jax.jit
    def program(x: jax.Array) -> dict[str, Any]:
        carry, ys = ops.scan(lambda c, v: (c + v * x, c), 0.0, xs)
        count, doubled = ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2.0), (0, x))
        capped = ops.while_loop(lambda i: i < 100, lambda i: i + 1, 0, maximum_iterations=4)
        return {
            "scan": (carry, ys),
            "while": (count, doubled, capped),
            "fori": ops.fori_loop(0, 4, lambda i, v: v + i * x, 0.0),
            "cond": ops.cond(x > 0, lambda: x * 10.0, lambda: -x),
            "switch": ops.switch(2, [lambda v: v, lambda v: v + 1, lambda v: v * v], x),
            "map": ops.map(lambda v: v * x, xs),
            "vmap": ops.vectorized_map(lambda v: v.sum() * x, jnp.ones((2, 3))),
            "assoc": ops.associative_scan(jnp.add, xs),
            "stop": ops.stop_gradient(x) * x,
        }

    out = program(jnp.float32(2.0))
    np.testing.assert_allclose(out["scan"][0], 30.0)
    np.testing.assert_allclose(out["scan"][1], [0, 2, 6, 12, 20])
    assert int(out["while"][0]) == 3 and float(out["while"][1]) == 16.0 and int(out["while"][2]) == 4
    np.testing.assert_allclose(out["fori"], 12.0)
    np.testing.assert_allclose(out["cond"], 20.0)
    np.testing.assert_allclose(out["switch"], 4.0)
    np.testing.assert_allclose(out["map"], 2 * xs)
    np.testing.assert_allclose(out["vmap"], [6.0, 6.0])
    np.testing.assert_allclose(out["assoc"], np.cumsum(xs))

    def loss(x: jax.Array) -> jax.Array:
        carry, _ = ops.scan(lambda c, v: (c * x + v, c), 0.0, xs)
        return carry + ops.cond(x > 0, lambda: x**2, lambda: x) + ops.stop_gradient(x) * x

    # d/dx of (((1x + 2)x + 3)x + 4)x + 5 at 2 is 4x^3 + 6x^2 + 6x + 4 = 72; cond adds 2x = 4; stop_gradient 2.
    np.testing.assert_allclose(jax.jit(jax.grad(loss))(jnp.float32(2.0)), 78.0)


def test_custom_gradient_uses_the_given_gradient_inside_jit_and_unwraps_variables() -> None:
    @ops.custom_gradient
    def clipped_identity(x: Any) -> tuple[Any, Callable[[Any], Any]]:
        return x, lambda upstream: jnp.clip(upstream, -0.5, 0.5)

    grad = jax.jit(jax.grad(lambda x: jnp.sum(clipped_identity(x) * 3.0)))(jnp.ones(3))
    np.testing.assert_allclose(grad, [0.5, 0.5, 0.5])
    variable = kerax.Variable(np.array([1.0, -2.0], "float32"))
    np.testing.assert_allclose(clipped_identity(variable), [1.0, -2.0])


# -- Ops in a Functional model --------------------------------------------------------------------------
def test_ops_build_a_functional_model_that_predicts_like_eager_calls() -> None:
    kernel = normal(3, 3, 3, 4)
    images = kerax.Input((6, 7, 3))
    x = ops.conv(images, kernel, padding="same")
    x = ops.image.resize(x, (4, 4))
    x = ops.max_pool(x, 2)
    x = ops.rms_normalization(x)
    x = ops.rearrange(x, "b h w c -> b (h w c)")
    values, _ = ops.top_k(x, 3)
    outputs = ops.stop_gradient(ops.slice(values, (0, 1), (-1, 2)))
    assert images.shape == (None, 6, 7, 3) and x.shape == (None, 16) and outputs.shape == (None, 2)
    model = kerax.Model(images, outputs)
    kinds = [type(op).__name__ for op in model._graph.operations if not op.name.startswith("input")]
    assert kinds == ["Conv", "Resize", "MaxPool", "RMSNorm", "Rearrange", "TopK", "Slice", "StopGradient"]

    expected = keras.ops.conv(IMG, kernel, padding="same")
    expected = keras.ops.max_pool(keras.ops.image.resize(expected, (4, 4)), 2, 2)
    expected = keras.ops.reshape(keras.ops.rms_normalization(expected), (2, -1))
    expected = keras.ops.top_k(expected, 3)[0][:, 1:]
    np.testing.assert_allclose(model.predict(IMG, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_symbolic_shapes_with_an_unknown_batch_match_keras() -> None:
    cases = [
        (ops.conv, keras.ops.conv, ((7, 9, 3),), (normal(3, 3, 3, 4),), {"strides": 2, "padding": "same"}),
        (ops.conv_transpose, keras.ops.conv_transpose, ((7, 9, 3),), (normal(3, 3, 5, 3),), {"strides": 2}),
        (ops.adaptive_average_pool, keras.ops.adaptive_average_pool, ((3, 7, 9),), ((3, 4), "channels_first"), {}),
        (ops.image.resize, keras.ops.image.resize, ((7, 9, 3),), ((5, 4),), {"interpolation": "bicubic"}),
        (ops.image.extract_patches, keras.ops.image.extract_patches, ((7, 9, 3),), ((2, 3),), {"padding": "same"}),
        (ops.segment_sum, keras.ops.segment_sum, ((3,), (None,)), (), {"num_segments": 5}),
        (ops.stft, keras.ops.stft, ((40,),), (8, 3, 10), {}),
    ]
    for ours_fn, keras_fn, shapes, rest, kwargs in cases:
        specs = [((None,), "int32") if s == (None,) else ((None, *s), "float32") for s in shapes]
        ours_inputs = [kerax.KerasTensor(shape, dtype) for shape, dtype in specs]
        keras_inputs = [keras.KerasTensor(shape, dtype) for shape, dtype in specs]
        ours = ours_fn(*ours_inputs, *rest, **kwargs)
        theirs = keras_fn(*keras_inputs, *rest, **kwargs)
        for a, b in zip(_leaves(ours), _leaves(theirs), strict=True):
            assert a.shape == tuple(b.shape), (ours_fn.__name__, a.shape, b.shape)


# -- Bad input ------------------------------------------------------------------------------------------
BAD_INPUTS = [
    (lambda: ops.conv(IMG, normal(3, 3, 2, 4)), ValueError, r"conv: the 3 input channels must be a multiple"),
    (lambda: ops.conv(IMG, normal(3, 3, 3, 4), data_format="NHWC"), ValueError, r"conv: `data_format` must be"),
    (lambda: ops.conv(IMG, normal(3, 3, 3, 4), padding="full"), ValueError, r"conv: `padding` must be 'valid'"),
    (lambda: ops.conv(IMG, normal(3, 3, 4)), ValueError, r"conv: `kernel` must have the rank of `inputs`"),
    (lambda: ops.conv(IMG, normal(7, 7, 3, 1)), ValueError, r"conv: the output is empty"),
    (lambda: ops.depthwise_conv(IMG, normal(3, 3, 2, 1)), ValueError, r"depthwise_conv: `inputs` have 3 channels"),
    (lambda: ops.conv_transpose(IMG, normal(3, 3, 4, 2)), ValueError, r"conv_transpose: `inputs` have 3 channels"),
    (lambda: ops.max_pool(IMG, (2, 2, 2)), ValueError, r"max_pool: `pool_size` must be an int or a tuple of 2"),
    (lambda: ops.average_pool(IMG, 2, padding="causal"), ValueError, r"average_pool: `padding` must be"),
    (lambda: ops.adaptive_max_pool(X[0], 2), ValueError, r"adaptive_max_pool: `inputs` must have rank 3, 4 or 5"),
    (lambda: ops.one_hot(np.arange(3), 4, sparse=True), ValueError, r"one_hot: kerax has no sparse tensors"),
    (lambda: ops.multi_hot(np.arange(3)), ValueError, r"multi_hot: argument `num_classes` must be specified"),
    (lambda: ops.binary_crossentropy(X, X[0]), ValueError, r"binary_crossentropy: `target` and `output` must have"),
    (lambda: ops.batch_normalization(IMG, normal(4), normal(3), -1), ValueError, r"`mean` must be a vector of length"),
    (lambda: ops.normalize(X, order=0), ValueError, r"normalize: `order` must be an int >= 1"),
    (lambda: ops.depth_to_space(IMG, 1), ValueError, r"depth_to_space: `block_size` must be an int >= 2"),
    (lambda: ops.space_to_depth(IMG, 2), ValueError, r"space_to_depth: height \(6\) and width \(7\) must be"),
    (lambda: ops.fold(normal(2, 12, 11), (5, 6), 2, 1, 1, 2), ValueError, r"fold: x.shape\[2\] \(11\) must be"),
    (lambda: ops.unfold(X, 2), ValueError, r"unfold: `x` must be a 4D"),
    (lambda: ops.ctc_decode(CTC_OUTPUT, [8, 8, 8], strategy="best"), ValueError, r"ctc_decode: `strategy` must be"),
    (lambda: ops.dot_product_attention(X, X, X), ValueError, r"dot_product_attention: `query`, `key` and `value` must"),
    (lambda: ops.moments(X, 0, synchronized=True), NotImplementedError, r"moments: `synchronized=True`"),
    (lambda: ops.image.resize(PIX, (5,)), ValueError, r"resize: `size` must be a tuple of 2"),
    (lambda: ops.image.resize(PIX, (4, 4), "area"), ValueError, r"resize: `interpolation` must be one of"),
    (lambda: ops.image.resize(PIX[0, 0], (4, 4)), ValueError, r"resize: `images` must have rank 3"),
    (lambda: ops.image.affine_transform(PIX, TRANSFORMS[:, :6]), ValueError, r"affine_transform: `transform` must"),
    (lambda: ops.image.affine_transform(PIX, TRANSFORMS, fill_mode="edge"), ValueError, r"`fill_mode` must be one"),
    (lambda: ops.image.rgb_to_hsv(PIX[..., :2]), ValueError, r"rgb_to_hsv: images must have 3 channels"),
    (lambda: ops.image.hsv_to_rgb(PIX.astype("int32")), ValueError, r"hsv_to_rgb: images must have a float dtype"),
    (lambda: ops.image.crop_images(PIX, 1, 1), ValueError, r"crop_images: specify exactly two of top_cropping"),
    (lambda: ops.image.pad_images(PIX, 1, 1, 1, -1), ValueError, r"pad_images: `right_padding` must be >= 0"),
    (lambda: ops.image.extract_patches(PIX, "2"), TypeError, r"extract_patches: `size` must be an int or a tuple"),
    (lambda: ops.image.map_coordinates(PIX1, normal(2, 5), 1), ValueError, r"coordinates.shape\[0\] \(2\) must"),
    (lambda: ops.image.map_coordinates(PIX1, normal(3, 5), 3), ValueError, r"map_coordinates: `order` must be"),
    (lambda: ops.image.perspective_transform(PIX, START[:, :3], END), ValueError, r"`start_points` must have shape"),
    (lambda: ops.image.sobel_edges(PIX1), ValueError, r"sobel_edges: `images` must have rank 4"),
    (lambda: ops.image.elastic_transform(PIX, seed="7"), ValueError, r"elastic_transform: `seed` must be"),
    (lambda: ops.image.scale_and_translate(PIX, (2, 3, 3, 3), 1, 1, (1, 2), "area"), ValueError, r"`method` must be"),
    (lambda: ops.inv(normal(3, 4)), ValueError, r"inv: `x` must be square in its last two axes"),
    (lambda: ops.det(normal(3)), ValueError, r"det: `x` must have rank >= 2"),
    (lambda: ops.solve(M, normal(2, 3, 3)), ValueError, r"solve: `a` and `b` have incompatible shapes"),
    (lambda: ops.cholesky(-SPD), ValueError, r"cholesky: decomposition failed"),
    (lambda: ops.qr(M, mode="full"), ValueError, r"qr: `mode` must be 'reduced' or 'complete'"),
    (lambda: ops.norm(M, "max", (1, 2)), ValueError, r"norm: a string `ord` must be 'fro' or 'nuc'"),
    (lambda: ops.lstsq(normal(4, 3), normal(5)), ValueError, r"lstsq: `a` must be a matrix"),
    (lambda: ops.scan(_scan_step, 0.0, X, unroll=0), ValueError, r"scan: `unroll` must be a positive int"),
    (lambda: ops.scatter_update(X, [[0, 0, 0]], [1.0], "sum"), ValueError, r"scatter_update: `reduction` must be"),
    (lambda: ops.slice(X, (0, 0), (1, 1)), ValueError, r"slice: `start_indices` and `shape` need one entry per"),
    (lambda: ops.segment_sum(normal(6), SEGMENTS), ValueError, r"segment_sum: `num_segments` must be given"),
    (lambda: ops.segment_max(normal(5), SEGMENTS, 3), ValueError, r"segment_max: `segment_ids` and `data` must"),
    (lambda: ops.stft(np.arange(40), 8, 3, 10), TypeError, r"stft: `x` must be float32 or float64"),
    (lambda: ops.stft(normal(40), 8, 0, 10), ValueError, r"stft: `sequence_stride` must be a positive int"),
    (lambda: ops.stft(normal(40), 8, 3, 10, "kaiser"), ValueError, r"stft: a string `window` must be 'hann'"),
    (lambda: ops.istft(normal(3, 6), 8, 3, 10), ValueError, r"istft: `x` must be a tuple of two tensors"),
    (lambda: ops.fft((normal(3), normal(4))), ValueError, r"fft: the real and imaginary parts must have the same"),
    (lambda: ops.view_as_complex(normal(3, 3)), ValueError, r"view_as_complex: the last axis of `x` must have size 2"),
    (lambda: ops.cdist(normal(3, 4), normal(3, 5)), ValueError, r"cdist: inputs' last dimensions must match"),
    (lambda: ops.rearrange(X, "a b -> b a"), ValueError, r"rearrange: the input side of 'a b -> b a' names 2 axes"),
    (lambda: ops.rearrange(X, "a b c -> a b d"), ValueError, r"rearrange: both sides of .* must name the same axes"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUTS, ids=[m[:40] for _, _, m in BAD_INPUTS])
def test_bad_input_is_reported_with_the_op_and_argument(call: Callable[[], Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_bad_input_is_reported_on_symbolic_tensors_too() -> None:
    with pytest.raises(ValueError, match=r"conv: the 3 input channels must be a multiple"):
        ops.conv(kerax.Input((6, 7, 3)), normal(3, 3, 2, 4))
    with pytest.raises(ValueError, match=r"resize: `images` must have rank 3"):
        ops.image.resize(kerax.Input((5,)), (2, 2))


def test_layer_normalization_warns_about_rms_scaling_and_rejects_unknown_keywords() -> None:
    gamma = normal(3)
    with pytest.warns(UserWarning, match="rms_scaling=True` is deprecated"):
        ours = ops.layer_normalization(IMG, gamma, rms_scaling=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.ops.layer_normalization(IMG, gamma, rms_scaling=True)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError, match="layer_normalization: unexpected keyword arguments"):
        ops.layer_normalization(IMG, center=True)


def test_elastic_transform_without_a_seed_follows_the_kerax_seed() -> None:
    images = PIX[:1, :5, :6]
    first = ops.image.elastic_transform(images, sigma=1.0)
    kerax.utils.set_random_seed(0)
    again = ops.image.elastic_transform(images, sigma=1.0)
    other = ops.image.elastic_transform(images, sigma=1.0)
    np.testing.assert_array_equal(first, again)
    assert first.shape == images.shape and first.dtype == images.dtype
    assert not np.allclose(first, other) and not np.allclose(first, images)

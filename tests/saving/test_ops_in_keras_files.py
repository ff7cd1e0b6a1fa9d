"""Every kerax op in a Functional model survives `.keras` files both ways, with Keras 3 (JAX backend) as the oracle.

One case per op class (``CASES``) builds the same small Functional model with ``kerax.ops`` and ``keras.ops``.
kerax's model is saved to `.keras` and loaded by Keras; Keras's model is saved by Keras and loaded by kerax; each
time the loaded model must hold the op and compute what the original computes. Cases share models in groups of
``GROUP`` (a failing group reruns its ops one by one, so a failure names its op). Ops a `.keras` file cannot
hold must fail at save time and round-trip through `.kerax` instead. The last test checks the op table of
``kerax.saving._keras_ops`` against Keras's op classes.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import json
import pkgutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import keras
import keras.src.ops
import numpy as np
import pytest
from keras.src.ops.operation import Operation as KerasOperation

import kerax
from kerax._serialization._registry import UnsafeConfigError
from kerax._serialization._serialize import _NEUTRAL
from kerax.ops._registry import OP_CLASSES
from kerax.saving import _keras_ops
from kerax.saving._keras_ops import KERAS_OPS, NOT_IN_KERAS_FILES

RNG = np.random.default_rng(11)
GROUP = 8


def normal(*shape: int) -> np.ndarray:
    return RNG.normal(size=shape).astype("float32")


def uniform(*shape: int, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    return RNG.uniform(low, high, shape).astype("float32")


def ints(*shape: int, high: int, low: int = 0) -> np.ndarray:
    return RNG.integers(low, high, shape).astype("int32")


def bools(*shape: int) -> np.ndarray:
    return RNG.random(shape) < 0.5


def scalar(value: float) -> np.ndarray:
    return np.asarray(value, "float32")


F, G = normal(2, 3, 4), normal(2, 3, 4)
POS = uniform(2, 3, 4, low=0.2, high=2.0)
UNIT = uniform(2, 3, 4, low=-0.9, high=0.9)
NONZERO = uniform(2, 3, 4, low=0.5, high=2.0) * np.where(bools(2, 3, 4), 1, -1).astype("float32")
I, J = ints(2, 3, 4, high=9), ints(2, 3, 4, low=1, high=4)
B, B2 = bools(2, 3, 4), bools(2, 3, 4)
WITH_NANS = F.copy()
WITH_NANS[:, 0, ::2] = np.nan
SPECIAL = np.array([[0.0, np.nan, np.inf], [-np.inf, 1.5, -2.0]], "float32")
M = normal(2, 3, 3)
SPD = M @ np.swapaxes(M, -1, -2) + 3 * np.eye(3, dtype="float32")
CHOL = np.linalg.cholesky(SPD).astype("float32")
PIX = uniform(2, 7, 9, 3)
SIGNAL = normal(2, 16)
SEGMENT_IDS = np.array([0, 0, 2, 1, 2, 2], "int32")
CTC_TARGET = np.array([[1, 2, 2, 0], [3, 1, 0, 0]], "int32")
CTC_OUTPUT = normal(2, 8, 5)


@dataclasses.dataclass(frozen=True)
class Case:
    """``build(ops, *args, **kwargs)``, its arrays made the model's inputs; ``tol`` bounds the difference."""

    build: Callable[..., Any]
    args: tuple
    kwargs: dict
    tol: float = 1e-5
    same_dtype: bool = True  # False: the same kind of dtype (Keras's `size` is a Python int, kerax's an int32)
    jit: bool = True  # False: the models run eagerly, as an op needs concrete values


CASES: dict[str, Case] = {}


def c(
    op_class: str, path: str, *args: Any, tol_: float = 1e-5, same_dtype_: bool = True, jit_: bool = True, **kwargs: Any
) -> None:
    """The case of ``op_class``: the op ``path`` (``clip``, ``image.resize``) called on ``args`` and ``kwargs``."""

    def build(ops: Any, *a: Any, **k: Any) -> Any:
        return functools.reduce(getattr, path.split("."), ops)(*a, **k)

    CASES[op_class] = Case(build, args, kwargs, tol_, same_dtype_, jit_)


def b(op_class: str, build: Callable[..., Any], *args: Any, tol_: float = 1e-5, **kwargs: Any) -> None:
    """The case of ``op_class`` built by ``build(ops, *args, **kwargs)``."""
    CASES[op_class] = Case(build, args, kwargs, tol_)


def elementwise(pairs: str, *args: Any) -> None:
    for pair in pairs.split():
        op_class, path = pair.split("=")
        c(op_class, path, *args)


# -- numpy ---------------------------------------------------------------------------------------------------
elementwise(
    "Absolute=abs Angle=angle Arcsinh=arcsinh Arctan=arctan Cbrt=cbrt Ceil=ceil Conjugate=conj Copy=copy Cos=cos "
    "Cosh=cosh Deg2rad=deg2rad Exp=exp Exp2=exp2 Expm1=expm1 Fabs=fabs Fliplr=fliplr Flipud=flipud Floor=floor "
    "I0=i0 Imag=imag Negative=negative Rad2deg=rad2deg Ravel=ravel Real=real Sign=sign Signbit=signbit Sin=sin "
    "Sinc=sinc Sinh=sinh Square=square Tan=tan Tanh=tanh Trunc=trunc ZerosLike=zeros_like "
    "Erf=erf Erfc=erfc StopGradient=stop_gradient",
    F,
)
elementwise("Arccos=arccos Arcsin=arcsin Arctanh=arctanh Erfinv=erfinv", UNIT)
elementwise("Log=log Log10=log10 Log1p=log1p Log2=log2 Sqrt=sqrt Rsqrt=rsqrt", POS)
elementwise("Arccosh=arccosh", POS + 1.0)
elementwise("Reciprocal=reciprocal", NONZERO)
elementwise("Isfinite=isfinite Isinf=isinf Isnan=isnan Isneginf=isneginf Isposinf=isposinf Isreal=isreal", SPECIAL)
elementwise(
    "Add=add Arctan2=arctan2 Equal=equal Fmax=fmax Fmin=fmin Greater=greater GreaterEqual=greater_equal "
    "Heaviside=heaviside Hypot=hypot Less=less LessEqual=less_equal Logaddexp=logaddexp Logaddexp2=logaddexp2 "
    "Maximum=maximum Minimum=minimum Multiply=multiply Nextafter=nextafter NotEqual=not_equal Subtract=subtract",
    F,
    G,
)
elementwise("Divide=divide Fmod=fmod Mod=mod TrueDivide=true_divide", F, NONZERO)
elementwise("DivideNoNan=divide_no_nan", F, np.where(B, 0.0, NONZERO).astype("float32"))
elementwise("Power=power", POS, G)
elementwise("FloorDivide=floor_divide Gcd=gcd Lcm=lcm", I, J)
elementwise(
    "BitwiseAnd=bitwise_and BitwiseOr=bitwise_or BitwiseXor=bitwise_xor BitwiseLeftShift=bitwise_left_shift "
    "BitwiseRightShift=bitwise_right_shift LeftShift=left_shift RightShift=right_shift",
    I,
    J,
)
elementwise("BitwiseInvert=bitwise_invert BitwiseNot=bitwise_not", I)
elementwise("LogicalAnd=logical_and LogicalOr=logical_or LogicalXor=logical_xor", B, B2)
elementwise("LogicalNot=logical_not", B)
c("Size", "size", F, same_dtype_=False)
c("Ldexp", "ldexp", F, ints(2, 3, 4, low=-2, high=3))
c("All", "all", B, axis=1, keepdims=True)
c("Any", "any", B, axis=-1)
c("AllClose", "allclose", F, F + 1e-4, rtol=1e-3, atol=1e-3)
c("Isclose", "isclose", F, G, atol=0.5, equal_nan=True)
c("Amax", "amax", F, axis=(0, 2))
c("Amin", "amin", F, axis=1, keepdims=True)
c("Max", "max", F, axis=1, initial=0.5)
c("Min", "min", F, axis=-1, keepdims=True)
c("Append", "append", F, G, axis=1)
c("Argmax", "argmax", F, axis=1, keepdims=True)
c("Argmin", "argmin", F, axis=-1)
c("Argpartition", "argpartition", F, 2, axis=-1)
c("Argsort", "argsort", F, axis=1)
c("Array", "array", F, dtype="float16", tol_=1e-3)
c("ArraySplit", "array_split", F, 3, axis=-1)
c("Average", "average", F, axis=1, weights=uniform(3, low=0.5, high=1.0))
c("Bincount", "bincount", ints(6, high=5), minlength=6, jit_=False)
c("BroadcastTo", "broadcast_to", normal(4), (2, 3, 4))
c("Clip", "clip", F, -0.5, 0.5)
c("Concatenate", "concatenate", [F, G], axis=1)
c("Corrcoef", "corrcoef", normal(3, 5), tol_=1e-4)
c("Correlate", "correlate", normal(6), normal(3), mode="same")
c("CountNonzero", "count_nonzero", I, axis=1)
c("Cross", "cross", normal(4, 3), normal(4, 3))
c("Cumprod", "cumprod", F, axis=1)
c("Cumsum", "cumsum", I, axis=-1, dtype="float32")
c("Diag", "diag", normal(3, 4), k=1)
c("Diagflat", "diagflat", normal(3), k=-1)
c("Diagonal", "diagonal", F, offset=1, axis1=1, axis2=2)
c("Diff", "diff", F, n=2, axis=-1)
c("Digitize", "digitize", F, np.array([-1.0, 0.0, 0.5, 1.0], "float32"))
c("Dot", "dot", F, normal(4, 5))
c("Dsplit", "dsplit", F, 2)
c("Dstack", "dstack", [F, G])
c("Einsum", "einsum", "bij,bkj->bik", F, G, tol_=1e-4)
c("EmptyLike", "empty_like", F, dtype="int32")
c("ExpandDims", "expand_dims", F, 1)
c("Flip", "flip", F, axis=1)
c("Full", "full", (2, 3), scalar(1.5), dtype="float32")
c("FullLike", "full_like", F, scalar(-2.0))
c("Geomspace", "geomspace", scalar(1.0), scalar(8.0), num=4, tol_=1e-4)
b("GetItem", lambda o, x: x[..., 1:3, 0], F)
c("Histogram", "histogram", normal(8), bins=4)
c("Hsplit", "hsplit", F, 3)
c("Hstack", "hstack", [F, G])
c("Inner", "inner", F, G)
c("IsIn", "isin", I, np.array([1, 3, 5], "int32"), invert=True)
c("Kron", "kron", normal(2, 2), normal(2, 3))
c("Linspace", "linspace", scalar(-1.0), scalar(2.0), num=5, endpoint=False)
c("Logspace", "logspace", scalar(0.0), scalar(2.0), num=3, base=2.0, tol_=1e-4)
c("Matmul", "matmul", F, normal(4, 2))
c("Mean", "mean", F, axis=(0, 2))
c("Median", "median", F, axis=1)
c("Meshgrid", "meshgrid", normal(3), normal(4), indexing="ij")
c("Moveaxis", "moveaxis", F, 0, -1)
c("NanToNum", "nan_to_num", SPECIAL, nan=1.0, posinf=9.0, neginf=-9.0)
c("Nanargmax", "nanargmax", WITH_NANS, axis=1)
c("Nanargmin", "nanargmin", WITH_NANS, axis=-1)
c("Nancumprod", "nancumprod", WITH_NANS, axis=1)
c("Nancumsum", "nancumsum", WITH_NANS, axis=-1)
c("Nanmax", "nanmax", WITH_NANS, axis=1)
c("Nanmean", "nanmean", WITH_NANS, axis=-1, keepdims=True)
c("Nanmedian", "nanmedian", WITH_NANS, axis=1)
c("Nanmin", "nanmin", WITH_NANS, axis=2)
c("Nanpercentile", "nanpercentile", WITH_NANS, 30.0, axis=1)
c("Nanprod", "nanprod", WITH_NANS, axis=1)
c("Nanquantile", "nanquantile", WITH_NANS, 0.3, axis=-1, method="lower")
c("Nanstd", "nanstd", WITH_NANS, axis=1)
c("Nansum", "nansum", WITH_NANS, axis=1)
c("Nanvar", "nanvar", WITH_NANS, axis=-1)
c("Nonzero", "nonzero", I, jit_=False)
c("OnesLike", "ones_like", F, dtype="int32")
c("Outer", "outer", normal(3), normal(4))
c("Pad", "pad", F, ((0, 0), (1, 1), (2, 0)), constant_values=1.5)
c("Percentile", "percentile", F, 40.0, axis=-1)
c("Prod", "prod", F, axis=1)
c("Ptp", "ptp", F, axis=1)
c("Quantile", "quantile", F, 0.25)  # Keras 3.15's Quantile.call drops `method`
c("Repeat", "repeat", F, 2, axis=1)
c("Reshape", "reshape", F, (2, 12))
c("Roll", "roll", F, 1, axis=2)
c("Rot90", "rot90", F, k=1, axes=(1, 2))
c("Round", "round", F, decimals=1)
c("SearchSorted", "searchsorted", np.sort(normal(5)), normal(3), side="right")
c("Select", "select", [B, B2], [F, G], default=0.5)
c("Slogdet", "slogdet", SPD, tol_=1e-4)
c("Sort", "sort", F, axis=1)
c("Split", "split", F, [1, 3], axis=2)
c("Squeeze", "squeeze", normal(2, 1, 4), axis=1)
c("Stack", "stack", [F, G], axis=1)
c("Std", "std", F, axis=1)
c("Sum", "sum", F, axis=(0, 2), keepdims=True)
c("Swapaxes", "swapaxes", F, 0, 2)
c("Take", "take", F, np.array([2, 0], "int32"), axis=1)
c("TakeAlongAxis", "take_along_axis", F, ints(2, 3, 2, high=4), axis=-1)
c("Tensordot", "tensordot", F, normal(4, 5), axes=1, tol_=1e-4)
c("Tile", "tile", F, (1, 2, 1))
c("Trace", "trace", F, offset=1, axis1=1, axis2=2)
c("Transpose", "transpose", F, (2, 0, 1))
c("Trapezoid", "trapezoid", F, dx=0.5, axis=-1)
c("Tril", "tril", F, k=1)
c("Triu", "triu", F, k=-1)
c("Unique", "unique", ints(8, high=5), size=6, fill_value=-1)
c("UnravelIndex", "unravel_index", ints(5, high=12), (3, 4))
c("Vander", "vander", normal(3), N=4, increasing=True)
c("Var", "var", F, axis=-1)
c("Vdot", "vdot", F, G, tol_=1e-4)
c("View", "view", F, dtype="int32")
c("Vsplit", "vsplit", F, 2)
c("Vstack", "vstack", [F, G])
c("Where", "where", B, F, G)

# -- nn ------------------------------------------------------------------------------------------------------
elementwise(
    "HardSigmoid=hard_sigmoid HardSilu=hard_silu HardTanh=hard_tanh LogSigmoid=log_sigmoid Relu=relu Relu6=relu6 "
    "Selu=selu Sigmoid=sigmoid Silu=silu Softplus=softplus Softsign=softsign SparsePlus=sparse_plus "
    "SparseSigmoid=sparse_sigmoid TanhShrink=tanh_shrink",
    F,
)
c("Celu", "celu", F, alpha=0.5)
c("Elu", "elu", F, alpha=0.7)
c("Gelu", "gelu", F, approximate=False)
c("Glu", "glu", normal(2, 6), axis=-1)
c("HardShrink", "hard_shrink", F, threshold=0.5)
c("SoftShrink", "soft_shrink", F, threshold=0.3)
c("LeakyRelu", "leaky_relu", F, negative_slope=0.3)
c("Softmax", "softmax", F, axis=1)
c("LogSoftmax", "log_softmax", F, axis=1)
c("Sparsemax", "sparsemax", F, axis=-1)
c("Squareplus", "squareplus", F, b=2.0)
c("Threshold", "threshold", F, 0.2, -1.0)
c("Normalize", "normalize", F, axis=-1, order=2)
c("Moments", "moments", F, axes=(0, 1), keepdims=True)
c("AdaptiveAveragePool", "adaptive_average_pool", normal(2, 3, 6, 7), (3, 4), data_format="channels_first")
c("AdaptiveMaxPool", "adaptive_max_pool", normal(2, 3, 6, 7), (4, 3), data_format="channels_first")
c("AveragePool", "average_pool", PIX, 2, strides=1, padding="same")
c("MaxPool", "max_pool", PIX, 3, strides=2)
c("Conv", "conv", PIX, normal(3, 3, 3, 2), padding="same", tol_=1e-4)
c("ConvTranspose", "conv_transpose", PIX, normal(3, 3, 2, 3), strides=2, tol_=1e-4)
c("DepthwiseConv", "depthwise_conv", PIX, normal(3, 3, 3, 1), dilation_rate=2, tol_=1e-4)
c("SeparableConv", "separable_conv", PIX, normal(3, 3, 3, 1), normal(1, 1, 3, 2), padding="same", tol_=1e-4)
c("DepthToSpace", "depth_to_space", normal(2, 3, 3, 8), 2)
c("SpaceToDepth", "space_to_depth", normal(2, 4, 6, 3), 2)
c("Unfold", "unfold", normal(2, 3, 5, 6), 2, stride=2)
c("Fold", "fold", normal(2, 12, 6), (4, 6), 2, stride=2)
c("BatchNorm", "batch_normalization", F, normal(4), POS[0, 0], -1, offset=normal(4), scale=normal(4))
c("LayerNorm", "layer_normalization", F, normal(4), normal(4), epsilon=1e-5, tol_=1e-4)
c("RMSNorm", "rms_normalization", F, normal(4), epsilon=1e-6, tol_=1e-4)
c("BinaryCrossentropy", "binary_crossentropy", uniform(3, 4), uniform(3, 4, low=0.05, high=0.95))
c("CategoricalCrossentropy", "categorical_crossentropy", uniform(3, 4), normal(3, 4), from_logits=True)
c("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", ints(3, high=4), normal(3, 4), from_logits=True)
c("CTCLoss", "ctc_loss", CTC_TARGET, CTC_OUTPUT, np.array([3, 2], "int32"), np.array([8, 6], "int32"), tol_=1e-4)
c("CTCDecode", "ctc_decode", CTC_OUTPUT, np.array([8, 6], "int32"), strategy="greedy")
c("DotProductAttention", "dot_product_attention", normal(2, 5, 2, 4), normal(2, 5, 2, 4), normal(2, 5, 2, 4),
  is_causal=True, tol_=1e-4)  # fmt: skip
c("OneHot", "one_hot", ints(6, high=5), 5, axis=0)
c("MultiHot", "multi_hot", ints(2, 3, high=5), num_classes=5)
c("PSNR", "psnr", PIX, np.clip(PIX + 0.1 * normal(2, 7, 9, 3), 0, 1), max_val=1.0, tol_=1e-4)
c("Polar", "polar", POS, F)

# -- image ---------------------------------------------------------------------------------------------------
TRANSFORMS = np.array([[1.1, 0.2, -1.0, 0.1, 0.9, 0.5, 0, 0], [0.9, -0.1, 0.5, 0.2, 1.2, -0.3, 0, 0]], "float32")
START = np.array([[[0, 0], [8, 0], [0, 6], [8, 6]], [[1, 0], [8, 1], [0, 5], [7, 6]]], "float32")
c("AffineTransform", "image.affine_transform", PIX, TRANSFORMS, fill_mode="nearest", tol_=1e-4)
c("PerspectiveTransform", "image.perspective_transform", PIX, START, START + 0.3 * normal(2, 4, 2), tol_=1e-4)
c("CropImages", "image.crop_images", PIX, top_cropping=1, left_cropping=2, target_height=4, target_width=5)
c("PadImages", "image.pad_images", PIX, top_padding=1, left_padding=2, target_height=10, target_width=12)
c("ElasticTransform", "image.elastic_transform", PIX[..., :1], 2.0, 1.5, seed=7, tol_=1e-4, jit_=False)
c("ExtractPatches", "image.extract_patches", PIX, (2, 3), strides=(2, 2))
c("ExtractPatches3D", "image.extract_patches_3d", uniform(2, 4, 4, 4, 2), 2)
c("GaussianBlur", "image.gaussian_blur", PIX, kernel_size=(3, 3), sigma=(1.0, 0.5), tol_=1e-4)
c("HSVToRGB", "image.hsv_to_rgb", PIX, tol_=1e-4)
c("RGBToHSV", "image.rgb_to_hsv", PIX, tol_=1e-4)
c("RGBToGrayscale", "image.rgb_to_grayscale", PIX, tol_=1e-4)
c("SobelEdges", "image.sobel_edges", PIX, tol_=1e-4)
c("MapCoordinates", "image.map_coordinates", normal(4, 5), uniform(2, 3, 3, high=4.0), 1, fill_mode="nearest")
c("Resize", "image.resize", PIX, (4, 5), interpolation="bilinear", tol_=1e-4)
c("SSIM", "image.ssim", PIX, np.clip(PIX + 0.1 * normal(2, 7, 9, 3), 0, 1), max_val=1.0, filter_size=3, tol_=1e-4)
c("ScaleAndTranslate", "image.scale_and_translate", PIX, (2, 10, 5, 3), np.array([1.3, 0.6], "float32"),
  np.array([0.5, -1.0], "float32"), (1, 2), "bilinear", tol_=1e-4)  # fmt: skip

# -- linalg --------------------------------------------------------------------------------------------------
c("Cholesky", "cholesky", SPD, tol_=1e-4)
c("CholeskyInverse", "cholesky_inverse", CHOL[0], tol_=1e-4)  # Keras's takes no batch
c("Det", "det", SPD, tol_=1e-4)
b("Eig", lambda o, x: o.eig(x)[0], SPD[0], tol_=1e-4)
c("Eigh", "eigh", SPD, tol_=1e-4)
c("Inv", "inv", SPD, tol_=1e-4)
c("Lstsq", "lstsq", normal(4, 3), normal(4, 2), tol_=1e-4)
c("LuFactor", "lu_factor", M, tol_=1e-4)
c("MatrixRank", "matrix_rank", M)
c("Norm", "norm", normal(3, 4), ord=1, keepdims=True)
c("Pinv", "pinv", normal(3, 4), tol_=1e-4)
c("Qr", "qr", normal(4, 3), mode="complete", tol_=1e-4)
c("SVD", "svd", normal(3, 4), full_matrices=False, tol_=1e-4)
c("Solve", "solve", SPD, normal(2, 3, 2), tol_=1e-4)
c("SolveTriangular", "solve_triangular", CHOL, normal(2, 3, 2), lower=True, tol_=1e-4)
c("Logdet", "logdet", SPD, tol_=1e-4)

# -- math ----------------------------------------------------------------------------------------------------
c("CDist", "cdist", normal(3, 4), normal(5, 4), tol_=1e-4)
c("ExtractSequences", "extract_sequences", SIGNAL, 4, 2)
c("FFT", "fft", (normal(2, 8), normal(2, 8)), tol_=1e-4)
c("FFT2", "fft2", (normal(2, 4, 4), normal(2, 4, 4)), tol_=1e-4)
c("IFFT2", "ifft2", (normal(2, 4, 4), normal(2, 4, 4)), tol_=1e-4)
c("RFFT", "rfft", SIGNAL, fft_length=8, tol_=1e-4)
c("IRFFT", "irfft", (normal(2, 5), normal(2, 5)), fft_length=8, tol_=1e-4)
c("STFT", "stft", SIGNAL, 8, 4, 8, tol_=1e-4)
c("ISTFT", "istft", (normal(2, 5, 5), normal(2, 5, 5)), 8, 4, 8, tol_=1e-4)
c("InTopK", "in_top_k", ints(3, high=5), normal(3, 5), 2)
c("Logsumexp", "logsumexp", F, axis=1)
c("TopK", "top_k", F, 2)
c("SegmentMax", "segment_max", normal(6, 3), SEGMENT_IDS, num_segments=3)
c("SegmentMin", "segment_min", normal(6, 3), SEGMENT_IDS, num_segments=3)
c("SegmentProd", "segment_prod", normal(6, 3), SEGMENT_IDS, num_segments=3)
c("SegmentSum", "segment_sum", normal(6, 3), SEGMENT_IDS, num_segments=3, sorted=True)
c("ViewAsComplex", "view_as_complex", normal(3, 2))
b("ViewAsReal", lambda o, x: o.view_as_real(o.view_as_complex(x)), normal(3, 2))

# -- core, einops --------------------------------------------------------------------------------------------
c("Cast", "cast", F, "int32")
c("ConvertToTensor", "convert_to_tensor", I, dtype="float32")
c("SaturateCast", "saturate_cast", F * 200, "int8")
c("Scatter", "scatter", ints(3, 2, high=4), normal(3), (4, 4))
c("ScatterUpdate", "scatter_update", normal(4, 4), np.array([[0, 1], [2, 3]], "int32"), normal(2))
c("Slice", "slice", F, (0, 1, 1), (2, 2, 3))
c("SliceUpdate", "slice_update", F, (0, 1, 0), normal(2, 1, 4))
c("Unstack", "unstack", F, axis=1)
c("Rearrange", "rearrange", F, "b h w -> b (w h)")


# -- building and round trips ----------------------------------------------------------------------------------
def _map_arrays(fn: Callable[[np.ndarray], Any], value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return fn(value)
    if isinstance(value, list | tuple):
        return type(value)(_map_arrays(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: _map_arrays(fn, v) for k, v in value.items()}
    return value


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _flat(v)]
    return [value]


def build(
    lib: Any, op_classes: tuple[str, ...], cases: dict[str, Case] = CASES
) -> tuple[Any, list[np.ndarray], dict[str, slice]]:
    """One model computing the cases of ``op_classes`` (with kerax or keras), its input arrays, each case's outputs."""
    inputs: list[Any] = []
    arrays: list[np.ndarray] = []
    outputs: list[Any] = []
    spans = {}

    def tensor(array: np.ndarray) -> Any:
        inputs.append(lib.Input(batch_shape=array.shape, dtype=array.dtype.name))
        arrays.append(array)
        return inputs[-1]

    for op_class in op_classes:
        case = cases[op_class]
        args, kwargs = _map_arrays(tensor, (case.args, case.kwargs))
        flat = _flat(case.build(lib.ops, *args, **kwargs))
        spans[op_class] = slice(len(outputs), len(outputs) + len(flat))
        outputs += flat
    return lib.Model(inputs, outputs), arrays, spans


@dataclasses.dataclass
class Outcome:
    """A round trip's outputs (the original model's, the loaded model's) and the op classes the loaded one holds."""

    original: list[np.ndarray]
    loaded: list[np.ndarray]
    spans: dict[str, slice]
    loaded_classes: set[str]


def _outputs(model: Any, arrays: list[np.ndarray], jit: bool = True) -> list[np.ndarray]:
    """The model's outputs, compiled (Keras's models too: one compilation beats one per op) or run eagerly."""
    if not jit:
        with jax.disable_jit():
            return [np.asarray(v) for v in _flat(model(arrays))]
    call = jax.jit(lambda a: model(a)) if isinstance(model, keras.Model) else model
    return [np.asarray(v) for v in _flat(call(arrays))]


def _op_classes(model: Any) -> set[str]:
    operations = model.operations if isinstance(model, keras.Model) else model._graph.operations
    return {type(op).__name__ for op in operations}


@functools.cache
def kerax_to_keras(op_classes: tuple[str, ...]) -> Outcome:
    kerax.utils.clear_session(free_memory=False)
    keras.utils.clear_session()
    ours, arrays, spans = build(kerax, op_classes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kerax_made.keras"
        ours.save(path)
        theirs = keras.saving.load_model(path)
    jit = all(CASES[op_class].jit for op_class in op_classes)
    return Outcome(_outputs(ours, arrays, jit), _outputs(theirs, arrays, jit), spans, _op_classes(theirs))


@functools.cache
def keras_to_kerax(op_classes: tuple[str, ...]) -> Outcome:
    kerax.utils.clear_session(free_memory=False)
    keras.utils.clear_session()
    theirs, arrays, spans = build(keras, op_classes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keras_made.keras"
        theirs.save(path)
        ours = kerax.saving.load_model(path)
    jit = all(CASES[op_class].jit for op_class in op_classes)
    return Outcome(_outputs(theirs, arrays, jit), _outputs(ours, arrays, jit), spans, _op_classes(ours))


@functools.cache
def _try(round_trip: Callable[[tuple[str, ...]], Outcome], op_classes: tuple[str, ...]) -> Outcome | Exception:
    try:
        return round_trip(op_classes)
    except Exception as err:  # the group fails: each op then runs alone
        return err


def outcome_of(round_trip: Callable[[tuple[str, ...]], Outcome], op_class: str, groups: dict[str, tuple]) -> Outcome:
    """The round trip of ``op_class``'s group; if that fails, of ``op_class`` alone (raising its own error)."""
    outcome = _try(round_trip, groups[op_class])
    return round_trip((op_class,)) if isinstance(outcome, Exception) else outcome


def check(outcome: Outcome, op_class: str, loaded_class: str) -> None:
    assert loaded_class in outcome.loaded_classes, f"the loaded model has no {loaded_class} op"
    span, case = outcome.spans[op_class], CASES[op_class]
    original, loaded = outcome.original[span], outcome.loaded[span]
    assert len(original) == len(loaded)
    for i, (want, got) in enumerate(zip(original, loaded, strict=True)):
        what = f"{op_class}: output {i}"
        assert got.shape == want.shape, what
        assert got.dtype == want.dtype if case.same_dtype else got.dtype.kind == want.dtype.kind, what
        if np.issubdtype(want.dtype, np.inexact):
            np.testing.assert_allclose(got, want, rtol=case.tol, atol=case.tol, err_msg=what)
        else:
            np.testing.assert_array_equal(got, want, err_msg=what)


# Op classes the sweep leaves out, and why; test_keras_cannot_load_these_from_its_own_files and
# test_keras_cannot_run_these_in_its_own_models check each reason still holds.
_LIST_FOR_TUPLE = "Keras 3.15 cannot load it from any .keras file, its own included: JSON gives `{}` back as a list, {}"
KERAS_CANNOT_LOAD: dict[str, str] = {  # left out of kerax -> Keras; Keras -> kerax is swept
    "AdaptiveAveragePool": _LIST_FOR_TUPLE.format("output_size", "which its call adds to a tuple"),
    "AdaptiveMaxPool": _LIST_FOR_TUPLE.format("output_size", "which its call adds to a tuple"),
    "Rot90": _LIST_FOR_TUPLE.format("axes", "which its JAX backend cannot hash"),
}
KERAS_CANNOT_RUN: dict[str, str] = {  # left out both ways
    "Histogram": "Keras 3.15's Histogram.call needs backend.math.histogram, which its JAX backend lacks",
    "ConvTranspose": "Keras 3.15's ConvTranspose.call passes `padding` and `output_padding` swapped",
}
NOT_SWEPT = KERAS_CANNOT_RUN.keys() | NOT_IN_KERAS_FILES.keys()  # the latter: test_ops_keras_files_cannot_hold

FROM_KERAS = sorted(name for name in OP_CLASSES if name not in NOT_SWEPT)
TO_KERAS = [name for name in FROM_KERAS if name not in KERAS_CANNOT_LOAD]


def _groups(names: list[str]) -> dict[str, tuple[str, ...]]:
    """Compiled cases in groups of ``GROUP``; each eager one alone (eagerly, a model costs a compilation per op)."""
    compiled = [name for name in names if CASES[name].jit]
    chunks = [tuple(compiled[i : i + GROUP]) for i in range(0, len(compiled), GROUP)]
    chunks += [(name,) for name in names if not CASES[name].jit]
    return {name: chunk for chunk in chunks for name in chunk}


TO_KERAS_GROUPS, FROM_KERAS_GROUPS = _groups(TO_KERAS), _groups(FROM_KERAS)


def test_every_op_class_has_a_case_or_a_reason() -> None:
    assert sorted(CASES) == sorted(OP_CLASSES.keys() - NOT_IN_KERAS_FILES.keys())
    assert not (KERAS_CANNOT_RUN.keys() | KERAS_CANNOT_LOAD.keys()) & NOT_IN_KERAS_FILES.keys()


@pytest.mark.parametrize("op_class", TO_KERAS)
def test_keras_loads_the_op_from_a_file_kerax_wrote(op_class: str) -> None:
    check(outcome_of(kerax_to_keras, op_class, TO_KERAS_GROUPS), op_class, KERAS_OPS[op_class].class_name)


@pytest.mark.parametrize("op_class", FROM_KERAS)
def test_kerax_loads_the_op_from_a_file_keras_wrote(op_class: str) -> None:
    loaded = KERAS_OPS[op_class].class_name  # ExtractPatches3D comes back as the ExtractPatches it is in Keras
    check(outcome_of(keras_to_kerax, op_class, FROM_KERAS_GROUPS), op_class, loaded)


@pytest.mark.parametrize("op_class", sorted(KERAS_CANNOT_LOAD))
def test_keras_cannot_load_these_from_its_own_files(op_class: str, tmp_path: Path) -> None:
    theirs, arrays, _ = build(keras, (op_class,))
    theirs(arrays)
    theirs.save(tmp_path / "m.keras")
    with pytest.raises((TypeError, ValueError), match="tuple|hash"):
        keras.saving.load_model(tmp_path / "m.keras")(arrays)


@pytest.mark.parametrize("op_class", sorted(KERAS_CANNOT_RUN))
def test_keras_cannot_run_these_in_its_own_models(op_class: str) -> None:
    theirs, arrays, _ = build(keras, (op_class,))
    with pytest.raises(AttributeError, match="histogram|lower"):
        theirs(arrays)


def test_a_kerax_file_writes_constructor_arguments_where_keras_does(tmp_path: Path) -> None:
    model, _, _ = build(kerax, ("Clip", "Pad", "Full", "Einsum", "ExtractPatches3D"))
    model.save(tmp_path / "m.keras")
    layers = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))["config"]["layers"]
    ops = {layer["class_name"]: layer for layer in layers if layer["module"].startswith("keras.src.ops.")}
    assert ops["Clip"]["config"] == {"name": "clip", "x_min": -0.5, "x_max": 0.5}
    assert ops["Pad"]["config"] == {"name": "pad", "pad_width": [[0, 0], [1, 1], [2, 0]], "mode": "constant"}
    assert ops["Pad"]["inbound_nodes"][0]["args"][1:] == [1.5]
    assert ops["Full"]["config"] == {"name": "full", "shape": [2, 3], "dtype": "float32"}
    assert len(ops["Full"]["inbound_nodes"][0]["args"]) == 1
    assert ops["Einsum"]["config"] == {"name": "einsum", "subscripts": "bij,bkj->bik"}
    assert ops["ExtractPatches"]["config"] == {
        "name": "extract_patches3d",
        "size": [2, 2, 2],  # Keras's ExtractPatches reads an int size as 2-D
        "strides": None,
        "dilation_rate": 1,
        "padding": "valid",
        "data_format": "channels_last",  # resolved when saving, as keras.ops functions do
    }


# -- ops a .keras file cannot hold ------------------------------------------------------------------------------
@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def add(a: Any, b: Any) -> Any:
    return a + b


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def halve(x: Any) -> Any:
    return x * 0.5


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def ones() -> Any:
    return jnp.ones(3)


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def zeros() -> Any:
    return jnp.zeros(3)


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def step(i: Any, x: Any) -> Any:
    return x * 0.5 + i


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def scan_step(carry: Any, x: Any) -> tuple[Any, Any]:
    return carry * 0.5 + x, carry * x


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def below_ten(x: Any) -> Any:
    return jnp.sum(x) < 10.0


@kerax.saving.register_keras_serializable(package="ops_in_keras_files")
def grow(x: Any) -> Any:
    return x + 1.0


HELD_BY_KERAX_ONLY: dict[str, Case] = {
    "Mish": Case(lambda o, x: o.mish(x), (F,), {}),
    "AssociativeScan": Case(lambda o, x: o.associative_scan(add, x, axis=1), (F,), {}),
    "Cond": Case(lambda o, p: o.cond(p, ones, zeros), (np.asarray(True),), {}),
    "ForiLoop": Case(lambda o, x: o.fori_loop(0, 3, step, x), (F,), {}),
    "JVP": Case(lambda o, x, t: o.jvp(halve, (x,), (t,)), (F, G), {}),
    "Map": Case(lambda o, x: o.map(halve, x), (F,), {}),
    "Scan": Case(lambda o, c, x: o.scan(scan_step, c, x), (normal(4), normal(3, 4)), {}),
    "Switch": Case(lambda o, i, x: o.switch(i, [halve, grow], x), (np.asarray(1, "int32"), F), {}),
    "VectorizedMap": Case(lambda o, x: o.vectorized_map(halve, x), (F,), {}),
    "WhileLoop": Case(lambda o, x: o.while_loop(below_ten, grow, x), (uniform(3),), {}),
}


@pytest.mark.parametrize("op_class", sorted(NOT_IN_KERAS_FILES))
def test_ops_keras_files_cannot_hold(op_class: str, tmp_path: Path) -> None:
    """They fail at save time naming the op, and round-trip through `.kerax`, where functions go by name."""
    model, arrays, _ = build(kerax, (op_class,), HELD_BY_KERAX_ONLY)
    assert op_class in _op_classes(model)
    with pytest.raises(ValueError, match=rf"Op '\w+' \({op_class}\) cannot be saved in a \.keras file.*'\.kerax'"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()
    model.save(tmp_path / "m.kerax")
    loaded = kerax.saving.load_model(tmp_path / "m.kerax")
    assert op_class in _op_classes(loaded)
    for want, got in zip(_outputs(model, arrays), _outputs(loaded, arrays), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_kerax_files_hold_functions_by_name_only(tmp_path: Path) -> None:
    x = kerax.Input(batch_shape=(2, 3))
    model = kerax.Model(x, kerax.ops.map(halve, x))
    model.save(tmp_path / "m.kerax")
    config = zipfile.ZipFile(tmp_path / "m.kerax").read("config.json").decode()
    assert '"registered_name": "ops_in_keras_files>halve"' in config
    forged = config.replace("ops_in_keras_files>halve", "os>system").replace('"config": "halve"', '"config": "system"')
    with zipfile.ZipFile(tmp_path / "m.kerax") as src, zipfile.ZipFile(tmp_path / "forged.kerax", "w") as dst:
        for item in src.namelist():
            dst.writestr(item, forged if item == "config.json" else src.read(item))
    with pytest.raises(UnsafeConfigError, match="'system'"):
        kerax.saving.load_model(tmp_path / "forged.kerax")
    anonymous = kerax.Model(x, kerax.ops.map(lambda v: v * 2.0, x))
    with pytest.raises(ValueError, match="kerax saves functions by name only"):
        anonymous.save(tmp_path / "lambda.kerax")


def test_a_tensor_where_keras_takes_a_constant_fails_at_save(tmp_path: Path) -> None:
    x, w = kerax.Input(batch_shape=(6,), dtype="int32"), kerax.Input(batch_shape=(6,))
    model = kerax.Model([x, w], kerax.ops.bincount(x, weights=w, minlength=5))
    with pytest.raises(ValueError, match=r"Op 'bincount' \(Bincount\).*'weights' is a tensor.*'\.kerax'"):
        model.save(tmp_path / "m.keras")


# -- the op table against Keras ---------------------------------------------------------------------------------
def keras_op_classes() -> dict[str, tuple[str, type]]:
    """Keras's op classes by name: (module under keras.src.ops, class)."""
    found: dict[str, tuple[str, type]] = {}
    for info in pkgutil.iter_modules(keras.src.ops.__path__):
        if info.name.endswith("_test"):
            continue
        module = importlib.import_module(f"keras.src.ops.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, KerasOperation) and value.__module__ == module.__name__:
                assert name not in found, f"two Keras op classes named {name}"
                found[name] = (info.name, value)
    return found


def _arguments(fn: Any, drop: tuple[str, ...] = ("self", "name")) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(fn).parameters.values() if p.name not in drop]


def expected_rows(theirs: dict[str, tuple[str, type]]) -> list[str]:
    """The rows of ``_keras_ops.ROWS`` as Keras's op classes dictate them."""
    rows = []
    for name in sorted(OP_CLASSES):
        keras_name = name if name in theirs else getattr(KERAS_OPS.get(name), "class_name", None)
        if keras_name not in theirs:
            continue
        module, cls = theirs[keras_name]
        constructor = [p.name for p in _arguments(cls.__init__) if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        where = module if keras_name == name else f"{module}:{keras_name}"
        rows.append(" ".join([name, where, *constructor]))
    return rows


def test_the_op_table_matches_keras() -> None:
    theirs = keras_op_classes()
    expected = expected_rows(theirs)
    assert _keras_ops.ROWS.strip().splitlines() == expected, "ROWS should read:\n" + "\n".join(expected)
    assert set(OP_CLASSES) == KERAS_OPS.keys() | NOT_IN_KERAS_FILES.keys()
    for name, row in KERAS_OPS.items():
        assert name == row.class_name or name not in theirs, f"{name} must map to Keras's {name}"
        ours = inspect.signature(OP_CLASSES[name].impl).parameters
        keras_cls = theirs[row.class_name][1]
        for param in _arguments(keras_cls.__init__):
            if param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY) and param.name not in ours:
                # kerax's op lacks the option: saving leaves Keras's default, loading accepts only that value
                assert _NEUTRAL.get(param.name, object()) == param.default, f"{name}.{param.name}"
        # What Keras's op takes in `call` is what kerax's takes minus the constructor's, in order and kind.
        call = [p for p in ours.values() if p.name not in row.constructor]
        keras_call = _arguments(keras_cls.call)
        assert [p.kind for p in call] == [p.kind for p in keras_call], name
        if name == row.class_name:
            assert [p.name for p in call] == [p.name for p in keras_call], name

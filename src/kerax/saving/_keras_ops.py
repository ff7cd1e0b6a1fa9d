"""Keras 3's op class for each kerax op class, and which of the op's arguments Keras takes in its constructor.

kerax keeps every argument of an op call in the graph node (``clip(x, -1.0, 1.0)``); Keras keeps the ones its
op class takes in ``__init__`` in the op's config (``Clip(x_min=-1.0, x_max=1.0)``) and passes the rest to
``call``. Each row reads ``KeraxClass module[:KerasClass] constructor arguments...``: the module is under
``keras.src.ops``, and the Keras class has kerax's name unless given. Written from Keras 3.15's signatures;
tests/saving/test_ops_in_keras_files.py checks every row against Keras and prints the rows it expects.
"""

from __future__ import annotations

from typing import NamedTuple


class KerasOp(NamedTuple):
    module: str
    class_name: str
    constructor: tuple[str, ...]


ROWS = """
Absolute numpy
AdaptiveAveragePool nn output_size data_format
AdaptiveMaxPool nn output_size data_format
Add numpy
AffineTransform image interpolation fill_mode fill_value data_format
All numpy axis keepdims
AllClose numpy rtol atol equal_nan
Amax numpy axis keepdims
Amin numpy axis keepdims
Angle numpy
Any numpy axis keepdims
Append numpy axis
Arccos numpy
Arccosh numpy
Arcsin numpy
Arcsinh numpy
Arctan numpy
Arctan2 numpy
Arctanh numpy
Argmax numpy axis keepdims
Argmin numpy axis keepdims
Argpartition numpy kth axis
Argsort numpy axis
Array numpy dtype
ArraySplit numpy indices_or_sections axis
AssociativeScan core reverse axis
Average numpy axis
AveragePool nn pool_size strides padding data_format
BatchNorm nn axis epsilon
BinaryCrossentropy nn from_logits
Bincount numpy weights minlength sparse
BitwiseAnd numpy
BitwiseInvert numpy
BitwiseLeftShift numpy
BitwiseNot numpy
BitwiseOr numpy
BitwiseRightShift numpy
BitwiseXor numpy
BroadcastTo numpy shape
CDist math
CTCDecode nn strategy beam_width top_paths merge_repeated mask_index
CTCLoss nn mask_index
Cast core dtype
CategoricalCrossentropy nn from_logits axis
Cbrt numpy
Ceil numpy
Celu nn alpha
Cholesky linalg upper
CholeskyInverse linalg upper
Clip numpy x_min x_max
Concatenate numpy axis
Cond core
Conjugate numpy
Conv nn strides padding data_format dilation_rate
ConvTranspose nn strides padding output_padding data_format dilation_rate
ConvertToTensor core dtype sparse ragged
Copy numpy
Corrcoef numpy
Correlate numpy mode
Cos numpy
Cosh numpy
CountNonzero numpy axis
CropImages image top_cropping left_cropping bottom_cropping right_cropping target_height target_width data_format
Cross numpy axisa axisb axisc axis
Cumprod numpy axis dtype
Cumsum numpy axis dtype
Deg2rad numpy
DepthToSpace nn block_size data_format
DepthwiseConv nn strides padding data_format dilation_rate
Det linalg
Diag numpy k
Diagflat numpy k
Diagonal numpy offset axis1 axis2
Diff numpy n axis
Digitize numpy
Divide numpy
DivideNoNan numpy
Dot numpy
DotProductAttention nn is_causal flash_attention attn_logits_soft_cap
Dsplit numpy indices_or_sections
Dstack numpy
Eig linalg
Eigh linalg
Einsum numpy subscripts
ElasticTransform image alpha sigma interpolation fill_mode fill_value seed data_format
Elu nn alpha
EmptyLike numpy dtype
Equal numpy
Erf math
Erfc math
Erfinv math
Exp numpy
Exp2 numpy
ExpandDims numpy axis
Expm1 numpy
ExtractPatches image size strides dilation_rate padding data_format
ExtractPatches3D image:ExtractPatches size strides dilation_rate padding data_format
ExtractSequences math sequence_length sequence_stride
FFT math
FFT2 math
Fabs numpy
Flip numpy axis
Fliplr numpy
Flipud numpy
Floor numpy
FloorDivide numpy
Fmax numpy
Fmin numpy
Fmod numpy
Fold nn output_size kernel_size dilation padding stride
ForiLoop core lower upper body_fun
Full numpy shape dtype
FullLike numpy dtype
GaussianBlur image kernel_size sigma data_format
Gcd numpy
Gelu nn approximate
Geomspace numpy num endpoint dtype axis
GetItem numpy
Glu nn axis
Greater numpy
GreaterEqual numpy
HSVToRGB image data_format
HardShrink nn threshold
HardSigmoid nn
HardSilu nn
HardTanh nn
Heaviside numpy
Histogram numpy bins range
Hsplit numpy indices_or_sections
Hstack numpy
Hypot numpy
I0 numpy
IFFT2 math
IRFFT math fft_length
ISTFT math sequence_length sequence_stride fft_length length window center
Imag numpy
InTopK math k
Inner numpy
Inv linalg
IsIn numpy assume_unique invert
Isclose numpy equal_nan
Isfinite numpy
Isinf numpy
Isnan numpy
Isneginf numpy
Isposinf numpy
Isreal numpy
JVP linalg has_aux
Kron numpy
LayerNorm nn axis epsilon rms_scaling
Lcm numpy
Ldexp numpy
LeakyRelu nn negative_slope
LeftShift numpy
Less numpy
LessEqual numpy
Linspace numpy num endpoint retstep dtype axis
Log numpy
Log10 numpy
Log1p numpy
Log2 numpy
LogSigmoid nn
LogSoftmax nn axis
Logaddexp numpy
Logaddexp2 numpy
Logdet math
LogicalAnd numpy
LogicalNot numpy
LogicalOr numpy
LogicalXor numpy
Logspace numpy num endpoint base dtype axis
Logsumexp math axis keepdims
Lstsq linalg rcond
LuFactor linalg
Map core
MapCoordinates image order fill_mode fill_value
Matmul numpy
MatrixRank linalg tol
Max numpy axis keepdims initial
MaxPool nn pool_size strides padding data_format
Maximum numpy
Mean numpy axis keepdims
Median numpy axis keepdims
Meshgrid numpy indexing
Min numpy axis keepdims initial
Minimum numpy
Mod numpy
Moments nn axes keepdims synchronized
Moveaxis numpy source destination
MultiHot nn num_classes axis dtype sparse
Multiply numpy
NanToNum numpy nan posinf neginf
Nanargmax numpy axis keepdims
Nanargmin numpy axis keepdims
Nancumprod numpy axis dtype
Nancumsum numpy axis dtype
Nanmax numpy axis keepdims
Nanmean numpy axis keepdims
Nanmedian numpy axis keepdims
Nanmin numpy axis keepdims
Nanpercentile numpy axis method keepdims
Nanprod numpy axis keepdims
Nanquantile numpy axis method keepdims
Nanstd numpy axis keepdims
Nansum numpy axis keepdims
Nanvar numpy axis keepdims
Negative numpy
Nextafter numpy
Nonzero numpy
Norm linalg ord axis keepdims
Normalize nn axis order epsilon
NotEqual numpy
OneHot nn num_classes axis dtype sparse
OnesLike numpy dtype
Outer numpy
PSNR nn max_val
Pad numpy pad_width mode
PadImages image top_padding left_padding bottom_padding right_padding target_height target_width data_format
Percentile numpy axis method keepdims
PerspectiveTransform image interpolation fill_value data_format
Pinv linalg rcond
Polar nn
Power numpy
Prod numpy axis keepdims dtype
Ptp numpy axis keepdims
Qr linalg mode
Quantile numpy axis method keepdims
RFFT math fft_length
RGBToGrayscale image data_format
RGBToHSV image data_format
RMSNorm nn axis epsilon
Rad2deg numpy
Ravel numpy
Real numpy
Rearrange einops
Reciprocal numpy
Relu nn
Relu6 nn
Repeat numpy repeats axis
Reshape numpy newshape
Resize image size interpolation antialias crop_to_aspect_ratio pad_to_aspect_ratio fill_mode fill_value data_format
RightShift numpy
Roll numpy shift axis
Rot90 numpy k axes
Round numpy decimals
Rsqrt math
SSIM image max_val filter_size filter_sigma k1 k2 data_format
STFT math sequence_length sequence_stride fft_length window center
SVD linalg full_matrices compute_uv
SaturateCast core dtype
ScaleAndTranslate image spatial_dims method antialias
Scan core length reverse unroll
Scatter core shape
ScatterUpdate core reduction
SearchSorted numpy side
SegmentMax math num_segments sorted
SegmentMin math num_segments sorted
SegmentProd math num_segments sorted
SegmentSum math num_segments sorted
Select numpy
Selu nn
SeparableConv nn strides padding data_format dilation_rate
Sigmoid nn
Sign numpy
Signbit numpy
Silu nn
Sin numpy
Sinc numpy
Sinh numpy
Size numpy
Slice core shape
SliceUpdate core
Slogdet numpy
SobelEdges image data_format
SoftShrink nn threshold
Softmax nn axis
Softplus nn
Softsign nn
Solve linalg
SolveTriangular linalg lower
Sort numpy axis
SpaceToDepth nn block_size data_format
SparseCategoricalCrossentropy nn from_logits axis
SparsePlus nn
SparseSigmoid nn
Sparsemax nn axis
Split numpy indices_or_sections axis
Sqrt numpy
Square numpy
Squareplus nn b
Squeeze numpy axis
Stack numpy axis
Std numpy axis keepdims
StopGradient core
Subtract numpy
Sum numpy axis keepdims
Swapaxes numpy axis1 axis2
Switch core
Take numpy axis
TakeAlongAxis numpy axis
Tan numpy
Tanh numpy
TanhShrink nn
Tensordot numpy axes
Threshold nn threshold default_value
Tile numpy repeats
TopK math k sorted
Trace numpy offset axis1 axis2
Transpose numpy axes
Trapezoid numpy x dx axis
Tril numpy k
Triu numpy k
TrueDivide numpy
Trunc numpy
Unfold nn kernel_size dilation padding stride
Unique numpy sorted return_index return_inverse return_counts axis size fill_value
UnravelIndex numpy shape
Unstack core num axis
Vander numpy N increasing
Var numpy axis keepdims
Vdot numpy
VectorizedMap core function
View numpy dtype
ViewAsComplex math
ViewAsReal math
Vsplit numpy indices_or_sections
Vstack numpy
Where numpy
WhileLoop core cond body maximum_iterations
ZerosLike numpy dtype
"""


def _parse(row: str) -> tuple[str, KerasOp]:
    name, where, *constructor = row.split()
    module, _, class_name = where.partition(":")
    return name, KerasOp(f"keras.src.ops.{module}", class_name or name, tuple(constructor))


KERAS_OPS: dict[str, KerasOp] = dict(_parse(row) for row in ROWS.strip().splitlines())

_TAKES_FUNCTIONS = (
    "it takes Python functions, which a .keras file cannot hand over to Keras (a .kerax file names them: "
    "kerax's own and those registered with register_keras_serializable)"
)
# kerax op classes that no .keras file can hold, and why.
NOT_IN_KERAS_FILES: dict[str, str] = {
    "Mish": "Keras 3 has no mish op class",
    **dict.fromkeys(
        ("AssociativeScan", "Cond", "ForiLoop", "JVP", "Map", "Scan", "Switch", "VectorizedMap", "WhileLoop"),
        _TAKES_FUNCTIONS,
    ),
}

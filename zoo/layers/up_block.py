import keras
from keras import ops

from zoo.layers._utils import channel_axis, check_data_format, check_positive_int, make_activation, without_retired
from zoo.registry import register

UPSAMPLE_MODES = ("transpose", "resize")
# The backends that run a 4x4 stride-2 transposed convolution as one 3x3 convolution + a pixel
# shuffle (`subpixel_conv_transpose`): XLA:CPU lowers `conv_transpose` to a convolution of the
# zero-interleaved input, 4x the work of the phases that are not zero and a slow kernel (GAN-IA's
# generator: JAX 2.2x TensorFlow's time at batch 32; the autoencoder 7x). TensorFlow and torch keep
# their native kernels.
SUBPIXEL_BACKENDS = ("jax",)
# rows (columns) of the 4x4 kernel that reach an even / odd output row (column), in input order
_PHASE_TAPS = ((3, 1), (2, 0))


def subpixel_conv_transpose(x, kernel, bias=None, data_format="channels_last"):
    """`Conv2DTranspose(filters, 4, strides=2, padding="same")` as one 3x3 "valid" convolution with
    4x the filters over the input padded by 1, then a 2x2 pixel shuffle: the same sums (to float
    rounding), no multiplications by inserted zeros.

    Output row `2a` of a 4x4 stride-2 transposed convolution ("same": one row cropped on each side)
    sums input rows `a - 1` and `a` through kernel rows 3 and 1; row `2a + 1` sums rows `a` and
    `a + 1` through kernel rows 2 and 0; columns likewise. Each of the four (row, column) parities
    is a 2x2 convolution; placed in one 3x3 kernel they run as one convolution.

    Args:
        x: `(N, H, W, C)` (or `(N, C, H, W)` with `data_format="channels_first"`).
        kernel: the `Conv2DTranspose` kernel, `(4, 4, filters, C)`.
        bias: `(filters,)` or None.
    Returns:
        `(N, 2H, 2W, filters)` (channels first likewise).
    """
    if tuple(kernel.shape[:2]) != (4, 4):
        raise ValueError(f"subpixel_conv_transpose takes a 4x4 kernel. Received kernel shape {tuple(kernel.shape)}")
    if data_format == "channels_first":
        x = ops.transpose(x, (0, 2, 3, 1))
    w = ops.transpose(kernel, (0, 1, 3, 2))  # (4, 4, C, filters)
    cin, filters = int(w.shape[2]), int(w.shape[3])
    zero = ops.zeros((cin, filters), dtype=w.dtype)
    phases = []
    for py in (0, 1):
        for px in (0, 1):
            rows = []
            for r in range(3):
                cols = []
                for c in range(3):
                    dy, dx = r - py, c - px
                    inside = 0 <= dy < 2 and 0 <= dx < 2
                    cols.append(w[_PHASE_TAPS[py][dy], _PHASE_TAPS[px][dx]] if inside else zero)
                rows.append(ops.stack(cols, axis=0))
            phases.append(ops.stack(rows, axis=0))  # (3, 3, C, filters)
    k = ops.concatenate(phases, axis=-1)  # (3, 3, C, 4 * filters), phase-major
    y = ops.conv(ops.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))), k, padding="valid")
    n, h, wd = ops.shape(y)[0], ops.shape(y)[1], ops.shape(y)[2]
    y = ops.reshape(y, (n, h, wd, 2, 2, filters))
    y = ops.reshape(ops.transpose(y, (0, 1, 3, 2, 4, 5)), (n, 2 * h, 2 * wd, filters))
    if bias is not None:
        y = y + bias
    if data_format == "channels_first":
        y = ops.transpose(y, (0, 3, 1, 2))
    return y


@keras.saving.register_keras_serializable(package="zoo")
class UpBlock(keras.layers.Layer):
    """Decoder block: x2 upsampling, optional skip concatenation, then a 3x3 conv.

    Called as `block(x)` or `block([x, skip])`: with a skip map (the encoder map at the
    output resolution) the upsampled features and the skip are concatenated along channels
    (U-Net skip concatenation, not addition) before the conv.

    Args:
        filters: int, output channels.
        upsample: "transpose" (a 4x4 stride-2 `Conv2DTranspose`, the seed's choice) or
            "resize" (nearest x2 + 3x3 conv: about 2x faster to train on JAX/XLA:CPU).
        activation: activation name.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> x, skip = keras.random.normal((1, 8, 8, 32)), keras.random.normal((1, 16, 16, 16))
    >>> UpBlock(16)([x, skip]).shape
    (1, 16, 16, 16)

    Reference:
        Ronneberger, Fischer, Brox. "U-Net", MICCAI 2015.
    """

    def __init__(
        self,
        filters,
        upsample="transpose",
        activation="elu",
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        if upsample not in UPSAMPLE_MODES:
            raise ValueError(f"`upsample` must be one of {UPSAMPLE_MODES}. Received: upsample={upsample!r}")
        self.upsample = upsample
        self.activation = activation
        self.data_format = check_data_format(data_format)
        df = self.data_format
        if upsample == "transpose":
            self.up = [keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same", data_format=df, kernel_initializer="he_normal", name="up")]
        else:
            self.up = [
                keras.layers.UpSampling2D(2, data_format=df, interpolation="nearest"),
                keras.layers.Conv2D(filters, 3, padding="same", data_format=df, kernel_initializer="he_normal", name="up"),
            ]
        self.up_act = make_activation(activation)
        self.concat = keras.layers.Concatenate(axis=channel_axis(df))
        self.conv = keras.layers.Conv2D(filters, 3, padding="same", data_format=df, kernel_initializer="he_normal", name="fuse")
        self.act = make_activation(activation)

    @staticmethod
    def _split(inputs):
        if isinstance(inputs, (list, tuple)):
            if len(inputs) != 2:
                raise ValueError(f"UpBlock takes x or [x, skip]. Received {len(inputs)} inputs.")
            return inputs[0], inputs[1]
        return inputs, None

    def _up_shape(self, shape):
        for layer in self.up:
            shape = layer.compute_output_shape(shape)
        return shape

    def build(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and len(input_shape) == 2 and isinstance(input_shape[0], (list, tuple)):
            x_shape, skip_shape = input_shape
        else:
            x_shape, skip_shape = input_shape, None
        shape = x_shape
        for layer in self.up:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        if skip_shape is not None:
            ax = channel_axis(self.data_format)
            shape = list(shape)
            shape[ax] = shape[ax] + skip_shape[ax]
            shape = tuple(shape)
        self.conv.build(shape)
        super().build(input_shape)

    def call(self, inputs, training=None):
        x, skip = self._split(inputs)
        if self.upsample == "transpose" and keras.backend.backend() in SUBPIXEL_BACKENDS:
            up = self.up[0]
            x = subpixel_conv_transpose(x, up.kernel, up.bias if up.use_bias else None, self.data_format)
        else:
            for layer in self.up:
                x = layer(x)
        x = self.up_act(x)
        if skip is not None:
            x = self.concat([x, ops.cast(skip, x.dtype)])
        return self.act(self.conv(x))

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and len(input_shape) == 2 and isinstance(input_shape[0], (list, tuple)):
            input_shape = input_shape[0]
        shape = list(self._up_shape(input_shape))
        shape[channel_axis(self.data_format)] = self.filters
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "upsample": self.upsample,
                "activation": self.activation,
                "data_format": self.data_format,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**without_retired(cls, config, normalization=None))


register("layer", "UpBlock", "GAN-IA decoder block: transposed conv x2 (or resize), skip concatenation, conv", UpBlock)

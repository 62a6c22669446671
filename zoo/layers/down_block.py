import keras

from zoo.layers._utils import channel_axis, check_data_format, check_normalization, check_positive_int, check_strides, conv2d, make_activation
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class DownBlock(keras.layers.Layer):
    """Encoder block of the GAN-IA generator: a strided convolution (no pooling) and a conv.

    `Conv2D(filters, kernel_size, strides)` -> [BatchNorm] -> activation ->
    `Conv2D(filters, 3)` -> [BatchNorm] -> activation. With `strides=2` it halves H and W.

    Args:
        filters: int, output channels.
        kernel_size: int, kernel of the strided convolution.
        strides: int, 1 or 2.
        activation: activation name ("elu", "relu", "leaky_relu", ...).
        normalization: None or "batch".
        spectral_norm: bool, spectral normalisation of the convolutions.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> DownBlock(64)(keras.random.normal((1, 32, 32, 16))).shape
    (1, 16, 16, 64)

    Reference:
        Iizuka, Simo-Serra, Ishikawa. "Globally and Locally Consistent Image Completion",
        SIGGRAPH 2017 (the encoder/dilated/decoder completion network GAN-IA builds on).
    """

    def __init__(
        self,
        filters,
        kernel_size=3,
        strides=2,
        activation="elu",
        normalization=None,
        spectral_norm=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        check_strides(strides)
        check_normalization(normalization)
        self.strides = strides
        self.activation = activation
        self.normalization = normalization
        self.spectral_norm = bool(spectral_norm)
        self.data_format = check_data_format(data_format)
        self._stack = []
        for i, (k, s) in enumerate(((self.kernel_size, strides), (3, 1))):
            self._stack.append(conv2d(filters, k, spectral_norm=self.spectral_norm, strides=s, padding="same",
                                      data_format=self.data_format, kernel_initializer="he_normal", name=f"conv{i}"))
            if normalization == "batch":
                self._stack.append(keras.layers.BatchNormalization(axis=channel_axis(self.data_format)))
            self._stack.append(make_activation(activation))

    def build(self, input_shape):
        shape = input_shape
        for layer in self._stack:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        super().build(input_shape)

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._stack:
            x = layer(x, training=training) if isinstance(layer, (keras.layers.BatchNormalization, keras.layers.Conv2D)) else layer(x)
        return x

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "activation": self.activation,
                "normalization": self.normalization,
                "spectral_norm": self.spectral_norm,
                "data_format": self.data_format,
            }
        )
        return config


register("layer", "DownBlock", "GAN-IA encoder block: strided conv (no pooling) + conv", DownBlock)

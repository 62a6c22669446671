import keras

from zoo.layers._utils import check_data_format, check_positive_int, check_strides, make_activation, without_retired
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class DownBlock(keras.layers.Layer):
    """Encoder block of the GAN-IA generator: a strided convolution (no pooling) and a conv.

    `Conv2D(filters, kernel_size, strides)` -> activation -> `Conv2D(filters, 3)` -> activation.
    With `strides=2` it halves H and W.

    Args:
        filters: int, output channels.
        kernel_size: int, kernel of the strided convolution.
        strides: int, 1 or 2.
        activation: activation name ("elu", "relu", "leaky_relu", ...).
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
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        check_strides(strides)
        self.strides = strides
        self.activation = activation
        self.data_format = check_data_format(data_format)
        self._stack = []
        for i, (k, s) in enumerate(((self.kernel_size, strides), (3, 1))):
            self._stack.append(keras.layers.Conv2D(filters, k, strides=s, padding="same", data_format=self.data_format,
                                                   kernel_initializer="he_normal", name=f"conv{i}"))
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
            x = layer(x)
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
                "data_format": self.data_format,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**without_retired(cls, config, normalization=None, spectral_norm=False))


register("layer", "DownBlock", "GAN-IA encoder block: strided conv (no pooling) + conv", DownBlock)

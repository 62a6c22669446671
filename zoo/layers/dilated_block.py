import keras

from zoo.layers._utils import channel_axis, check_data_format, check_positive_int, make_activation, without_retired
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class DilatedBlock(keras.layers.Layer):
    """The generator's middle: a stack of 3x3 dilated convolutions at constant resolution.

    One `Conv2D(filters, 3, dilation_rate=r)` + activation per rate in `dilation_rates`;
    the receptive field grows to cover the whole face at the bottleneck without pooling.

    Args:
        filters: int, channels of every convolution.
        dilation_rates: tuple of positive ints (default 2, 4, 8, 16 as in GLCIC).
        activation: activation name.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> DilatedBlock(32)(keras.random.normal((1, 16, 16, 32))).shape
    (1, 16, 16, 32)

    Reference:
        Yu, Koltun. "Multi-Scale Context Aggregation by Dilated Convolutions", ICLR 2016;
        Iizuka et al., SIGGRAPH 2017.
    """

    def __init__(
        self,
        filters,
        dilation_rates=(2, 4, 8, 16),
        activation="elu",
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        rates = tuple(dilation_rates)
        if not rates:
            raise ValueError("`dilation_rates` must name at least one rate. Received: dilation_rates=()")
        for r in rates:
            check_positive_int("dilation_rates[i]", r)
        self.dilation_rates = rates
        self.activation = activation
        self.data_format = check_data_format(data_format)
        self.convs = [
            keras.layers.Conv2D(
                filters, 3, padding="same", dilation_rate=r, data_format=self.data_format, kernel_initializer="he_normal", name=f"dilated_{r}_{i}"
            )
            for i, r in enumerate(rates)
        ]
        self.acts = [make_activation(activation) for _ in rates]

    def build(self, input_shape):
        shape = input_shape
        for conv in self.convs:
            conv.build(shape)
            shape = conv.compute_output_shape(shape)
        super().build(input_shape)

    def call(self, inputs, training=None):
        x = inputs
        for conv, act in zip(self.convs, self.acts):
            x = act(conv(x))
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[channel_axis(self.data_format)] = self.filters
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "dilation_rates": list(self.dilation_rates),
                "activation": self.activation,
                "data_format": self.data_format,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**without_retired(cls, config, normalization=None))


register("layer", "DilatedBlock", "GAN-IA middle: stack of 3x3 dilated convs (rates 2, 4, 8, 16 by default)", DilatedBlock)

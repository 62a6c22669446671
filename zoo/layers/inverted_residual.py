import keras

from zoo.layers.depthwise import DepthwiseConv2D
from zoo.layers._utils import channel_axis, check_data_format, check_positive_int, check_strides
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class InvertedResidual(keras.layers.Layer):
    """MobileNetV2 inverted residual block: 1x1 expand (x `expansion`) -> 3x3 depthwise (stride)
    -> 1x1 linear projection, BatchNorm after each conv, ReLU6 after the first two, and an
    identity shortcut when the stride is 1 and the channel count is kept.

    Args:
        filters: output channels.
        expansion: expansion factor t (1 skips the expand conv).
        strides: 1 or 2.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> InvertedResidual(32, expansion=2, strides=2)(keras.random.normal((1, 28, 28, 16))).shape
    (1, 14, 14, 32)

    Reference:
        Sandler et al. "MobileNetV2: Inverted Residuals and Linear Bottlenecks", CVPR 2018.
    """

    def __init__(self, filters, expansion=2, strides=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.expansion = check_positive_int("expansion", expansion)
        check_strides(strides)
        self.strides = strides
        self.data_format = check_data_format(data_format)

    def build(self, input_shape):
        ax = channel_axis(self.data_format)
        in_ch = input_shape[ax]
        df = self.data_format
        hidden = in_ch * self.expansion
        self.use_shortcut = self.strides == 1 and in_ch == self.filters
        self.ops_ = []
        if self.expansion != 1:
            self.ops_ += [
                keras.layers.Conv2D(hidden, 1, use_bias=False, data_format=df, name="expand"),
                keras.layers.BatchNormalization(axis=ax, name="expand_bn"),
                keras.layers.ReLU(max_value=6.0),
            ]
        self.ops_ += [
            DepthwiseConv2D(3, strides=self.strides, padding="same", use_bias=False, data_format=df, name="depthwise"),
            keras.layers.BatchNormalization(axis=ax, name="depthwise_bn"),
            keras.layers.ReLU(max_value=6.0),
            keras.layers.Conv2D(self.filters, 1, use_bias=False, data_format=df, name="project"),
            keras.layers.BatchNormalization(axis=ax, name="project_bn"),
        ]
        shape = input_shape
        for op in self.ops_:
            op.build(shape)
            shape = op.compute_output_shape(shape)
        super().build(input_shape)

    def call(self, inputs, training=None):
        x = inputs
        for op in self.ops_:
            x = op(x, training=training) if isinstance(op, keras.layers.BatchNormalization) else op(x)
        return x + inputs if self.use_shortcut else x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        ax = channel_axis(self.data_format)
        shape[ax] = self.filters
        sp = (1, 2) if self.data_format == "channels_last" else (2, 3)
        for i in sp:
            if shape[i] is not None:
                shape[i] = -(-shape[i] // self.strides)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "expansion": self.expansion, "strides": self.strides, "data_format": self.data_format})
        return config


register("layer", "InvertedResidual", "MobileNetV2 inverted residual: 1x1 expand, 3x3 depthwise, 1x1 linear projection", InvertedResidual)

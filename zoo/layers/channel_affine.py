"""`ChannelAffine`: a per-channel constant affine map (e.g. a pretrained backbone's input normalisation)."""

import keras
from keras import ops

from zoo.layers._utils import check_data_format
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class ChannelAffine(keras.layers.Layer):
    """`x * scale[c] + offset[c]` per channel, constants from the config (no weights): e.g. the
    ImageNet normalisation `(x - mean) / std` a pretrained backbone expects.

    Example:
    >>> ChannelAffine([2.0, 1.0, 1.0], [0.0, 0.0, -1.0])(keras.ops.ones((1, 4, 4, 3)))[0, 0, 0]
    [2., 1., 0.]
    """

    def __init__(self, scale, offset, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.scale = [float(v) for v in scale]
        self.offset = [float(v) for v in offset]
        if len(self.scale) != len(self.offset):
            raise ValueError(f"`scale` and `offset` need one value per channel. Received: {len(self.scale)} and {len(self.offset)}")
        self.data_format = check_data_format(data_format, convolutions=False)

    def call(self, x):
        shape = (1, 1, 1, -1) if self.data_format == "channels_last" else (1, -1, 1, 1)
        s = ops.reshape(ops.convert_to_tensor(self.scale, x.dtype), shape)
        o = ops.reshape(ops.convert_to_tensor(self.offset, x.dtype), shape)
        return x * s + o

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset, "data_format": self.data_format}


register("layer", "ChannelAffine", "per-channel x * scale + offset from constants (a backbone's input normalisation)", ChannelAffine)

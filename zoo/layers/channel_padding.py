import keras

from zoo.layers._utils import check_data_format
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class ChannelPadding(keras.layers.Layer):
    """Zero-pads the channel axis to `channels` (BlazeFace's shortcut when a block widens).

    Args:
        channels: output channel count (>= the input's).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> ChannelPadding(32)(keras.ops.ones((1, 8, 8, 24))).shape
    (1, 8, 8, 32)

    Reference:
        Bazarevsky et al. "BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs",
        arXiv:1907.05047, 2019.
    """

    def __init__(self, channels, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(channels, bool) or not isinstance(channels, int) or channels <= 0:
            raise ValueError(f"`channels` must be a positive integer. Received: channels={channels!r}")
        self.channels = channels
        self.data_format = check_data_format(data_format, convolutions=False)

    def _axis(self):
        return 3 if self.data_format == "channels_last" else 1

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if shape[self._axis()] is not None and shape[self._axis()] > self.channels:
            raise ValueError(f"ChannelPadding({self.channels}) cannot shrink {shape[self._axis()]} channels")
        shape[self._axis()] = self.channels
        return tuple(shape)

    def call(self, x):
        extra = self.channels - x.shape[self._axis()]
        if extra < 0:
            raise ValueError(f"ChannelPadding({self.channels}) cannot shrink {x.shape[self._axis()]} channels")
        if extra == 0:
            return x
        # zeros concatenated, not `ops.pad`: TensorFlow's oneDNN graph rewrite crashes (segfault,
        # tensorflow-cpu 2.21) on a channel Pad that feeds an Add with a 1x1 conv.
        ax = self._axis()
        zeros = keras.ops.zeros_like(keras.ops.take(x, [0], axis=ax))
        return keras.ops.concatenate([x] + [zeros] * extra, axis=ax)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "data_format": self.data_format}


@keras.saving.register_keras_serializable(package="zoo")
class MaxPool2x2(keras.layers.Layer):
    """2x2 max pooling with stride 2 (even height and width), as the max of four strided views.

    Same result as `keras.layers.MaxPooling2D(2)`; written with slices because XLA:CPU (jax
    0.10.2) miscomputed a jitted `MaxPooling2D` fused after BlazeFace's conv + add + ReLU.

    Args:
        data_format: "channels_last" / "channels_first" (default: keras config).
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, convolutions=False)

    def compute_output_shape(self, input_shape):
        s = list(input_shape)
        for ax in ((1, 2) if self.data_format == "channels_last" else (2, 3)):
            s[ax] = None if s[ax] is None else s[ax] // 2
        return tuple(s)

    def call(self, x):
        if self.data_format == "channels_last":
            views = [x[:, i::2, j::2, :] for i in (0, 1) for j in (0, 1)]
        else:
            views = [x[:, :, i::2, j::2] for i in (0, 1) for j in (0, 1)]
        ops = keras.ops
        return ops.maximum(ops.maximum(views[0], views[1]), ops.maximum(views[2], views[3]))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


register("layer", "MaxPool2x2", "2x2 stride-2 max pooling as four strided views (BlazeFace's shortcut)", MaxPool2x2)
register("layer", "ChannelPadding", "zero-pad the channel axis (BlazeFace's widening shortcut)", ChannelPadding)

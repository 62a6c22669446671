"""PIPNet's heatmap decoding as layers: `HeatmapDecode` (best cell + sub-cell offset -> coordinates)
and `HeatmapConfidence` (the best cell's softmax probability)."""

import keras
from keras import ops

from zoo.layers._utils import check_data_format
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class HeatmapDecode(keras.layers.Layer):
    """PIPNet's decoding: per landmark the highest-scoring cell of the `G x G` score map plus
    the sub-cell offset predicted at that cell -> normalised input coordinates.

    Inputs `[scores, offset_x, offset_y]`, each `(B, G, G, K)` (channels_last) or `(B, K, G, G)`.
    A point at input pixel `p` lies in cell `floor((p - border) / stride)` with offset
    `(p - border) / stride - cell`; output `(B, K, 2)` = pixel / `input_size`.
    """

    def __init__(self, stride, border, input_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.stride = float(stride)
        self.border = float(border)
        self.input_size = float(input_size)
        self.data_format = check_data_format(data_format, convolutions=False)

    def _flat(self, t):
        if self.data_format == "channels_last":
            t = ops.transpose(t, (0, 3, 1, 2))
        b, k = ops.shape(t)[0], ops.shape(t)[1]
        return ops.reshape(t, (b, k, -1))  # (B, K, G*G), row-major (y, x)

    def call(self, inputs):
        scores, ox, oy = (self._flat(t) for t in inputs)
        g = inputs[0].shape[1] if self.data_format == "channels_last" else inputs[0].shape[2]
        # the best cell, as `argmax` picks it (the first of equal maxima), from max / compare / min:
        # plain ops that every export format holds (TensorFlow lowers `argmax` of floats to bitcast and
        # bitwise-and ops that ONNX and LiteRT lack)
        cells = ops.arange(g * g, dtype=ox.dtype)
        best = ops.max(scores, axis=-1, keepdims=True)
        idx = ops.min(ops.where(scores >= best, cells, float(g * g)), axis=-1)  # (B, K)
        onehot = ops.cast(ops.equal(cells, idx[..., None]), ox.dtype)
        dx = ops.sum(onehot * ox, axis=-1)
        dy = ops.sum(onehot * oy, axis=-1)
        cy = ops.floor(idx / g)
        cx = idx - cy * g
        x = (cx + dx) * self.stride + self.border
        y = (cy + dy) * self.stride + self.border
        return ops.stack([x, y], axis=-1) / self.input_size

    def compute_output_shape(self, input_shape):
        s = input_shape[0]
        k = s[3] if self.data_format == "channels_last" else s[1]
        return (s[0], k, 2)

    def get_config(self):
        return {**super().get_config(), "stride": self.stride, "border": self.border, "input_size": self.input_size,
                "data_format": self.data_format}


@keras.saving.register_keras_serializable(package="zoo")
class HeatmapConfidence(keras.layers.Layer):
    """Per landmark, the softmax probability of its best cell `(B, K)` in (0, 1]: low where the
    score map has no clear peak (an occluded or ambiguous point)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, convolutions=False)

    def call(self, scores):
        if self.data_format == "channels_last":
            scores = ops.transpose(scores, (0, 3, 1, 2))
        flat = ops.reshape(scores, (ops.shape(scores)[0], ops.shape(scores)[1], -1))
        return ops.max(ops.softmax(flat, axis=-1), axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[3] if self.data_format == "channels_last" else input_shape[1])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


register("layer", "HeatmapDecode", "PIPNet decoding: best cell of a score map + its sub-cell offset -> (B, K, 2) coordinates", HeatmapDecode)
register("layer", "HeatmapConfidence", "per landmark the softmax probability of its best heatmap cell (low where occluded)", HeatmapConfidence)

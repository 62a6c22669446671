import keras
from keras import ops

from zoo.layers._utils import check_data_format
from zoo.models._base import ZooModel
from zoo.models._regressor import conv_bn_relu, regressor_input
from zoo.models.mobilenet_v2 import IMAGENET_MEAN, IMAGENET_STD, mobilenet_v2_features


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
        idx = ops.argmax(scores, axis=-1)  # (B, K)
        onehot = ops.one_hot(idx, g * g, dtype=ox.dtype)
        dx = ops.sum(onehot * ox, axis=-1)
        dy = ops.sum(onehot * oy, axis=-1)
        idx = ops.cast(idx, ox.dtype)
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


@keras.saving.register_keras_serializable(package="zoo")
class PIPNet(ZooModel):
    """A heatmap + offset landmark regressor (PIPNet's head without neighbour regression) on a
    MobileNetV2 backbone laid out as torchvision's (so its ImageNet weights load one to one).

    The input is the project's face crop (a square of 1.6x the landmark box, as every zoo
    regressor reads); the network first cuts `border` pixels off each side, so it sees a
    tighter framing (160 px with border 16: the central 128 px, 1.28x the box) at a higher
    resolution than the crop-squeezing regressors. A small FPN (stride 32 upsampled onto
    stride 16, and onto stride 8 with `head_stride=8`) feeds three 1x1 heads on the
    `G x G` grid: a score per cell and landmark (trained with a softmax over cells) and the
    x / y offsets inside the cell. `HeatmapDecode` turns them into coordinates.

    Input: `(B, S, S, 3)` in [0, 1]. Outputs a dict: `"landmarks"` `(B, K, 2)` normalised to the
    input crop, `"confidence"` `(B, K)` (softmax probability of each point's best cell: low on
    occluded points), `"heatmap"`, `"offset_x"`, `"offset_y"` (the raw maps, for the loss).

    Args:
        input_size: crop side S.
        border: pixels cut from each side before the backbone (S - 2 border: a multiple of 32).
        n_points: landmarks (68).
        head_stride: 16 or 8 (grid cell in pixels of the cut crop).
        head_channels: channels of the FPN and head.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = PIPNet()
    >>> m(keras.ops.zeros((1, 160, 160, 3)))["landmarks"].shape
    (1, 68, 2)

    Reference:
        Jin et al. "Pixel-in-Pixel Net: Towards Efficient Facial Landmark Detection in the
        Wild", IJCV 2021; Sandler et al. "MobileNetV2", CVPR 2018.
    """

    def __init__(self, input_size=160, border=16, n_points=68, head_stride=16, head_channels=128, data_format=None, **kwargs):
        image, df = regressor_input(input_size, data_format)
        border = int(border)
        inner = input_size - 2 * border
        if border < 0 or inner < 64 or inner % 32:
            raise ValueError(f"`input_size - 2 * border` must be a multiple of 32 and >= 64. Received: input_size={input_size}, border={border}")
        if head_stride not in (8, 16):
            raise ValueError(f"`head_stride` must be 8 or 16. Received: head_stride={head_stride!r}")
        x = keras.layers.Cropping2D(border, data_format=df, name="frame")(image) if border else image
        x = ChannelAffine([1.0 / s for s in IMAGENET_STD], [-m / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD)], data_format=df,
                          name="imagenet_norm")(x)
        feats = mobilenet_v2_features(x, 1.0, df, prefix="mnv2", last_block=17)
        h = conv_bn_relu(feats[32], head_channels, 1, 1, df, "fpn_top")
        for s in (16, 8) if head_stride == 8 else (16,):
            h = keras.layers.UpSampling2D(2, data_format=df, name=f"fpn_up{s}")(h)
            lat = conv_bn_relu(feats[s], head_channels, 1, 1, df, f"fpn_lat{s}", relu=False)
            h = keras.layers.Add(name=f"fpn_add{s}")([h, lat])
            h = conv_bn_relu(h, head_channels, 3, 1, df, f"fpn_smooth{s}")
        heat = keras.layers.Conv2D(n_points, 1, data_format=df, name="heatmap")(h)
        ox = keras.layers.Conv2D(n_points, 1, data_format=df, bias_initializer=keras.initializers.Constant(0.5), name="offset_x")(h)
        oy = keras.layers.Conv2D(n_points, 1, data_format=df, bias_initializer=keras.initializers.Constant(0.5), name="offset_y")(h)
        landmarks = HeatmapDecode(head_stride, border, input_size, data_format=df, name="landmarks")([heat, ox, oy])
        confidence = HeatmapConfidence(data_format=df, name="confidence")(heat)
        super().__init__(inputs=image, outputs={"landmarks": landmarks, "confidence": confidence, "heatmap": heat, "offset_x": ox,
                                                "offset_y": oy}, **kwargs)
        self._set_config(input_size=input_size, border=border, n_points=n_points, head_stride=head_stride,
                         head_channels=head_channels, data_format=df)

    @property
    def input_size(self):
        return self._zoo_config["input_size"]

    def load_imagenet_backbone(self, path=None):
        """Initialise the backbone from torchvision's ImageNet MobileNetV2 (the registry package's
        file, see `zoo.models.mobilenet_v2.convert`). Returns the file's path."""
        from zoo.models.mobilenet_v2 import convert

        path = path or convert.find_imagenet_weights()
        convert.load_torchvision_weights(self, convert.read_state_dict(path), prefix="mnv2", last_block=17)
        return path

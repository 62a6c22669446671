import keras

from zoo.layers.depthwise import DepthwiseConv2D
from zoo.layers import ChannelPadding, MaxPool2x2
from zoo.models._base import ZooModel, image_input
from zoo.layers._utils import check_data_format

# (output channels, stride) of the 16 BlazeBlocks of MediaPipe's short-range face detector.
SHORT_RANGE_BLOCKS = ((24, 1), (28, 1), (32, 2), (36, 1), (42, 1), (48, 2), (56, 1), (64, 1), (72, 1), (80, 1), (88, 1),
                      (96, 2), (96, 1), (96, 1), (96, 1), (96, 1))
# The blocks whose outputs feed the two SSD heads (16x16 and 8x8 at 128 px).
SHORT_RANGE_HEADS = ((10, 2, 8), (15, 6, 16))  # (block index, anchors per cell, stride)


@keras.saving.register_keras_serializable(package="zoo")
class BlazeFace(ZooModel):
    """BlazeFace, MediaPipe's short-range face detector, as a Keras 3 functional model.

    A 5x5 stride-2 conv, then BlazeBlocks (3x3 depthwise conv -> 1x1 conv, a shortcut that is
    max-pooled when the block strides and zero-padded when it widens, ReLU after the add), and
    two SSD heads (1x1 convs) on the 16x16 and 8x8 maps: 2 + 6 anchors per cell, 896 in all.

    Input: `(B, S, S, 3)` RGB in [-1, 1] (S = 128). Outputs a dict: `"regressors"`
    `(B, 896, 16)` (box centre offset, size, 6 keypoint offsets, in input pixels relative to
    each anchor) and `"classificators"` `(B, 896, 1)` (logits). Decoding and non-maximum
    suppression: `zoo.models.blazeface.decode_detections`; images in, faces out:
    `zoo.tasks.FaceDetector`.

    Args:
        input_size: S (128 for the converted MediaPipe weights).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = BlazeFace()
    >>> m(keras.ops.zeros((1, 128, 128, 3)))["regressors"].shape
    (1, 896, 16)

    Reference:
        Bazarevsky et al. "BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs",
        arXiv:1907.05047, 2019. Weights: MediaPipe `face_detection_short_range.tflite` (Apache-2.0).
    """

    def __init__(self, input_size=128, data_format=None, **kwargs):
        df = check_data_format(data_format)
        if isinstance(input_size, bool) or not isinstance(input_size, int) or input_size < 32 or input_size % 16:
            raise ValueError(f"`input_size` must be a multiple of 16 (>= 32). Received: input_size={input_size!r}")
        image = image_input(input_size, 3, "image", df)
        x = keras.layers.Conv2D(24, 5, strides=2, padding="same", data_format=df, name="conv0")(image)
        x = keras.layers.ReLU(name="conv0_relu")(x)
        channels, features = 24, {}
        for i, (out, stride) in enumerate(SHORT_RANGE_BLOCKS):
            h = DepthwiseConv2D(3, strides=stride, padding="same", data_format=df, name=f"block{i}_dw")(x)
            h = keras.layers.Conv2D(out, 1, data_format=df, name=f"block{i}_pw")(h)
            shortcut = x
            if stride == 2:
                shortcut = MaxPool2x2(data_format=df, name=f"block{i}_pool")(shortcut)
            if out > channels:
                shortcut = ChannelPadding(out, data_format=df, name=f"block{i}_pad")(shortcut)
            x = keras.layers.ReLU(name=f"block{i}_relu")(keras.layers.Add(name=f"block{i}_add")([shortcut, h]))
            channels = out
            features[i] = x
        scores, boxes = [], []
        for block, anchors, stride in SHORT_RANGE_HEADS:
            f = features[block]
            c = keras.layers.Conv2D(anchors, 1, data_format=df, name=f"classificator_{stride}")(f)
            r = keras.layers.Conv2D(anchors * 16, 1, data_format=df, name=f"regressor_{stride}")(f)
            if df == "channels_first":  # anchors are ordered row, column, anchor (NHWC flattening)
                c = keras.layers.Permute((2, 3, 1), name=f"classificator_{stride}_nhwc")(c)
                r = keras.layers.Permute((2, 3, 1), name=f"regressor_{stride}_nhwc")(r)
            scores.append(keras.layers.Reshape((-1, 1), name=f"classificator_{stride}_flat")(c))
            boxes.append(keras.layers.Reshape((-1, 16), name=f"regressor_{stride}_flat")(r))
        outputs = {
            "regressors": keras.layers.Concatenate(axis=1, name="regressors")(boxes),
            "classificators": keras.layers.Concatenate(axis=1, name="classificators")(scores),
        }
        super().__init__(inputs=image, outputs=outputs, **kwargs)
        self._set_config(input_size=input_size, data_format=df)

    anchor_strides = (8, 16, 16, 16)
    anchors_per_layer = 2

    def anchors(self):
        """Anchor centres `(N, 2)` (x, y in [0, 1]) in the order of the outputs."""
        from zoo.models.blazeface.decode import ssd_anchors

        return ssd_anchors(self.input_size, self.anchor_strides, per_layer=self.anchors_per_layer)

    @property
    def num_anchors(self):
        cells = self.input_size // 8
        return cells * cells * 2 + (cells // 2) ** 2 * 6

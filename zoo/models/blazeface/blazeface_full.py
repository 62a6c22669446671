import keras

from zoo.layers.depthwise import DepthwiseConv2D
from zoo.layers import ChannelPadding, MaxPool2x2
from zoo.models._base import ZooModel, image_input
from zoo.layers._utils import check_data_format

# (middle channels, output channels, stride) of the 15 double BlazeBlocks of MediaPipe's
# full-range face detector, input 192 px: 96 -> 48 -> 24 -> 12 -> 6 px maps.
FULL_RANGE_BLOCKS = ((8, 32, 1), (8, 32, 1), (12, 48, 2), (12, 48, 1), (16, 64, 1), (24, 96, 2), (32, 128, 1),
                     (32, 128, 1), (36, 144, 2), (48, 192, 1), (64, 256, 1), (96, 384, 2), (96, 384, 1), (96, 384, 1),
                     (96, 384, 1))
# The top-down path at 12, 24 and 48 px: (channels, the backbone block whose output joins it,
# how many double blocks of (channels / 2, channels) refine the sum).
FULL_RANGE_FPN = ((96, 10, 2), (64, 7, 2), (48, 4, 1))


@keras.saving.register_keras_serializable(package="zoo")
class BlazeFaceFullRange(ZooModel):
    """BlazeFace full-range, MediaPipe's detector for faces far from the camera (down to about a
    tenth of the frame), as a Keras 3 functional model.

    A 3x3 stride-2 conv, 15 *double* BlazeBlocks (3x3 depthwise -> 1x1 conv to a narrow middle
    -> ReLU -> 3x3 depthwise -> 1x1 conv back, a shortcut max-pooled when the block strides and
    zero-padded when it widens, ReLU after the add), then a top-down path: at 12, 24 and 48 px
    the coarser map is squeezed by a 1x1 conv + ReLU, upsampled x2 (bilinear, half-pixel
    centres), added to a 1x1 conv + ReLU of the backbone's map, and refined by two double
    blocks (one at 48 px). One SSD head (1x1 convs) on the 48x48 map: one anchor per cell, 2,304 in all.

    Input: `(B, S, S, 3)` RGB in [-1, 1] (S = 192). Outputs a dict: `"regressors"`
    `(B, (S/4)^2, 16)` (box centre offset, size, 6 keypoint offsets, in input pixels relative to
    each anchor) and `"classificators"` `(B, (S/4)^2, 1)` (logits), as `BlazeFace`'s. Decoding:
    `zoo.models.blazeface.decode_detections` with `anchors=model.anchors()`; images in, faces
    out: `zoo.tasks.FaceDetector`.

    Layer names are those of MediaPipe's graph (`conv2d_7`, `depthwise_conv2d_30`, ...), so the
    converted weights map one to one.

    Args:
        input_size: S (192 for the converted MediaPipe weights; a multiple of 32).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = BlazeFaceFullRange()
    >>> m(keras.ops.zeros((1, 192, 192, 3)))["regressors"].shape
    (1, 2304, 16)

    Reference:
        Bazarevsky et al. "BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs",
        arXiv:1907.05047, 2019. Weights: MediaPipe `face_detection_full_range.tflite` (Apache-2.0).
    """

    anchor_strides = (4,)
    anchors_per_layer = 1

    def __init__(self, input_size=192, data_format=None, **kwargs):
        df = check_data_format(data_format)
        if isinstance(input_size, bool) or not isinstance(input_size, int) or input_size < 64 or input_size % 32:
            raise ValueError(f"`input_size` must be a multiple of 32 (>= 64). Received: input_size={input_size!r}")
        counter = {"conv2d": 0, "depthwise_conv2d": 0, "activation": 0, "add": 0, "max_pooling2d": 0, "channel_padding": 0}

        def name(kind):
            i = counter[kind]
            counter[kind] += 1
            return kind if i == 0 else f"{kind}_{i}"

        def conv(x, channels, kernel=1, strides=1):
            return keras.layers.Conv2D(channels, kernel, strides=strides, padding="same", data_format=df, name=name("conv2d"))(x)

        def dw(x, strides=1):
            return DepthwiseConv2D(3, strides=strides, padding="same", data_format=df,
                                                name=name("depthwise_conv2d"))(x)

        def relu(x):
            return keras.layers.ReLU(name=name("activation"))(x)

        def add(a, b):
            return keras.layers.Add(name=name("add"))([a, b])

        def block(x, channels_in, middle, out, stride):
            h = relu(conv(dw(x, stride), middle))
            h = conv(dw(h), out)
            shortcut = x
            if stride == 2:
                shortcut = MaxPool2x2(data_format=df, name=name("max_pooling2d"))(shortcut)
            if out > channels_in:
                shortcut = ChannelPadding(out, data_format=df, name=name("channel_padding"))(shortcut)
            return relu(add(shortcut, h))

        image = image_input(input_size, 3, "image", df)
        x = relu(conv(image, 32, 3, 2))
        channels, features = 32, []
        for middle, out, stride in FULL_RANGE_BLOCKS:
            x = block(x, channels, middle, out, stride)
            channels = out
            features.append(x)
        for width, skip, blocks in FULL_RANGE_FPN:
            top = keras.layers.UpSampling2D(2, data_format=df, interpolation="bilinear", name=f"up_{width}")(relu(conv(x, width)))
            x = add(relu(conv(features[skip], width)), top)
            for _ in range(blocks):
                x = block(x, width, width // 2, width, 1)
        c = keras.layers.Conv2D(1, 1, data_format=df, name="classifier_face_4")(x)
        r = keras.layers.Conv2D(16, 1, data_format=df, name="regressor_face_4")(x)
        if df == "channels_first":  # anchors are ordered row, column (NHWC flattening)
            c = keras.layers.Permute((2, 3, 1), name="classifier_nhwc")(c)
            r = keras.layers.Permute((2, 3, 1), name="regressor_nhwc")(r)
        outputs = {
            "regressors": keras.layers.Reshape((-1, 16), name="regressors")(r),
            "classificators": keras.layers.Reshape((-1, 1), name="classificators")(c),
        }
        super().__init__(inputs=image, outputs=outputs, **kwargs)
        self._set_config(input_size=input_size, data_format=df)

    @property
    def num_anchors(self):
        return (self.input_size // 4) ** 2

    def anchors(self):
        """Anchor centres `(N, 2)` (x, y in [0, 1]) in the order of the outputs."""
        from zoo.models.blazeface.decode import ssd_anchors

        return ssd_anchors(self.input_size, self.anchor_strides, per_layer=self.anchors_per_layer)

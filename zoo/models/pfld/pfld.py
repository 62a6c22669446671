import keras

from zoo.layers import InvertedResidual, PFLDHead
from zoo.models._base import ZooModel
from zoo.models._regressor import conv_bn_relu, regressor_input


def _channels(n, width):
    return max(8, int(round(n * width / 4.0)) * 4)


@keras.saving.register_keras_serializable(package="zoo")
class PFLD(ZooModel):
    """PFLD: a MobileNetV2 backbone with a multi-scale fully-connected landmark head and an
    auxiliary head-pose branch (three Euler angles, used by the loss during training).

    Input: `(B, S, S, 3)` face crops in [0, 1] (S = 112 in the paper). Outputs a dict:
    `"landmarks"` `(B, n_points, 2)` in normalised crop coordinates (pixel / S), `"pose"`
    `(B, 3)` (pitch, yaw, roll in radians), and with `visibility=True` `"visibility"`
    `(B, n_points)` (sigmoid, 1 = visible).

    Args:
        width: width multiplier (1.0 = PFLD 1x, 0.25 = PFLD 0.25x).
        input_size: crop side S.
        n_points: landmarks (68).
        visibility: add the per-landmark visibility head (beyond the paper).
        visibility_from: what the visibility head reads: `"pooled"` (the landmark head's
            globally pooled multi-scale features: little to tell *where* an occluder is) or
            `"map"` (a 1x1 conv of the 1/8 feature map, flattened: keeps the layout).
        border: pixels cut from each side of the input first: the network reads the central
            `input_size - 2 border` pixels (a tighter framing of the same face crop, at a
            higher resolution); the landmarks stay normalised to the whole input.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = PFLD(width=0.25)
    >>> m(keras.ops.zeros((1, 112, 112, 3)))["landmarks"].shape
    (1, 68, 2)

    Reference:
        Guo et al. "PFLD: A Practical Facial Landmark Detector", arXiv:1902.10859, 2019.
    """

    def __init__(self, width=1.0, input_size=112, n_points=68, visibility=False, border=0, data_format=None,
                 visibility_from="pooled", **kwargs):
        if not (0 < float(width) <= 4):
            raise ValueError(f"`width` must be in (0, 4]. Received: width={width!r}")
        if visibility_from not in ("pooled", "map"):
            raise ValueError(f"`visibility_from` must be 'pooled' or 'map'. Received: visibility_from={visibility_from!r}")
        image, df = regressor_input(input_size, data_format)
        border = int(border)
        inner = input_size - 2 * border
        if border < 0 or inner < 32 or inner % 16:
            raise ValueError(f"PFLD's `input_size - 2 * border` must be a multiple of 16 (>= 32). "
                             f"Received: input_size={input_size!r}, border={border!r}")
        c = lambda n: _channels(n, float(width))  # noqa: E731
        x = keras.layers.Cropping2D(border, data_format=df, name="frame")(image) if border else image
        x = keras.layers.Rescaling(2.0, offset=-1.0, name="to_pm1")(x)
        x = conv_bn_relu(x, c(64), 3, 2, df, "conv1")
        x = conv_bn_relu(x, c(64), 3, 1, df, "conv2_dw", depthwise=True)
        x = InvertedResidual(c(64), 2, 2, data_format=df, name="block3_1")(x)
        for i in range(2, 6):
            x = InvertedResidual(c(64), 2, 1, data_format=df, name=f"block3_{i}")(x)
        aux_in = x  # 1/4 resolution, feeds the pose branch
        x = InvertedResidual(c(128), 2, 2, data_format=df, name="block4_1")(x)
        for i in range(1, 7):
            x = InvertedResidual(c(128), 4, 1, data_format=df, name=f"block5_{i}")(x)
        map8 = x  # 1/8 resolution: what the head and a layout-aware visibility head read
        head = PFLDHead(n_points, c(16), c(32), c(128), data_format=df, name="pfld_head")(map8)
        features = head["features"]
        outputs = {"landmarks": keras.layers.Identity(name="landmarks")(head["landmarks"])}

        a = conv_bn_relu(aux_in, c(128), 3, 2, df, "aux_conv1")
        a = conv_bn_relu(a, c(128), 3, 1, df, "aux_conv2")
        a = conv_bn_relu(a, c(32), 3, 2, df, "aux_conv3")
        a = conv_bn_relu(a, c(128), 7, 1, df, "aux_conv4")
        a = keras.layers.GlobalMaxPooling2D(data_format=df, name="aux_pool")(a)
        a = keras.layers.Dense(32, activation="relu", name="aux_fc1")(a)
        outputs["pose"] = keras.layers.Dense(3, name="pose")(a)
        if visibility:
            v = features
            if visibility_from == "map":
                v = conv_bn_relu(map8, 16, 1, 1, df, "visibility_conv")
                v = keras.layers.Flatten(data_format=df, name="visibility_flat")(v)
            outputs["visibility"] = keras.layers.Dense(n_points, activation="sigmoid", name="visibility")(v)
        super().__init__(inputs=image, outputs=outputs, **kwargs)
        self._set_config(width=float(width), input_size=input_size, n_points=n_points, visibility=bool(visibility), border=border,
                         data_format=df, **({"visibility_from": visibility_from} if visibility_from != "pooled" else {}))

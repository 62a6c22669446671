"""An occluder segmenter: where on a face crop something covers the face."""

import keras

from zoo.models._base import ZooModel
from zoo.models._regressor import conv_bn_relu, regressor_input
from zoo.models.mobilenet_v2 import IMAGENET_MEAN, IMAGENET_STD, mobilenet_v2_features
from zoo.layers import ChannelAffine


@keras.saving.register_keras_serializable(package="zoo")
class OccluderSegNet(ZooModel):
    """Per-cell probability that an occluder covers the face, on a stride-8 grid of the crop.

    A MobileNetV2 laid out as torchvision's (ImageNet weights load one to one) with a small FPN
    (stride 32 -> 16 -> 8) and a 1x1 logit head. It knows nothing of landmarks: the cascade
    reads a component as occluded by the share of its region that the map covers, so the
    decision does not depend on how well the regressor located the occluded points, and the
    map itself can be the hole the restorer fills.

    Input: `(B, S, S, 3)` in [0, 1] (the project's 1.6x face crop). Outputs a dict:
    `"occlusion"` `(B, S/8, S/8, 1)` probabilities (channels_first: `(B, 1, S/8, S/8)`) and
    `"logits"` (the same before the sigmoid, for the loss).

    Args:
        input_size: crop side S (a multiple of 32).
        head_channels: channels of the FPN.
        width: MobileNetV2 width multiplier (ImageNet weights exist for 1.0 only).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = OccluderSegNet()
    >>> m(keras.ops.zeros((1, 128, 128, 3)))["occlusion"].shape
    (1, 16, 16, 1)

    Reference: Sandler et al. "MobileNetV2", CVPR 2018; Lin et al. "Feature Pyramid Networks",
    CVPR 2017.
    """

    def __init__(self, input_size=128, head_channels=64, width=1.0, data_format=None, **kwargs):
        image, df = regressor_input(input_size, data_format)
        if input_size % 32:
            raise ValueError(f"`input_size` must be a multiple of 32. Received: input_size={input_size}")
        x = ChannelAffine([1.0 / s for s in IMAGENET_STD], [-m / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD)], data_format=df,
                          name="imagenet_norm")(image)
        feats = mobilenet_v2_features(x, float(width), df, prefix="mnv2", last_block=17)
        h = conv_bn_relu(feats[32], head_channels, 1, 1, df, "fpn_top")
        for s in (16, 8):
            h = keras.layers.UpSampling2D(2, data_format=df, name=f"fpn_up{s}")(h)
            lat = conv_bn_relu(feats[s], head_channels, 1, 1, df, f"fpn_lat{s}", relu=False)
            h = keras.layers.Add(name=f"fpn_add{s}")([h, lat])
            h = conv_bn_relu(h, head_channels, 3, 1, df, f"fpn_smooth{s}")
        logits = keras.layers.Conv2D(1, 1, data_format=df, bias_initializer=keras.initializers.Constant(-2.0), name="logits")(h)
        prob = keras.layers.Activation("sigmoid", name="occlusion")(logits)
        super().__init__(inputs=image, outputs={"occlusion": prob, "logits": logits}, **kwargs)
        self._set_config(input_size=input_size, head_channels=head_channels, width=float(width), data_format=df)

    def load_imagenet_backbone(self, path=None):
        """Initialise the backbone from torchvision's ImageNet MobileNetV2 (see
        `zoo.models.mobilenet_v2.convert`). Returns the file's path."""
        from zoo.models.mobilenet_v2 import convert

        if self._zoo_config["width"] != 1.0:
            raise ValueError(f"ImageNet weights exist for width 1.0 only; this segmenter has width {self._zoo_config['width']}")
        path = path or convert.find_imagenet_weights()
        convert.load_torchvision_weights(self, convert.read_state_dict(path), prefix="mnv2", last_block=17)
        return path

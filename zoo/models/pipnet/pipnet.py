import keras

from zoo.layers import ChannelAffine, PIPNetHead, PIPNetNeighbourHead, nearest_neighbours
from zoo.layers.heatmap_decode import check_neighbours
from zoo.models._base import ZooModel
from zoo.models._regressor import conv_bn_relu, regressor_input
from zoo.models.mobilenet_v2 import IMAGENET_MEAN, IMAGENET_STD, mobilenet_v2_features


@keras.saving.register_keras_serializable(package="zoo")
class PIPNet(ZooModel):
    """A heatmap + offset landmark regressor (PIPNet's head, with its neighbour regression when
    `neighbours` is given) on a MobileNetV2 backbone laid out as torchvision's (so its ImageNet weights load one to one).

    The input is the project's face crop (a square of 1.6x the landmark box, as every zoo
    regressor reads); the network first cuts `border` pixels off each side, so it sees a
    tighter framing (160 px with border 16: the central 128 px, 1.28x the box) at a higher
    resolution than the crop-squeezing regressors. A small FPN (stride 32 upsampled onto
    stride 16, and onto stride 8 with `head_stride=8`) feeds three 1x1 heads on the
    `G x G` grid: a score per cell and landmark (trained with a softmax over cells) and the
    x / y offsets inside the cell. `HeatmapDecode` turns them into coordinates. With
    `neighbours`, a `PIPNetNeighbourHead` beside it predicts at each landmark's cell its K
    nearest landmarks' offsets too (PIPNet's NRM), and the output landmarks are each point's own
    position averaged with those its neighbours predict for it.

    Input: `(B, S, S, 3)` in [0, 1]. Outputs a dict: `"landmarks"` `(B, K, 2)` normalised to the
    input crop, `"confidence"` `(B, K)` (softmax probability of each point's best cell: low on
    occluded points), `"heatmap"`, `"offset_x"`, `"offset_y"` (the raw maps, for the loss), and with neighbours
    `"neighbour_x"`, `"neighbour_y"`.

    Args:
        input_size: crop side S.
        border: pixels cut from each side before the backbone (S - 2 border: a multiple of 32).
        n_points: landmarks (68).
        head_stride: 16 or 8 (grid cell in pixels of the cut crop).
        head_channels: channels of the FPN and head.
        neighbours: None (no neighbour regression), an int K (each landmark's K nearest on the
            project's mean 68-point shape, `zoo/assets/mean_shape68.json`) or an explicit `(N, K)`
            list of indices (what the config stores).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = PIPNet()
    >>> m(keras.ops.zeros((1, 160, 160, 3)))["landmarks"].shape
    (1, 68, 2)

    Reference:
        Jin et al. "Pixel-in-Pixel Net: Towards Efficient Facial Landmark Detection in the
        Wild", IJCV 2021; Sandler et al. "MobileNetV2", CVPR 2018.
    """

    def __init__(self, input_size=160, border=16, n_points=68, head_stride=16, head_channels=128, neighbours=None, data_format=None,
                 **kwargs):
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
        head = PIPNetHead(n_points, head_stride, border, input_size, data_format=df, name="pipnet_head")(h)
        neighbours = _neighbour_list(neighbours, n_points)
        if neighbours is not None:
            nrm = PIPNetNeighbourHead(neighbours, head_stride, border, input_size, data_format=df, name="pipnet_neighbours")(
                [h, head["heatmap"], head["offset_x"], head["offset_y"]])
            head = {**head, **nrm}
        keys = ("landmarks", "confidence", "heatmap", "offset_x", "offset_y") + (("neighbour_x", "neighbour_y") if neighbours else ())
        outputs = {k: keras.layers.Identity(name=k)(head[k]) for k in keys}
        super().__init__(inputs=image, outputs=outputs, **kwargs)
        self._set_config(input_size=input_size, border=border, n_points=n_points, head_stride=head_stride,
                         head_channels=head_channels, data_format=df, **({"neighbours": neighbours} if neighbours else {}))

    def load_imagenet_backbone(self, path=None):
        """Initialise the backbone from torchvision's ImageNet MobileNetV2 (the registry package's
        file, see `zoo.models.mobilenet_v2.convert`). Returns the file's path."""
        from zoo.models.mobilenet_v2 import convert

        path = path or convert.find_imagenet_weights()
        convert.load_torchvision_weights(self, convert.read_state_dict(path), prefix="mnv2", last_block=17)
        return path


def _neighbour_list(neighbours, n_points):
    """`neighbours` (None, an int K or an `(N, K)` list) as an `(N, K)` list of ints, or None."""
    if neighbours is None or (isinstance(neighbours, int) and not isinstance(neighbours, bool) and neighbours == 0):
        return None
    if isinstance(neighbours, int) and not isinstance(neighbours, bool):
        if n_points != 68:
            raise ValueError(f"`neighbours={neighbours}` picks neighbours on the 68-point mean shape; with n_points={n_points} "
                             "pass an explicit (n_points, K) list")
        from zoo.data.shape_model import mean_shape

        return nearest_neighbours(mean_shape(), neighbours).tolist()
    return check_neighbours(neighbours, n_points).tolist()

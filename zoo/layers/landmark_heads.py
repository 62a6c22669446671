"""Landmark heads as layers: each maps a backbone's feature map (and, for a cascade stage, the
current shape) to landmarks, so any backbone can carry them.

- `PFLDHead`: PFLD's multi-scale fully-connected head.
- `DRNStage`: one shape-indexed regression step of DRDA's cascade, `S + Phi(phi(I, S))`.
- `PIPNetHead`: PIPNet's heatmap + offset head with its decoding and per-point confidence.
- `PIPNetNeighbourHead`: PIPNet's neighbour regression beside a `PIPNetHead`.

Each returns its outputs in normalised crop coordinates (pixel / crop side), `(B, K, 2)`.
"""

import keras
import numpy as np
from keras import ops

from zoo.layers._utils import channel_axis, check_data_format, check_positive_int
from zoo.layers.heatmap_decode import HeatmapConfidence, HeatmapDecode, NeighbourDecode, check_neighbours
from zoo.layers.inverted_residual import InvertedResidual
from zoo.layers.shape_indexed_patches import ShapeIndexedPatches
from zoo.layers.shape_perturbation import ShapePerturbation
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class PFLDHead(keras.layers.Layer):
    """PFLD's multi-scale landmark head on a feature map (stride 8 in PFLD): S1 = an inverted
    residual block, S2 = a stride-2 3x3 conv of S1, S3 = a conv over the whole S2 map (the
    paper's 7x7 valid conv at 112 px); each is globally average-pooled, the three concatenated
    and mapped by one dense layer to the landmarks (initialised at the crop centre).

    Input: a feature map `(B, H, W, C)` (channels_last) or `(B, C, H, W)`. Output: a dict,
    `"landmarks"` `(B, n_points, 2)` and `"features"` (the pooled multi-scale vector, for heads
    beside it such as a visibility head).

    Args:
        n_points: landmarks (68).
        s1_channels, s2_channels, s3_channels: channels of the three scales.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> PFLDHead(68)(keras.ops.zeros((2, 14, 14, 32)))["landmarks"].shape
    (2, 68, 2)

    Reference:
        Guo et al. "PFLD: A Practical Facial Landmark Detector", arXiv:1902.10859, 2019.
    """

    def __init__(self, n_points=68, s1_channels=16, s2_channels=32, s3_channels=128, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.n_points = check_positive_int("n_points", n_points)
        self.s1_channels = check_positive_int("s1_channels", s1_channels)
        self.s2_channels = check_positive_int("s2_channels", s2_channels)
        self.s3_channels = check_positive_int("s3_channels", s3_channels)
        self.data_format = check_data_format(data_format)
        df, ax = self.data_format, channel_axis(self.data_format)
        self.block6 = InvertedResidual(self.s1_channels, 2, 1, data_format=df, name="block6")
        self.conv7 = keras.layers.Conv2D(self.s2_channels, 3, strides=2, padding="same", use_bias=False, data_format=df, name="conv7")
        self.conv7_bn = keras.layers.BatchNormalization(axis=ax, name="conv7_bn")
        self.pool = keras.layers.GlobalAveragePooling2D(data_format=df)
        self.landmarks_dense = keras.layers.Dense(2 * self.n_points, bias_initializer=keras.initializers.Constant(0.5),
                                                  name="landmarks_dense")
        self.conv8 = None

    def build(self, input_shape):
        spatial = input_shape[1:3] if self.data_format == "channels_last" else input_shape[2:4]
        if any(s is None for s in spatial):
            raise ValueError(f"PFLDHead needs a feature map of known size (S3 convolves the whole map). Received: {input_shape}")
        s2 = -(-int(spatial[0]) // 2)
        # S3: one conv over the whole S2 map
        self.conv8 = keras.layers.Conv2D(self.s3_channels, s2, padding="valid", data_format=self.data_format, name="conv8")
        b = input_shape[0]
        s2w = -(-int(spatial[1]) // 2)
        shape = lambda c, h, w: (b, h, w, c) if self.data_format == "channels_last" else (b, c, h, w)  # noqa: E731
        self.block6.build(tuple(input_shape))
        self.conv7.build(shape(self.s1_channels, int(spatial[0]), int(spatial[1])))
        self.conv7_bn.build(shape(self.s2_channels, s2, s2w))
        self.conv8.build(shape(self.s2_channels, s2, s2w))
        self.landmarks_dense.build((b, self.s1_channels + self.s2_channels + self.s3_channels))

    def call(self, x, training=None):
        s1 = self.block6(x, training=training)
        s2 = ops.relu(self.conv7_bn(self.conv7(s1), training=training))
        s3 = ops.relu(self.conv8(s2))
        features = ops.concatenate([self.pool(s1), self.pool(s2), self.pool(s3)], axis=-1)
        landmarks = ops.reshape(self.landmarks_dense(features), (-1, self.n_points, 2))
        return {"landmarks": landmarks, "features": features}

    def get_config(self):
        return {**super().get_config(), "n_points": self.n_points, "s1_channels": self.s1_channels,
                "s2_channels": self.s2_channels, "s3_channels": self.s3_channels, "data_format": self.data_format}


@keras.saving.register_keras_serializable(package="zoo")
class DRNStage(keras.layers.Layer):
    """One stage of DRDA's cascaded regression, `S_{t+1} = S_t + Phi_t(phi(I, S_t))`: patches
    of a feature map sampled around the current landmarks (`ShapeIndexedPatches`), encoded by a
    small CNN shared over landmarks, and one hidden layer regressing the shape update
    (initialised at zero: a new stage starts as the identity). During training the input shape
    is jittered first (`ShapePerturbation`), so the stage learns to correct shapes worse than the
    previous stage's.

    Inputs `[features, shape]`: a feature map and the current shape `(B, K, 2)` (normalised
    coordinates). Output: the refined shape `(B, K, 2)`.

    Args:
        n_points: landmarks K.
        patch_size: samples per patch side.
        patch_extent: patch side as a fraction of the crop.
        hidden: units of the regression layer.
        local_filters: channels of the patch encoder.
        perturbation: std of the per-point jitter at training (shift the same, scale twice; 0: off).
        data_format: layout of the feature map (default: keras config).

    Example:
    >>> DRNStage(68)([keras.ops.zeros((2, 56, 56, 32)), keras.ops.full((2, 68, 2), 0.5)]).shape
    (2, 68, 2)

    Reference:
        Zhang, Kan, Shan, Chen. "Occlusion-Free Face Alignment: Deep Regression Networks Coupled
        With De-Corrupt AutoEncoders", CVPR 2016.
    """

    def __init__(self, n_points=68, patch_size=8, patch_extent=0.16, hidden=128, local_filters=32, perturbation=0.01,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.n_points = check_positive_int("n_points", n_points)
        if isinstance(patch_size, bool) or not isinstance(patch_size, int) or patch_size < 4 or patch_size % 4:
            raise ValueError(f"`patch_size` must be a multiple of 4 (>= 4). Received: patch_size={patch_size!r}")
        self.patch_size = patch_size
        self.patch_extent = float(patch_extent)
        self.hidden = check_positive_int("hidden", hidden)
        self.local_filters = check_positive_int("local_filters", local_filters)
        self.perturbation = float(perturbation)
        self.data_format = check_data_format(data_format, convolutions=False)
        p = self.perturbation
        self.perturb = ShapePerturbation(p, p, 2 * p, name="perturb")
        self.patches = ShapeIndexedPatches(patch_size, self.patch_extent, data_format=self.data_format, name="patches")
        conv = lambda n: keras.layers.TimeDistributed(keras.layers.Conv2D(  # noqa: E731
            self.local_filters, 3, strides=2, padding="same", activation="relu", data_format="channels_last"), name=n)
        self.local_conv1, self.local_conv2 = conv("local_conv1"), conv("local_conv2")
        self.fc = keras.layers.Dense(self.hidden, activation="relu", name="fc")
        self.delta = keras.layers.Dense(2 * self.n_points, kernel_initializer="zeros", name="delta")

    def build(self, input_shape):
        fshape, _ = input_shape
        c = fshape[-1] if self.data_format == "channels_last" else fshape[1]
        p, q, f, k = self.patch_size, self.patch_size // 4, self.local_filters, self.n_points
        self.local_conv1.build((None, k, p, p, c))
        self.local_conv2.build((None, k, p // 2, p // 2, f))
        self.fc.build((None, k * q * q * f))
        self.delta.build((None, self.hidden))

    def call(self, inputs, training=None):
        features, shape = inputs
        s_in = self.perturb(shape, training=training)
        p = self.local_conv2(self.local_conv1(self.patches([features, s_in])))
        q = self.patch_size // 4  # two stride-2 convs
        h = self.fc(ops.reshape(p, (-1, self.n_points * q * q * self.local_filters)))
        return s_in + ops.reshape(self.delta(h), (-1, self.n_points, 2))

    def get_config(self):
        return {**super().get_config(), "n_points": self.n_points, "patch_size": self.patch_size, "patch_extent": self.patch_extent,
                "hidden": self.hidden, "local_filters": self.local_filters, "perturbation": self.perturbation,
                "data_format": self.data_format}


@keras.saving.register_keras_serializable(package="zoo")
class PIPNetHead(keras.layers.Layer):
    """PIPNet's head on a `G x G` feature map: three 1x1 convs give, per cell and landmark, a
    score (trained with a softmax over cells) and the x / y offsets inside the cell;
    `HeatmapDecode` turns the best cell and its offset into coordinates, `HeatmapConfidence`
    gives the best cell's probability (low on occluded or ambiguous points).

    Input: a feature map whose cell is `stride` pixels of the crop, starting `border` pixels in.
    Output: a dict, `"landmarks"` `(B, K, 2)` normalised to the `input_size` crop,
    `"confidence"` `(B, K)`, and the raw maps `"heatmap"`, `"offset_x"`, `"offset_y"` (for the loss).

    Args:
        n_points: landmarks K.
        stride: crop pixels per cell.
        border: crop pixels before the first cell (what the backbone cut off each side).
        input_size: the crop side the coordinates are normalised to.
        data_format: layout of the feature map (default: keras config).

    Example:
    >>> PIPNetHead(68, stride=16, input_size=128)(keras.ops.zeros((1, 8, 8, 96)))["landmarks"].shape
    (1, 68, 2)

    Reference:
        Jin et al. "Pixel-in-Pixel Net: Towards Efficient Facial Landmark Detection in the Wild", IJCV 2021.
    """

    def __init__(self, n_points=68, stride=16, border=0, input_size=128, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.n_points = check_positive_int("n_points", n_points)
        self.stride = check_positive_int("stride", stride)
        self.border = int(border)
        self.input_size = check_positive_int("input_size", input_size)
        self.data_format = check_data_format(data_format)
        df, k = self.data_format, self.n_points
        self.heatmap = keras.layers.Conv2D(k, 1, data_format=df, name="heatmap")
        half = keras.initializers.Constant(0.5)
        self.offset_x = keras.layers.Conv2D(k, 1, data_format=df, bias_initializer=half, name="offset_x")
        self.offset_y = keras.layers.Conv2D(k, 1, data_format=df, bias_initializer=half, name="offset_y")
        self.decode = HeatmapDecode(self.stride, self.border, self.input_size, data_format=df, name="decode")
        self.confidence = HeatmapConfidence(data_format=df, name="confidence")

    def build(self, input_shape):
        for conv in (self.heatmap, self.offset_x, self.offset_y):
            conv.build(tuple(input_shape))

    def call(self, x):
        heat, ox, oy = self.heatmap(x), self.offset_x(x), self.offset_y(x)
        return {"landmarks": self.decode([heat, ox, oy]), "confidence": self.confidence(heat), "heatmap": heat,
                "offset_x": ox, "offset_y": oy}

    def get_config(self):
        return {**super().get_config(), "n_points": self.n_points, "stride": self.stride, "border": self.border,
                "input_size": self.input_size, "data_format": self.data_format}


@keras.saving.register_keras_serializable(package="zoo")
class PIPNetNeighbourHead(keras.layers.Layer):
    """PIPNet's neighbour regression module (NRM), beside a `PIPNetHead` on the same feature map:
    two 1x1 convs predict, per cell and landmark `m`, the x / y offsets (in cells, from the cell's
    origin) of each of `m`'s `K` neighbours; `NeighbourDecode` averages each landmark's own
    position with those its neighbours predict for it, which keeps the shape consistent where a
    point's own cell is wrong (occluded, blurred). A separate layer, so a `PIPNetHead` trained
    without it keeps its weights.

    Input: `[features, heatmap, offset_x, offset_y]` (the features and the `PIPNetHead`'s maps).
    Output: a dict, `"landmarks"` `(B, N, 2)` (merged, normalised to the `input_size` crop) and
    the raw maps `"neighbour_x"`, `"neighbour_y"` (`N * K` channels, for the loss).

    Args:
        neighbours: `(N, K)` neighbour indices (e.g. `nearest_neighbours(mean_shape(), 10)`).
        stride, border, input_size, data_format: as `PIPNetHead`.

    Example:
    >>> nb = [[(i + 1) % 4, (i + 2) % 4] for i in range(4)]
    >>> f, h = keras.ops.zeros((1, 8, 8, 16)), keras.ops.zeros((1, 8, 8, 4))
    >>> PIPNetNeighbourHead(nb, stride=16, input_size=128)([f, h, h, h])["neighbour_x"].shape
    (1, 8, 8, 8)

    Reference:
        Jin et al. "Pixel-in-Pixel Net: Towards Efficient Facial Landmark Detection in the Wild", IJCV 2021 (section 3.2).
    """

    def __init__(self, neighbours, stride=16, border=0, input_size=128, data_format=None, **kwargs):
        super().__init__(**kwargs)
        nb = np.asarray(neighbours)
        self.neighbours = check_neighbours(nb, nb.shape[0] if nb.ndim == 2 else -1)
        self.stride = check_positive_int("stride", stride)
        self.border = int(border)
        self.input_size = check_positive_int("input_size", input_size)
        self.data_format = check_data_format(data_format)
        df, c = self.data_format, self.neighbours.size
        self.neighbour_x = keras.layers.Conv2D(c, 1, data_format=df, name="neighbour_x")
        self.neighbour_y = keras.layers.Conv2D(c, 1, data_format=df, name="neighbour_y")
        self.decode = NeighbourDecode(self.neighbours, self.stride, self.border, self.input_size, data_format=df, name="decode")

    def build(self, input_shape):
        for conv in (self.neighbour_x, self.neighbour_y):
            conv.build(tuple(input_shape[0]))

    def call(self, inputs):
        x, heat, ox, oy = inputs
        nx, ny = self.neighbour_x(x), self.neighbour_y(x)
        return {"landmarks": self.decode([heat, ox, oy, nx, ny]), "neighbour_x": nx, "neighbour_y": ny}

    def get_config(self):
        return {**super().get_config(), "neighbours": self.neighbours.tolist(), "stride": self.stride, "border": self.border,
                "input_size": self.input_size, "data_format": self.data_format}


register("layer", "PFLDHead", "PFLD's multi-scale FC landmark head (S1/S2/S3 pooled, one dense layer) on any feature map", PFLDHead)
register("layer", "DRNStage", "one shape-indexed regression step of DRDA's cascade: S + Phi(patches of a feature map at S)", DRNStage)
register("layer", "PIPNetHead", "PIPNet's heatmap + offset head with its decoding and per-point confidence, on any feature map", PIPNetHead)
register("layer", "PIPNetNeighbourHead", "PIPNet's neighbour regression: each landmark's cell predicts its K neighbours' offsets, merged at decoding",
         PIPNetNeighbourHead)

import keras
from keras import ops

from zoo.layers._utils import check_data_format, check_positive_int
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class ShapeIndexedPatches(keras.layers.Layer):
    """Shape-indexed features: bilinearly samples a `patch_size` x `patch_size` patch of a
    feature map around every landmark of the current shape (keras.ops gathers, every backend).

    Called as `layer([features, shape])` with `features` `(B, H, W, C)` (or channels first) and
    `shape` `(B, K, 2)` in normalised image coordinates (x, y in [0, 1] of the image the feature
    map covers). Returns `(B, K, patch_size, patch_size, C)`. The sampling grid spans
    `patch_extent` (a fraction of the image side) around each point; samples outside the map
    are clamped to its border. The shape is treated as a constant (no gradient flows into the
    sampling positions), as in cascaded regression where each stage is given its input shape.

    Args:
        patch_size: samples per side.
        patch_extent: side of the sampled square as a fraction of the image side.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> feats, shape = keras.random.normal((2, 28, 28, 8)), keras.random.uniform((2, 68, 2))
    >>> ShapeIndexedPatches(4, 0.15)([feats, shape]).shape
    (2, 68, 4, 4, 8)

    Reference:
        Zhang et al. "Occlusion-Free Face Alignment: Deep Regression Networks Coupled With
        De-Corrupt AutoEncoders", CVPR 2016; Ren et al. "Face Alignment at 3000 FPS via
        Regressing Local Binary Features" (shape-indexed features), CVPR 2014.
    """

    def __init__(self, patch_size=8, patch_extent=0.15, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = check_positive_int("patch_size", patch_size)
        if not (0 < float(patch_extent) <= 1):
            raise ValueError(f"`patch_extent` must be in (0, 1]. Received: patch_extent={patch_extent!r}")
        self.patch_extent = float(patch_extent)
        self.data_format = check_data_format(data_format, convolutions=False)

    def call(self, inputs):
        features, shape = inputs
        if self.data_format == "channels_first":
            features = ops.transpose(features, (0, 2, 3, 1))
        shape = ops.stop_gradient(ops.cast(shape, features.dtype))
        fshape = ops.shape(features)
        b, h, w, c = fshape[0], fshape[1], fshape[2], fshape[3]
        k = ops.shape(shape)[1]
        p = self.patch_size
        # Offsets of the p x p grid, in normalised units, centred on the point.
        steps = (ops.arange(p, dtype=features.dtype) + 0.5) / p - 0.5
        offs = steps * self.patch_extent
        gx = shape[:, :, 0, None, None] + offs[None, None, None, :]  # (B, K, 1, p)
        gy = shape[:, :, 1, None, None] + offs[None, None, :, None]  # (B, K, p, 1)
        gx = ops.broadcast_to(gx, (b, k, p, p))
        gy = ops.broadcast_to(gy, (b, k, p, p))
        wf, hf = ops.cast(w, features.dtype), ops.cast(h, features.dtype)
        # Normalised -> feature-map pixel centres.
        x = ops.clip(gx * wf - 0.5, 0.0, wf - 1.0)
        y = ops.clip(gy * hf - 0.5, 0.0, hf - 1.0)
        x0, y0 = ops.floor(x), ops.floor(y)
        x1, y1 = ops.minimum(x0 + 1.0, wf - 1.0), ops.minimum(y0 + 1.0, hf - 1.0)
        ax, ay = x - x0, y - y0
        flat = ops.reshape(features, (-1, c))
        base = ops.reshape(ops.arange(b, dtype="int32") * (h * w), (-1, 1, 1, 1))

        def gather(yy, xx):
            idx = base + ops.cast(yy, "int32") * w + ops.cast(xx, "int32")
            return ops.reshape(ops.take(flat, ops.reshape(idx, (-1,)), axis=0), (b, k, p, p, c))

        wa = ((1 - ax) * (1 - ay))[..., None]
        wb = (ax * (1 - ay))[..., None]
        wc = ((1 - ax) * ay)[..., None]
        wd = (ax * ay)[..., None]
        return wa * gather(y0, x0) + wb * gather(y0, x1) + wc * gather(y1, x0) + wd * gather(y1, x1)

    def compute_output_shape(self, input_shape):
        fshape, sshape = input_shape
        c = fshape[-1] if self.data_format == "channels_last" else fshape[1]
        return (fshape[0], sshape[1], self.patch_size, self.patch_size, c)

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size, "patch_extent": self.patch_extent, "data_format": self.data_format})
        return config


register("layer", "ShapeIndexedPatches", "bilinear patches of a feature map around each current landmark (DRN's shape-indexed features)", ShapeIndexedPatches)

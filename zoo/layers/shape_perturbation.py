import keras
from keras import ops

from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class ShapePerturbation(keras.layers.Layer):
    """Random perturbation of a `(B, K, 2)` shape during training only (identity at inference):
    a per-shape translation and scale jitter plus per-point Gaussian noise, so a cascade stage
    learns to correct shapes worse than the previous stage's typical output.

    Args:
        point_sigma: std of the per-point noise (normalised units).
        shift_sigma: std of the per-shape translation.
        scale_sigma: std of the per-shape log-scale about the shape's centre.
        seed: int seed.

    Example:
    >>> ShapePerturbation(0.01)(keras.random.uniform((2, 68, 2)), training=True).shape
    (2, 68, 2)

    Reference:
        Dollár et al. "Cascaded Pose Regression", CVPR 2010 (training on perturbed shapes).
    """

    def __init__(self, point_sigma=0.01, shift_sigma=0.02, scale_sigma=0.05, seed=None, **kwargs):
        super().__init__(**kwargs)
        for name, v in (("point_sigma", point_sigma), ("shift_sigma", shift_sigma), ("scale_sigma", scale_sigma)):
            if v < 0:
                raise ValueError(f"`{name}` must be >= 0. Received: {name}={v!r}")
        self.point_sigma, self.shift_sigma, self.scale_sigma = float(point_sigma), float(shift_sigma), float(scale_sigma)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, shape, training=None):
        if not training:
            return shape
        b = ops.shape(shape)[0]
        centre = ops.mean(shape, axis=1, keepdims=True)
        scale = ops.exp(keras.random.normal((b, 1, 1), stddev=self.scale_sigma, seed=self.seed_generator))
        shift = keras.random.normal((b, 1, 2), stddev=self.shift_sigma, seed=self.seed_generator)
        noise = keras.random.normal(ops.shape(shape), stddev=self.point_sigma, seed=self.seed_generator)
        return ops.stop_gradient((shape - centre) * scale + centre + shift + noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "point_sigma": self.point_sigma, "shift_sigma": self.shift_sigma,
                "scale_sigma": self.scale_sigma, "seed": self.seed}


register("layer", "ShapePerturbation", "training-only jitter of a (B, K, 2) shape: shift, scale and per-point noise", ShapePerturbation)

import keras
from keras import ops

from zoo.data.shape68 import OUTER_EYE_CORNERS


@keras.saving.register_keras_serializable(package="zoo")
class NMEMetric(keras.metrics.Metric):
    """Mean inter-ocular NME as a Keras metric for `fit` (keras.ops only, every backend).

    Expects `y_true`, `y_pred` of shape `(batch, 68, 2)` (or flattened `(batch, 136)`) in the
    same frame; normalises each image by the distance of the outer eye corners (36, 45).

    Example:
    >>> model.compile(optimizer="adam", loss="mse", metrics=[NMEMetric()])
    """

    def __init__(self, name="nme", eye_corners=OUTER_EYE_CORNERS, **kwargs):
        super().__init__(name=name, **kwargs)
        self.eye_corners = tuple(eye_corners)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.reshape(ops.cast(y_true, "float32"), (-1, 68, 2))
        y_pred = ops.reshape(ops.cast(y_pred, "float32"), (-1, 68, 2))
        err = ops.mean(ops.sqrt(ops.sum(ops.square(y_pred - y_true), axis=-1)), axis=-1)
        a, b = self.eye_corners
        d = ops.sqrt(ops.sum(ops.square(y_true[:, a] - y_true[:, b]), axis=-1))
        per_image = err / ops.maximum(d, 1e-6)
        self.total.assign_add(ops.sum(per_image))
        self.count.assign_add(ops.cast(ops.shape(per_image)[0], "float32"))

    def result(self):
        return self.total / ops.maximum(self.count, 1.0)

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)

    def get_config(self):
        return {**super().get_config(), "eye_corners": list(self.eye_corners)}

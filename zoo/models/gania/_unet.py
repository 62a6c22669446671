"""The encoder / dilated middle / decoder graph shared by GANIAGenerator and
DecorruptAutoencoder (the autoencoder is the same graph with skip, dilation and attention off)."""

import keras
from keras import ops

from zoo.layers import DilatedBlock, DownBlock, SelfAttention2D, UpBlock
from zoo.layers._utils import channel_axis
from zoo.models._base import image_input

# Downsampling factor of each encoder level: full, 1/2, 1/4, 1/8.
LEVEL_FACTORS = (1, 2, 4, 8)


def level_filters(base_filters):
    return (base_filters, 2 * base_filters, 4 * base_filters, 4 * base_filters)


@keras.saving.register_keras_serializable(package="zoo")
class MaskComposite(keras.layers.Layer):
    """`x * (1 - m) + g * m` for a binary mask m, computed as `where(m > 0.5, g, x)` so that
    unmasked pixels of `x` pass through bit-identical (and masked ones are exactly `g`)."""

    def call(self, inputs):
        image, generated, mask = inputs
        return ops.where(ops.greater(mask, 0.5), ops.cast(generated, image.dtype), image)


@keras.saving.register_keras_serializable(package="zoo")
class MaskedInput(keras.layers.Layer):
    """Erases the occluded pixels and appends the mask as a channel: `concat(x * (1 - m), m)`."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or keras.config.image_data_format()

    def call(self, inputs):
        image, mask = inputs
        mask = ops.cast(ops.greater(mask, 0.5), image.dtype)
        return ops.concatenate([image * (1.0 - mask), mask], axis=channel_axis(self.data_format))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def build_unet(
    image_size,
    base_filters,
    attention_at,
    skip,
    dilation_rates,
    upsample,
    activation,
    spectral_norm_attention,
    data_format,
    masked_attention=False,
):
    """Returns (inputs dict, outputs dict) of the inpainting U-Net."""
    df = data_format
    image = image_input(image_size, 3, "image", df)
    mask = image_input(image_size, 1, "mask", df)
    x = MaskedInput(data_format=df, name="masked_input")([image, mask])

    filters = level_filters(base_filters)
    skips = []
    for level, (factor, f) in enumerate(zip(LEVEL_FACTORS, filters)):
        x = DownBlock(
            f,
            kernel_size=5 if level == 0 else 3,
            strides=1 if level == 0 else 2,
            activation=activation,
            data_format=df,
            name=f"down_{factor}",
        )(x)
        skips.append(x)

    if dilation_rates:
        x = DilatedBlock(filters[-1], dilation_rates, activation=activation, data_format=df, name="dilated")(x)

    def attend(x, name):
        layer = SelfAttention2D(spectral_norm=spectral_norm_attention, masked=masked_attention, data_format=df, name=name)
        return layer([x, mask]) if masked_attention else layer(x)

    if 8 in attention_at:
        x = attend(x, "attention_8")

    for level in (2, 1, 0):
        factor = LEVEL_FACTORS[level]
        up_in = [x, skips[level]] if skip else x
        x = UpBlock(filters[level], upsample=upsample, activation=activation, data_format=df, name=f"up_{factor}")(up_in)
        if factor in attention_at:
            x = attend(x, f"attention_{factor}")

    restored = keras.layers.Conv2D(3, 3, padding="same", activation="tanh", data_format=df, name="to_rgb")(x)
    restored = keras.layers.Identity(name="restored")(restored)
    composite = MaskComposite(name="composite")([image, restored, mask])
    return {"image": image, "mask": mask}, {"restored": restored, "composite": composite}

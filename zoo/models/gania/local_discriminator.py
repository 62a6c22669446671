import keras

from zoo.models.gania._discriminator import DiscriminatorBase


@keras.saving.register_keras_serializable(package="zoo")
class LocalDiscriminator(DiscriminatorBase):
    """GAN-IA's local discriminator: judges a patch (128x128 by default) centred on the
    restored region, so local texture is held to a tighter standard than the whole face.

    Same block structure as `GlobalDiscriminator` (strided conv blocks, self-attention, one
    logit), on a patch half the face's size.

    Args:
        patch_size: int, power of two >= 16.
        base_filters: channels of the first block (doubling per block up to `max_filters`).
        max_filters: channel cap.
        attention_at: downsampling factors after which attention is placed.
        spectral_norm: bool, spectral normalisation everywhere.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> d = LocalDiscriminator(patch_size=32, base_filters=8, attention_at=(4,))
    >>> d(keras.ops.zeros((2, 32, 32, 3))).shape
    (2, 1)

    Reference:
        Iizuka et al. "Globally and Locally Consistent Image Completion", SIGGRAPH 2017.
    """

    def __init__(self, patch_size=128, base_filters=32, max_filters=256, attention_at=(8,), spectral_norm=True,
                 data_format=None, **kwargs):
        self._build("patch_size", patch_size, base_filters, max_filters, attention_at, spectral_norm, data_format, **kwargs)

import keras

from zoo.models.gania._discriminator import DiscriminatorBase


@keras.saving.register_keras_serializable(package="zoo")
class GlobalDiscriminator(DiscriminatorBase):
    """GAN-IA's global discriminator: judges the whole face (256x256 by default).

    Strided 5x5 conv blocks (LeakyReLU, spectral norm) down to 4x4, SAGAN self-attention at
    the chosen scales, then one real/fake logit. No pooling.

    Args:
        image_size: int, power of two >= 16.
        base_filters: channels of the first block (doubling per block up to `max_filters`).
        max_filters: channel cap.
        attention_at: downsampling factors (2, 4, ..., size/4) after which attention is placed.
        spectral_norm: bool, spectral normalisation of every conv, attention conv and the logit.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> d = GlobalDiscriminator(image_size=64, base_filters=8)
    >>> d(keras.ops.zeros((2, 64, 64, 3))).shape
    (2, 1)

    Reference:
        Iizuka et al. "Globally and Locally Consistent Image Completion", SIGGRAPH 2017;
        Zhang et al. "Self-Attention GANs", ICML 2019.
    """

    def __init__(self, image_size=256, base_filters=32, max_filters=256, attention_at=(8,), spectral_norm=True,
                 data_format=None, **kwargs):
        self._build("image_size", image_size, base_filters, max_filters, attention_at, spectral_norm, data_format, **kwargs)

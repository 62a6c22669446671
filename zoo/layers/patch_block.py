import keras

from zoo.layers._utils import check_data_format, check_positive_int, check_strides, conv2d, make_activation
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class PatchBlock(keras.layers.Layer):
    """Discriminator block: a strided convolution + LeakyReLU(0.2), no pooling.

    Args:
        filters: int, output channels.
        kernel_size: int (5 in GLCIC's discriminators).
        strides: int, 1 or 2.
        spectral_norm: bool, spectral normalisation of the convolution (SAGAN / SN-GAN).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> PatchBlock(64)(keras.random.normal((1, 32, 32, 3))).shape
    (1, 16, 16, 64)

    Reference:
        Isola et al. "Image-to-Image Translation with Conditional Adversarial Networks"
        (PatchGAN), CVPR 2017; Miyato et al. "Spectral Normalization for GANs", ICLR 2018.
    """

    def __init__(self, filters, kernel_size=5, strides=2, spectral_norm=True, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        check_strides(strides)
        self.strides = strides
        self.spectral_norm = bool(spectral_norm)
        self.data_format = check_data_format(data_format)
        self.conv = conv2d(filters, self.kernel_size, spectral_norm=self.spectral_norm, strides=strides,
                           padding="same", data_format=self.data_format, name="conv")
        self.act = make_activation("leaky_relu")

    def build(self, input_shape):
        self.conv.build(input_shape)
        super().build(input_shape)

    def call(self, inputs, training=None):
        return self.act(self.conv(inputs, training=training))

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "spectral_norm": self.spectral_norm,
                "data_format": self.data_format,
            }
        )
        return config


register("layer", "PatchBlock", "Discriminator block: strided conv + LeakyReLU(0.2) (+ spectral norm), no pooling", PatchBlock)

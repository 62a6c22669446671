import keras

from zoo.layers._utils import check_data_format, check_positive_int
from zoo.layers.up_block import UPSAMPLE_MODES
from zoo.models._base import ZooModel, check_image_size
from zoo.models.gania._unet import build_unet


@keras.saving.register_keras_serializable(package="zoo")
class DecorruptAutoencoder(ZooModel):
    """DRDA's de-corrupt autoencoder: GAN-IA's encoder/decoder with no skip concatenation, no
    dilated middle and no attention, trained with L2 alone (the "Autoencoder" baseline row).

    Same inputs and outputs as `GANIAGenerator` (`{"image", "mask"}` ->
    `{"restored", "composite"}`), so the two swap freely as restorers.

    Args:
        image_size: int, multiple of 8.
        base_filters: int, channels at full resolution; levels use (1, 2, 4, 4) x this.
        upsample: "transpose" or "resize".
        activation: activation of every block.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> ae = DecorruptAutoencoder(image_size=64, base_filters=8)

    Reference:
        Zhang, Kan, Shan, Chen. "Occlusion-Free Face Alignment: Deep Regression Networks
        Coupled With De-Corrupt AutoEncoders", CVPR 2016.
    """

    def __init__(
        self,
        image_size=256,
        base_filters=32,
        upsample="transpose",
        activation="elu",
        data_format=None,
        **kwargs,
    ):
        image_size = check_image_size("image_size", image_size, 8)
        check_positive_int("base_filters", base_filters)
        if upsample not in UPSAMPLE_MODES:
            raise ValueError(f"`upsample` must be one of {UPSAMPLE_MODES}. Received: upsample={upsample!r}")
        data_format = check_data_format(data_format)
        inputs, outputs = build_unet(
            image_size, base_filters, (), False, (), upsample, activation, False, data_format
        )
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self._set_config(
            image_size=image_size,
            base_filters=base_filters,
            upsample=upsample,
            activation=activation,
            data_format=data_format,
        )

import keras

from zoo.layers._utils import check_data_format, check_positive_int
from zoo.layers.up_block import UPSAMPLE_MODES
from zoo.models._base import ZooModel, check_factors, check_image_size
from zoo.models.gania._unet import LEVEL_FACTORS, build_unet


@keras.saving.register_keras_serializable(package="zoo")
class GANIAGenerator(ZooModel):
    """GAN-IA's inpainting generator: a U-Net of strided-conv encoder, dilated-conv middle and
    transposed-conv decoder with skip concatenation and SAGAN self-attention. No pooling.

    Inputs a dict `{"image": (B, S, S, 3) in [-1, 1], "mask": (B, S, S, 1), 1 = occluded}`
    (channels first under `channels_first`). The occluded pixels are erased and the mask is
    appended as a fourth channel. Outputs `{"restored": tanh image, "composite": x*(1-m) + g*m}`;
    the composite keeps every unmasked input pixel bit-identical.

    Args:
        image_size: int, multiple of 8 (256 in the paper, 128 for the CPU variant).
        base_filters: int, channels at full resolution; levels use (1, 2, 4, 4) x this.
        attention_at: tuple of downsampling factors among (1, 2, 4, 8) after which a
            `SelfAttention2D` is placed (8 = the bottleneck, after the dilated convs;
            4, 2, 1 = after the decoder block at that scale). `()` is the no-attention ablation.
        skip: bool, skip concatenation of encoder maps into the decoder (`False`: ablation).
        dilation_rates: rates of the dilated middle; `()` removes it.
        upsample: "transpose" (paper) or "resize" (faster to train on JAX/XLA:CPU).
        activation: activation of every block.
        spectral_norm_attention: bool, spectral normalisation inside the attention layers.
        masked_attention: bool, every attention layer reads the occlusion mask and attends only
            to cells outside the hole (`SelfAttention2D(masked=True)`): the hole is filled from
            what the face shows, not from its own empty features. Off in the paper's SAGAN form.
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> g = GANIAGenerator(image_size=64, base_filters=8)
    >>> out = g({"image": keras.ops.zeros((1, 64, 64, 3)), "mask": keras.ops.ones((1, 64, 64, 1))})
    >>> out["composite"].shape
    (1, 64, 64, 3)

    Reference:
        The seed method of this project: GAN-IA (a self-attention GAN for face inpainting)
        cascaded with deep regression networks for occluded facial landmarks; Iizuka et al.,
        "Globally and Locally Consistent Image Completion", SIGGRAPH 2017; Zhang et al.,
        "Self-Attention GANs", ICML 2019.
    """

    def __init__(
        self,
        image_size=256,
        base_filters=32,
        attention_at=(8,),
        skip=True,
        dilation_rates=(2, 4, 8, 16),
        upsample="transpose",
        activation="elu",
        spectral_norm_attention=False,
        masked_attention=False,
        data_format=None,
        **kwargs,
    ):
        image_size = check_image_size("image_size", image_size, 8)
        check_positive_int("base_filters", base_filters)
        attention_at = check_factors("attention_at", attention_at, LEVEL_FACTORS)
        dilation_rates = tuple(dilation_rates or ())
        for r in dilation_rates:
            check_positive_int("dilation_rates[i]", r)
        if upsample not in UPSAMPLE_MODES:
            raise ValueError(f"`upsample` must be one of {UPSAMPLE_MODES}. Received: upsample={upsample!r}")
        data_format = check_data_format(data_format)
        inputs, outputs = build_unet(
            image_size,
            base_filters,
            attention_at,
            bool(skip),
            dilation_rates,
            upsample,
            activation,
            bool(spectral_norm_attention),
            data_format,
            masked_attention=bool(masked_attention),
        )
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        extra = {"masked_attention": True} if masked_attention else {}  # written only when on: older configs stay
        self._set_config(
            **extra,
            image_size=image_size,
            base_filters=base_filters,
            attention_at=list(attention_at),
            skip=bool(skip),
            dilation_rates=list(dilation_rates),
            upsample=upsample,
            activation=activation,
            spectral_norm_attention=bool(spectral_norm_attention),
            data_format=data_format,
        )

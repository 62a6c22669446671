"""GAN-IA: the self-attention inpainting generator, its two discriminators, and DRDA's
de-corrupt autoencoder baseline."""

from zoo.models.gania.decorrupt_autoencoder import DecorruptAutoencoder
from zoo.models.gania.gania_generator import GANIAGenerator
from zoo.models.gania.global_discriminator import GlobalDiscriminator
from zoo.models.gania.local_discriminator import LocalDiscriminator
from zoo.registry import register

register("model", "gania_generator", "GAN-IA inpainting U-Net: dilated middle, skip concat, self-attention (256 px)", GANIAGenerator)
register("model", "gania_generator_128", "GAN-IA generator at 128 px (the CPU-trainable variant)", GANIAGenerator, image_size=128)
register("model", "gania_generator_no_attention", "GAN-IA generator ablation: no self-attention", GANIAGenerator, attention_at=())
register("model", "gania_generator_no_skip", "GAN-IA generator ablation: no skip concatenation", GANIAGenerator, skip=False)
register("model", "global_discriminator", "GAN-IA global discriminator on the whole 256x256 face, with self-attention", GlobalDiscriminator)
register("model", "local_discriminator", "GAN-IA local discriminator on a 128x128 patch around the restored region", LocalDiscriminator)
register("model", "decorrupt_autoencoder", "DRDA de-corrupt autoencoder baseline: no skip, dilation or attention; L2 only", DecorruptAutoencoder)
register("model", "decorrupt_autoencoder_128", "DRDA de-corrupt autoencoder at 128 px", DecorruptAutoencoder, image_size=128)

__all__ = ["DecorruptAutoencoder", "GANIAGenerator", "GlobalDiscriminator", "LocalDiscriminator"]

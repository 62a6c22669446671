"""The zoo's models: GAN-IA restorers and discriminators (landmark regressors follow)."""

from zoo.models.gania import DecorruptAutoencoder, GANIAGenerator, GlobalDiscriminator, LocalDiscriminator

__all__ = ["DecorruptAutoencoder", "GANIAGenerator", "GlobalDiscriminator", "LocalDiscriminator"]

"""The zoo's models: GAN-IA restorers and discriminators, and the landmark regressors (heads)."""

from zoo.models.blazeface import BlazeFace
from zoo.models.drn import DRN
from zoo.models.gania import DecorruptAutoencoder, GANIAGenerator, GlobalDiscriminator, LocalDiscriminator
from zoo.models.pfld import PFLD
from zoo.models.occluder import OccluderSegNet
from zoo.models.pipnet import PIPNet

__all__ = ["BlazeFace", "DRN", "DecorruptAutoencoder", "GANIAGenerator", "GlobalDiscriminator", "LocalDiscriminator", "OccluderSegNet", "PFLD", "PIPNet"]

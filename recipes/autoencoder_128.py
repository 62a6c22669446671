"""DRDA's de-corrupt autoencoder at 128 px: GAN-IA's recipe without discriminators (L2 only)."""

from recipes.gania_128 import get_config as base_config

NAME = "autoencoder_128"
DESCRIPTION = "DecorruptAutoencoder 128 px, L2 only, same data and step count as gania_128's generator phase"


def get_config():
    config = base_config()
    config.update(name=NAME, generator="decorrupt_autoencoder", adversarial=False)
    config["schedule"] = dict(config["schedule"], t_d=0, t_joint=0, t_g=config["schedule"]["t_g"] + config["schedule"]["t_joint"])
    return config

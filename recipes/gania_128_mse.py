"""Ablation of gania_128: the GAN-IA generator trained with the L2 reconstruction loss only
(no discriminators), for as many generator steps as gania_128 takes (T_G + T_joint) — the
same budget as autoencoder_128. Separates the architecture's effect from the adversarial loss's."""

from recipes.gania_128 import get_config as base_config

NAME = "gania_128_mse"
DESCRIPTION = "gania_128 ablation: GAN-IA generator, L2 only (no adversarial loss), T_G + T_joint steps"


def get_config():
    config = base_config()
    config.update(name=NAME, adversarial=False)
    config["schedule"] = dict(config["schedule"], t_d=0, t_joint=0, t_g=config["schedule"]["t_g"] + config["schedule"]["t_joint"])
    return config

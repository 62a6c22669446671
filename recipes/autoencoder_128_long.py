"""The autoencoder baseline continued from the shipped `autoencoder_128` preset for the same
number of generator updates as `gania_128_masked_attention` (1,300: its 500 L2 + 800 joint
steps), on the same faces, with the same cosine learning rate (2e-4 to 1e-5).
Export over the preset: `python -m recipes.export_preset runs/autoencoder_128_long --name autoencoder_128`.
"""

from recipes.autoencoder_128_more import get_config as more_config
from recipes.gania_128_masked_attention import SCHEDULE

NAME = "autoencoder_128_long"
DESCRIPTION = "DecorruptAutoencoder 128 continued from its preset, same faces, generator updates and LR schedule as gania_128_masked_attention"


def get_config():
    config = more_config()
    config.update(name=NAME, init_preset="autoencoder_128")
    updates = SCHEDULE["t_g"] + SCHEDULE["t_joint"]
    config["schedule"] = dict(config["schedule"], **dict(SCHEDULE, t_g=updates, t_d=0, t_joint=0))
    return config

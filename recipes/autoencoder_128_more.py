"""The autoencoder baseline continued from the shipped `autoencoder_128` preset on the same
faces as `gania_128_more` (+ YouTube-Faces) for the same number of generator updates (2,100),
so the two restorers stay compared at equal training.
Export over the preset: `python -m recipes.export_preset runs/autoencoder_128_more --name autoencoder_128`.
"""

from recipes.gania_128_more import get_config as gania_config

NAME = "autoencoder_128_more"
DESCRIPTION = "DecorruptAutoencoder 128 continued from its preset, same faces and generator updates as gania_128_more"


def get_config():
    g = gania_config()
    config = dict(g, name=NAME, generator="decorrupt_autoencoder", adversarial=False, init_preset="autoencoder_128",
                  generator_kwargs={"image_size": 128})
    config.pop("global_discriminator_kwargs")
    config.pop("local_discriminator_kwargs")
    config["schedule"] = dict(g["schedule"], t_g=g["schedule"]["t_g"] + g["schedule"]["t_joint"], t_d=0, t_joint=0)
    return config

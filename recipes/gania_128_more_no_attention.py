"""The self-attention ablation of `gania_128_more` at equal training: the same continuation from
the `gania_128` preset (the 3,000 shared steps, whose 16x16 attention stayed at gamma ~ 0), the
same faces, dilations 2-4-8-8, schedule (600 MSE + 300 discriminator + 1,500 joint steps) and
loss weights, with no self-attention anywhere: not in the generator and not in either
discriminator. `benchmarks/inpainting.py` compares the two at 5,400 generator steps each.
"""

from recipes.gania_128_more import get_config as more_config

NAME = "gania_128_more_no_attention"
DESCRIPTION = "gania_128_more without self-attention (generator and both discriminators), equal steps and data"


def get_config():
    config = more_config()
    config.update(
        name=NAME,
        generator_kwargs=dict(config["generator_kwargs"], attention_at=[]),
        global_discriminator_kwargs=dict(config["global_discriminator_kwargs"], attention_at=[]),
        local_discriminator_kwargs=dict(config["local_discriminator_kwargs"], attention_at=[]),
    )
    return config

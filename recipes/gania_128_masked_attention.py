"""GAN-IA 128 continued from the shipped `gania_128` preset with *masked* self-attention: every
attention layer of the generator (16x16 and 32x32) reads the occlusion mask and attends only to
cells outside the hole, so what it adds to a hole cell is drawn from what the face shows instead
of from the hole's own empty features (SAGAN's plain form let the hole attend mostly to itself,
and its gammas stayed within 0.01 of 0). The weights are the preset's (the attention layers keep
theirs: masking changes which keys count, not the parameters).

Schedule: 500 L2 steps (the attention re-learns with the mask), 200 steps for fresh
discriminators (presets ship only the generator), 800 joint steps; the generator's learning rate
follows a cosine from 2e-4 to 1e-5 over its 1,300 updates. Same faces as `gania_128_more`.
Export over the preset: `python -m recipes.export_preset runs/gania_128_masked --name gania_128`.
The equal-training baselines: `autoencoder_128_long` and `gania_128_no_attention_long`.
"""

from recipes.gania_128_more import get_config as more_config

NAME = "gania_128_masked_attention"
DESCRIPTION = "GAN-IA 128 continued from the gania_128 preset with mask-aware attention (the hole attends only to the visible face), cosine LR"

SCHEDULE = {"t_g": 500, "t_d": 200, "t_joint": 800, "g_lr": 2e-4, "g_lr_decay": "cosine", "g_lr_floor": 0.05}


def get_config():
    config = more_config()
    config.update(
        name=NAME,
        init_preset="gania_128",
        generator_kwargs=dict(config["generator_kwargs"], masked_attention=True),
    )
    config["schedule"] = dict(config["schedule"], **SCHEDULE)
    return config

"""GAN-IA 128 continued from the shipped `gania_128` preset, with the attention where it can add
context and a dilated middle that fits the bottleneck:

- self-attention also on the 32x32 maps (factor 4) of the generator, and in both
  discriminators on their 32x32 maps (the 16x16 bottleneck attention, which stayed at
  gamma ~ 0, is kept so the preset's weights load);
- dilation rates 2, 4, 8, 8 at 16x16 (rate 16 on a 16x16 map reads mostly zero padding: the
  banding suspect); the four convolutions keep their weights;
- more faces: the 4,232 YouTube-Faces frames join the clean faces;
- schedule: 600 MSE steps to adapt (new attention starts at gamma = 0), 300 steps for the fresh
  discriminators (presets ship only the generator), then 1,500 joint steps.
Export over the preset: `python -m recipes.export_preset runs/gania_128_more --name gania_128`.
"""

from recipes.gania_128 import get_config as base_config

NAME = "gania_128_more"
DESCRIPTION = "GAN-IA 128 continued from the gania_128 preset: attention at 32x32 (G and both D), dilations 2-4-8-8, + YouTube-Faces"


def get_config():
    config = base_config()
    config.update(
        name=NAME,
        init_preset="gania_128",
        generator_kwargs={"image_size": 128, "attention_at": [4, 8], "dilation_rates": [2, 4, 8, 8]},
        global_discriminator_kwargs={"image_size": 128, "attention_at": [4]},
        local_discriminator_kwargs={"patch_size": 64, "attention_at": [2]},
    )
    config["data"] = dict(config["data"], landmark_sets=config["data"]["landmark_sets"] + [["youtube", "yt_*"]])
    config["schedule"] = dict(config["schedule"], t_g=600, t_d=300, t_joint=1500)
    return config

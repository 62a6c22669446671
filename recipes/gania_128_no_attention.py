"""Ablation of gania_128: the same generator, schedule and data without self-attention."""

from recipes.gania_128 import get_config as base_config

NAME = "gania_128_no_attention"
DESCRIPTION = "gania_128 ablation: generator without self-attention (attention_at=()), everything else identical"


def get_config():
    config = base_config()
    config.update(name=NAME, generator="gania_generator_no_attention")
    return config

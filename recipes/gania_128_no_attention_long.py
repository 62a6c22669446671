"""The self-attention ablation of `gania_128_masked_attention` at equal training: the
no-attention continuation `gania_128_more_no_attention` (run folder `runs/gania_more_noatt`,
not shipped) continued by the same 1,300 generator updates on the same faces and schedule, with
no attention anywhere. Both chains then hold 3,000 + 2,400 + 1,500 steps.

    python -m zoo train gania_128_more_no_attention --out runs/gania_more_noatt
    python -m zoo train gania_128_no_attention_long --out runs/gania_noatt_long
"""

from recipes.gania_128_masked_attention import SCHEDULE
from recipes.gania_128_more_no_attention import get_config as no_attention_config

NAME = "gania_128_no_attention_long"
DESCRIPTION = "gania_128_more_no_attention continued like gania_128_masked_attention (equal steps, data and schedule), no attention"


def get_config():
    config = no_attention_config()
    config.pop("init_preset", None)
    config.update(name=NAME, init_weights="runs/gania_more_noatt/generator.weights.h5")
    config["schedule"] = dict(config["schedule"], **SCHEDULE)
    return config

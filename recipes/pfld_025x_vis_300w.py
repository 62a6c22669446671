"""PFLD 0.25x with the per-landmark visibility head (beyond the seed), trained on the occlusion
flags that synthetic occlusion produces: the 0.25x recipe with `visibility=True`."""

from recipes.pfld_025x_300w import get_config as base_config

NAME = "pfld_0.25x_vis_300w"
DESCRIPTION = "PFLD 0.25x + per-landmark visibility head, trained on synthetic-occlusion flags"


def get_config():
    config = base_config()
    config.update(name=NAME, regressor_kwargs={"visibility": True})
    return config

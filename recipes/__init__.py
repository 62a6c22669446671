"""Recipes: one file a recipe (a `get_config()` plus the few lines that assemble it); the
training logic lives in `zoo/training/`."""

import importlib

from zoo.registry import register

RECIPE_MODULES = ("pfld_1x_300w", "pfld_025x_300w", "pfld_025x_vis_300w", "pfld_025x_vis_ft_300w", "drn_300w", "drn_300w_boxjitter", "pipnet_mnv2_300w", "pipnet_mnv2_300w_more", "pfld_025x_tight_300w", "pfld_025x_wing_300w", "pfld_025x_l2_more_300w", "pfld_025x_wing_more_300w", "drn_wing_300w", "occluder_seg_mnv2", "gania_128",
                  "gania_128_no_attention", "gania_128_no_skip", "gania_128_mse", "autoencoder_128", "gania_128_more", "autoencoder_128_more",
                  "gania_128_more_no_attention", "pfld_1x_wing_300w", "pipnet_mnv2_300w_ft",
                  "gania_128_masked_attention", "gania_128_no_attention_long", "autoencoder_128_long")


def _load():
    out = {}
    for name in RECIPE_MODULES:
        mod = importlib.import_module(f"recipes.{name}")
        out[mod.NAME] = mod
        register("recipe", mod.NAME, mod.DESCRIPTION, mod.get_config)
    return out


RECIPES = _load()


def get_recipe_config(name):
    if name not in RECIPES:
        raise KeyError(f"No recipe named {name!r}. Recipes: {', '.join(sorted(RECIPES))}")
    return RECIPES[name].get_config()

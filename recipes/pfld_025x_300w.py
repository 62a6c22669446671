"""PFLD 0.25x: the 1x recipe with the width multiplier changed (small enough for the CPU)."""

from recipes.pfld_1x_300w import get_config as base_config

NAME = "pfld_0.25x_300w"
DESCRIPTION = "PFLD 0.25x on 300-W AFW + HELEN train, 112 px, PFLD loss (the 1x recipe, width 0.25)"


def get_config():
    config = base_config()
    config.update(name=NAME, regressor="pfld_0.25x")
    return config

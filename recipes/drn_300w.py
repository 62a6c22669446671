"""DRDA's cascaded DRN: the PFLD recipe with the regressor swapped (the loss adapts to the
outputs: deep supervision of every stage instead of the pose weighting)."""

from recipes.pfld_1x_300w import get_config as base_config

NAME = "drn_300w"
DESCRIPTION = "DRN (global stage + 2 shape-indexed stages) on 300-W AFW + HELEN train, 112 px, cascade loss"


def get_config():
    config = base_config()
    config.update(name=NAME, regressor="drn")
    return config

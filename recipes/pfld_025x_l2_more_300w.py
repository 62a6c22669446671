"""Control for `pfld_0.25x_wing_300w`: the same continuation of the `pfld_0.25x_300w` preset (same
faces, schedule, steps) with the parent's L2 loss, so the ablation separates the loss from the
extra training."""

from recipes.pfld_025x_wing_300w import get_config as wing_config

NAME = "pfld_0.25x_l2_more_300w"
DESCRIPTION = "PFLD 0.25x from the pfld_0.25x_300w preset, L2 loss (control of the Wing run), 100 epochs"


def get_config():
    config = wing_config()
    config.update(name=NAME, loss={"name": "regressor", "landmark_loss": "l2", "plus_one": True})
    return config

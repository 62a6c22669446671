"""The second leg of `pfld_0.25x_wing_300w`: 100 more epochs of Wing loss from the `pfld_0.25x_300w`
preset that the first leg exported, at half its learning rate (issue 11, lever 5: each run's CPU
time adds up; the record keeps the chain of parents and the total steps)."""

from recipes.pfld_025x_wing_300w import get_config as wing_config

NAME = "pfld_0.25x_wing_more_300w"
DESCRIPTION = "PFLD 0.25x, Wing loss, 100 more epochs from the pfld_0.25x_300w preset (second leg), lr 5e-4"


def get_config():
    config = wing_config()
    config.update(name=NAME, optimizer={**config["optimizer"], "learning_rate": 5e-4})
    return config

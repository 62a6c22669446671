"""PFLD 1x continued from the shipped `pfld_1x_300w` preset with Wing loss (issue 11, levers 4
and 5), as `pfld_0.25x_wing_300w` did for the mobile model: same faces (300-W AFW + HELEN
train), framing, augmentation and occlusion as the parent, a warm restart of the cosine schedule.
The L2 parent (80 epochs from scratch) underfits: 10.7 % NME on its own validation faces.
Export over the preset: `python -m recipes.export_preset runs/pfld_1x_wing --name pfld_1x_300w`.
"""

from recipes.pfld_1x_300w import get_config as base_config

NAME = "pfld_1x_wing_300w"
DESCRIPTION = "PFLD 1x from the pfld_1x_300w preset, Wing loss, 300-W AFW + HELEN train, 40 epochs"


def get_config():
    config = base_config()
    config.update(
        name=NAME,
        init_preset="pfld_1x_300w",
        loss={"name": "regressor", "landmark_loss": "wing", "plus_one": True},
        optimizer={"name": "adamw", "learning_rate": 1e-3, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 1},
        epochs=40,
    )
    return config

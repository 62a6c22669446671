"""DRN continued from the shipped `drn_300w` preset with Wing loss on every stage instead of L2
(issue 11: the Wing-vs-L2 measurement on PFLD 0.25x, `pfld_0.25x_wing_300w` against its L2
control, carried over to the cascade). Same faces, framing, augmentation and occlusion as the
parent; a warm restart of the cosine schedule at half the parent's learning rate."""

from recipes.drn_300w import get_config as base_config

NAME = "drn_wing_300w"
DESCRIPTION = "DRN from the drn_300w preset, Wing loss on every stage, 300-W AFW + HELEN train, 30 epochs"


def get_config():
    config = base_config()
    config.update(
        name=NAME,
        init_preset="drn_300w",
        loss={"name": "regressor", "landmark_loss": "wing", "plus_one": True},
        optimizer={"name": "adamw", "learning_rate": 1e-3, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 1},
        epochs=30,
    )
    return config

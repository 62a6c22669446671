"""`pipnet_mnv2_300w`, continued: the same data and augmentation, started from the shipped preset's
weights with a new, lower cosine cycle (peak 3e-4), so the CPU time of each run adds up. The
export keeps the preset's name; its record names the parent and the total steps."""

from recipes.pipnet_mnv2_300w import get_config as base_config

NAME = "pipnet_mnv2_300w_more"
DESCRIPTION = "pipnet_mnv2_300w continued from its preset: 8 more epochs at a lower learning rate"


def get_config():
    config = base_config()
    config.update(
        name=NAME,
        init_preset="pipnet_mnv2_300w",
        init_backbone=None,
        optimizer={"name": "adamw", "learning_rate": 3e-4, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 0.5},
        epochs=8,
    )
    return config

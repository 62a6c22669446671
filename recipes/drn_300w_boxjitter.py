"""DRN fine-tuned from the shipped `drn_300w` preset with detector-like framing noise: the crop
shifted by up to 12 % and scaled 0.85-1.15 (BlazeFace's calibrated boxes vary by 7 % in size and
2-4 % in position on clean faces, more under occluders), so the Landmarker's detector path reads
faces the way the regressor was trained to."""

from recipes.drn_300w import get_config as base_config

NAME = "drn_300w_boxjitter"
DESCRIPTION = "DRN fine-tuned from drn_300w with detector-like box jitter (translate 0.12, scale 0.85-1.15)"


def get_config():
    config = base_config()
    config.update(name=NAME, init_preset="drn_300w", epochs=15,
                  augment={**config["augment"], "translate": 0.12, "scale": (0.85, 1.15)},
                  optimizer={"name": "adamw", "learning_rate": 5e-4, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 1})
    return config

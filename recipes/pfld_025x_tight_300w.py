"""PFLD 0.25x continued from the shipped `pfld_0.25x_300w` with two levers of the PIPNet recipe:
a tighter framing (the 1.6x face crop at 144 px, the network reading its central 112 px: 1.24x
the landmark box, the face ~90 px wide instead of ~70) and the 4,232 YouTube-Faces frames at
half weight beside 300-W. Exported as the new `pfld_0.25x_300w` (its record names this recipe and
the parent preset)."""

from recipes.pfld_1x_300w import get_config as base_config

NAME = "pfld_0.25x_tight_300w"
DESCRIPTION = "PFLD 0.25x from the pfld_0.25x_300w preset: 144 px crop read at its central 112 px, 300-W + YouTube-Faces (0.5)"


def get_config():
    config = base_config()
    config.update(
        name=NAME,
        regressor="pfld_0.25x",
        regressor_kwargs={"border": 16},
        input_size=144,
        init_preset="pfld_0.25x_300w",
        augment={"flip": 0.5, "rotate": 25.0, "scale": (0.88, 1.12), "translate": 0.07, "color": 0.3, "blur": 0.2},
        optimizer={"name": "adamw", "learning_rate": 1e-3, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 1},
        epochs=16,
    )
    config["data"] = dict(config["data"], extra_sources=[{"root": "youtube", "patterns": ["yt_*"], "weight": 0.5}])
    return config

"""PFLD 1x on the staged 300-W training faces (AFW + HELEN train), 112 px, PFLD loss.

The base recipe of the supervised regressors: its siblings import `get_config()` and change a
few fields (`recipes/pfld_025x_300w.py`: width; `recipes/drn_300w.py`: the regressor).
"""

NAME = "pfld_1x_300w"
DESCRIPTION = "PFLD 1x on 300-W AFW + HELEN train (1,207 faces), 112 px, PFLD loss, augmentation + synthetic occlusion"


def get_config():
    return {
        "name": NAME,
        "task": "regressor",
        "regressor": "pfld_1x",
        "regressor_kwargs": {},
        "input_size": 112,
        "data": {
            "root": "300w",  # ZOO_DATA/300w_subset_afw_helen/images
            "train_patterns": ["afw_*", "helen_trainset_*"],
            "val_fraction": 0.08,  # held out from training faces for best-checkpoint selection
            "crop": "image",  # the regressor sees the whole face crop, as `zoo eval` does
            "test_sets": ["helen_testset_*"],
        },
        "augment": {"flip": 0.5, "rotate": 20.0, "scale": (0.9, 1.1), "translate": 0.06, "color": 0.25, "blur": 0.2},
        "occlusion": 0.3,  # probability of a synthetic occluder on a training face
        "loss": {"name": "regressor", "landmark_loss": "l2", "plus_one": True},
        "optimizer": {"name": "adamw", "learning_rate": 2e-3, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 2},
        "batch_size": 32,
        "epochs": 60,
        "seed": 0,
        "workers": 1,
    }

"""PFLD 0.25x with the per-landmark visibility head, fine-tuned from the shipped
`pfld_0.25x_300w` preset (its record is the parent): more occluded training faces (60%), a lower
learning rate, Wing loss as the parent's last two runs, the visibility head learning the
occlusion flags that synthetic occlusion produces. The head reads the 1/8 feature map
(`visibility_from="map"`): on the pooled features alone it learned nothing about where the
occluder is (0.754 vs 0.759 mean output on occluded vs visible training points). Its `visibility` output is what the Landmarker's `occlusion="visibility"` reads."""

from recipes.pfld_025x_vis_300w import get_config as base_config

NAME = "pfld_0.25x_vis_ft_300w"
DESCRIPTION = "PFLD 0.25x + visibility head fine-tuned from pfld_0.25x_300w on 60% synthetic-occlusion faces"


def get_config():
    config = base_config()
    config.update(name=NAME, init_preset="pfld_0.25x_300w", occlusion=0.6, epochs=30,
                  regressor_kwargs={"visibility": True, "visibility_from": "map"},
                  optimizer={"name": "adamw", "learning_rate": 5e-4, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 1},
                  loss={"name": "regressor", "landmark_loss": "wing", "plus_one": True, "visibility_weight": 0.5})
    return config

"""PFLD 1x continued from the shipped `pfld_1x_300w` preset with Wing loss (issue 11, levers 4
and 5), as `pfld_0.25x_wing_300w` did for the mobile model (same loss, schedule, faces, framing,
augmentation and occlusion; only the width, the parent and the length differ). The L2 parent
(80 epochs from scratch) underfits: 10.7 % NME on its own validation faces.
Export over the preset: `python -m recipes.export_preset runs/pfld_1x_wing --name pfld_1x_300w`.
"""

from recipes.pfld_025x_wing_300w import get_config as wing_config

NAME = "pfld_1x_wing_300w"
DESCRIPTION = "PFLD 1x from the pfld_1x_300w preset, Wing loss, 300-W AFW + HELEN train, 40 epochs"


def get_config():
    config = wing_config()
    config.update(name=NAME, regressor="pfld_1x", init_preset="pfld_1x_300w", epochs=40)
    return config

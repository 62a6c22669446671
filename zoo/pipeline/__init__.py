"""Pipelines built on the tasks: the occlusion-robust `Landmarker` cascade, landmark prediction and
evaluation, restoration with Poisson blending. The names below are imported on first use (so
`zoo.pipeline.options` is read without a backend)."""

import importlib as _importlib

_NAMES = {
    "Landmarker": "zoo.pipeline.landmarker",
    "evaluate_folder": "zoo.pipeline.evaluate",
    "inpainting_metrics": "zoo.pipeline.restore",
    "poisson_blend": "zoo.pipeline.restore",
    "predict_landmarks": "zoo.pipeline.evaluate",
    "resolve_regressor": "zoo.pipeline.evaluate",
    "resolve_restorer": "zoo.pipeline.restore",
    "restore_images": "zoo.pipeline.restore",
}


def __getattr__(name):
    if name in _NAMES:
        return getattr(_importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'zoo.pipeline' has no attribute {name!r}")


__all__ = sorted(_NAMES)

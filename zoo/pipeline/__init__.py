"""Pipelines built on the models: landmark prediction and evaluation (the occlusion-robust
`Landmarker` cascade follows)."""

from zoo.pipeline.evaluate import evaluate_folder, predict_landmarks, resolve_regressor
from zoo.pipeline.restore import inpainting_metrics, poisson_blend, resolve_restorer, restore_images, restorer_from_run

__all__ = [
    "evaluate_folder",
    "inpainting_metrics",
    "poisson_blend",
    "predict_landmarks",
    "resolve_regressor",
    "resolve_restorer",
    "restore_images",
    "restorer_from_run",
]

"""Pipelines built on the tasks: the occlusion-robust `Landmarker` cascade, landmark prediction and
evaluation, restoration with Poisson blending."""

from zoo.pipeline.evaluate import evaluate_folder, predict_landmarks, resolve_regressor
from zoo.pipeline.landmarker import Landmarker
from zoo.pipeline.restore import inpainting_metrics, poisson_blend, resolve_restorer, restore_images

__all__ = [
    "Landmarker",
    "evaluate_folder",
    "inpainting_metrics",
    "poisson_blend",
    "predict_landmarks",
    "resolve_regressor",
    "resolve_restorer",
    "restore_images",
]

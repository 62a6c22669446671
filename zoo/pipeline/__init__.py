"""Pipelines built on the models: landmark prediction and evaluation (the occlusion-robust
`Landmarker` cascade follows)."""

from zoo.pipeline.evaluate import evaluate_folder, predict_landmarks, resolve_regressor

__all__ = ["evaluate_folder", "predict_landmarks", "resolve_regressor"]

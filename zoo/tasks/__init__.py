"""Tasks: one class per job, between the models and the pipelines. Each owns its
preprocessing and its output contract (`LandmarkRegressor`, `Restorer`, `FaceDetector`, `OccluderSegmenter`);
`zoo.load(name_or_path)` builds the right one from a preset, a `.keras` file or a run folder."""

from zoo.tasks.face_detector import Face, FaceDetector, letterbox
from zoo.tasks.landmark_regressor import LandmarkRegressor
from zoo.tasks.loader import load
from zoo.tasks.occluder_segmenter import OccluderSegmenter
from zoo.tasks.restorer import Restorer
from zoo.tasks.task import Task

__all__ = ["Face", "FaceDetector", "LandmarkRegressor", "OccluderSegmenter", "Restorer", "Task", "letterbox", "load"]

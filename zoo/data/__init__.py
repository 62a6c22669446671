"""Data: iBUG `.pts` and image I/O, face folders, COFW-68, crops, augmentation, synthetic
occlusion and `PyDataset` batching. Knows no model."""

from zoo.data.augment import Augmenter, augment_sample
from zoo.data.dataset import LandmarkDataset
from zoo.data.folders import LandmarkSample, ScanReport, list_face_images, load_landmark_folder, scan_landmark_folder
from zoo.data.image_io import ImageError, read_image, read_rgba, write_image
from zoo.data.occlusion import OCCLUSION_KINDS, OccluderBank, landmark_flags, occlude
from zoo.data.paths import data_root, dataset_path
from zoo.data.pts import AnnotationError, read_pts, write_pts
from zoo.data.shape68 import COMPONENT_NAMES, COMPONENTS, FLIP_PERMUTATION, OUTER_EYE_CORNERS
from zoo.data.transforms import CropTransform, box_from_points, crop_face, square_box

__all__ = [
    "AnnotationError", "Augmenter", "COMPONENTS", "COMPONENT_NAMES", "CropTransform", "FLIP_PERMUTATION",
    "ImageError", "LandmarkDataset", "LandmarkSample", "OCCLUSION_KINDS", "OUTER_EYE_CORNERS",
    "OccluderBank", "ScanReport", "augment_sample", "box_from_points", "crop_face", "data_root",
    "dataset_path", "landmark_flags", "list_face_images", "load_landmark_folder", "occlude",
    "read_image", "read_pts", "read_rgba", "scan_landmark_folder", "square_box", "write_image", "write_pts",
]

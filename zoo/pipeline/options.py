"""The `Landmarker`'s options and defaults as plain values (no NumPy, no Keras): what the command
line offers, read without importing a backend. `Landmarker.__init__` takes its defaults from here,
and a test checks that its signature and `LANDMARKER_DEFAULTS` agree."""

OCCLUSION_MODES = ("auto", "segmentation", "residual", "confidence", "visibility", "oracle", "all", "none")
# MediaPipe's short-range detector for near faces, its full-range one for far and small faces,
# one NMS over both (`CombinedFaceDetector`): faces both find are placed as the short-range model
# alone places them (issue 24: find rate by face size in docs/results.md)
DEFAULT_DETECTOR = "blazeface_short+blazeface_full"
DEFAULT_REGRESSOR = "pipnet_mnv2_s8_300w"
DEFAULT_RESTORER = "gania_128"
DEFAULT_SEGMENTER = "occluder_seg_mnv2"

LANDMARKER_DEFAULTS = {
    "detector": DEFAULT_DETECTOR,
    "regressor": DEFAULT_REGRESSOR,
    "restorer": DEFAULT_RESTORER,
    "occlusion": "auto",
    "iterations": 1,
    "segmenter": DEFAULT_SEGMENTER,
    "threshold": 0.5,
    "work_size": 256,
    "recrop": None,
    "flip": False,
    "blend": True,
    "calibration": None,
    "ensemble_first": True,
    "residual_hole": None,
    "guard": True,
    "restore_components": None,
}

"""The `Landmarker`'s options and defaults as plain values (no NumPy, no Keras): what the command
line offers, read without importing a backend. `Landmarker.__init__` takes its defaults from here,
and a test checks that its signature and `LANDMARKER_DEFAULTS` agree."""

OCCLUSION_MODES = ("auto", "segmentation", "residual", "confidence", "visibility", "oracle", "all", "none")
DEFAULT_DETECTOR = "blazeface_short"
DEFAULT_REGRESSOR = "pipnet_mnv2_300w"
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

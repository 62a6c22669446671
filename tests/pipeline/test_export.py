"""`python -m zoo export` (issue 23): each task's serving graph takes uint8 pixels and gives what
the task gives; the exported files, run by their own runtimes (TensorFlow, onnxruntime, the LiteRT
interpreter), agree with Keras on real faces."""

import json
import os
import subprocess
import sys

import cv2
import keras
import numpy as np
import pytest

from zoo.data import load_landmark_folder
from zoo.data.paths import dataset_path
from zoo.pipeline.serving import check_export, example_feed, export, serving_model
from zoo.tasks import load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# max |exported - Keras| allowed, per output and in its own units (landmarks: fraction of the crop;
# restored: 0-255 pixel values; boxes: pixels of the 128 px input)
TOLERANCE = {"landmarks": 1e-4, "confidence": 1e-4, "pose": 1e-3, "visibility": 1e-4, "occlusion": 1e-4, "restored": 0.05,
             "boxes": 1e-3, "scores": 1e-4}
# one of each task, each format at least once, and PIPNet's heatmap decode in the two formats
# that could not hold `argmax` of floats
CASES = [("pipnet_mnv2_s8_300w", "onnx"), ("pipnet_mnv2_300w", "litert"), ("pfld_0.25x_300w", "savedmodel"),
         ("occluder_seg_mnv2", "onnx"), ("gania_128", "litert"), ("blazeface_short", "savedmodel")]


@pytest.fixture(scope="module")
def faces():
    samples = load_landmark_folder(dataset_path("300w"), "helen_testset_*")[:3]
    return [s.load_image() for s in samples]


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="export writes TensorFlow graphs (the CLI switches itself)")
@pytest.mark.parametrize("name,fmt", CASES)
def test_exported_model_matches_keras_on_real_faces(name, fmt, faces, tmp_path):
    out = str(tmp_path / {"savedmodel": "model", "onnx": "model.onnx", "litert": "model.tflite"}[fmt])
    record = export(name, fmt, out)
    with open(out + ".json") as f:
        assert json.load(f) == record
    diffs = check_export(name, fmt, out, faces)
    assert set(diffs) == set(record["outputs"]) and diffs
    for key, diff in diffs.items():
        assert diff <= TOLERANCE[key], f"{name} as {fmt}: {key} differs from Keras by {diff}"


def test_serving_graph_reads_pixels_as_the_task_does(faces):
    """At the network's side the serving graph reads a crop exactly as the task reads a crop at
    its input size; a larger crop resized inside (bilinear, antialiased) lands within 0.5 % of the
    crop of the task's reading of the same crop shrunk with INTER_AREA."""
    task = load("pfld_0.25x_300w")
    size = task.input_size
    crops = np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_AREA) for f in faces])
    want = task._predict_crops(list(crops))[0] / size
    for fixed in (True, False):
        model, sig = serving_model(task, fixed_size=fixed)
        got = keras.ops.convert_to_numpy(model(image=crops)["landmarks"])
        np.testing.assert_allclose(got, want, atol=1e-5)
    big = np.stack([cv2.resize(f, (3 * size, 3 * size), interpolation=cv2.INTER_CUBIC) for f in faces])
    got = keras.ops.convert_to_numpy(model(image=big)["landmarks"])
    shrunk = [cv2.resize(b, (size, size), interpolation=cv2.INTER_AREA) for b in big]
    assert np.abs(got - task._predict_crops(shrunk)[0] / size).max() < 0.005
    assert sig["inputs"]["image"].startswith("uint8 (B, H, W, 3)")


def test_restorer_feed_and_segmenter_grid(faces):
    seg = load("occluder_seg_mnv2")
    model, sig = serving_model(seg, fixed_size=True)
    feed = example_feed({"task": "segmenter", "input_size": seg.input_size}, faces)
    got = keras.ops.convert_to_numpy(model(*feed.values())["occlusion"])
    np.testing.assert_allclose(got, seg.predict_grid(list(feed["image"])), atol=1e-5)
    assert sig["task"] == "segmenter" and list(sig["outputs"]) == ["occlusion"]


def test_export_command_names_its_errors(tmp_path):
    env = {**os.environ, "PYTHONPATH": ROOT}
    cases = [(["export", "pfld_0.25x_300w", "--format", "tflite", "--out", str(tmp_path / "x.tflite")], "--format"),
             (["export", "pfld_0.25x_300w", "--format", "onnx", "--out", str(tmp_path / "x.tflite")], ".onnx"),
             (["export", "no_such_preset", "--format", "onnx", "--out", str(tmp_path / "x.onnx")], "no_such_preset")]
    for argv, needle in cases:
        r = subprocess.run([sys.executable, "-m", "zoo", *argv], env=env, capture_output=True, text=True, timeout=300)
        errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
        assert r.returncode == 2 and len(errors) == 1 and needle in errors[0], (argv, r.stderr[-500:])
        assert "Traceback" not in r.stderr

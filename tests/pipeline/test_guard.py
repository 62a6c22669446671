"""The do-no-harm guard: a grey clean face stays untouched (and a grey face is restored grey), a
face flagged everywhere keeps its first reading, a restored reading that contradicts the visible
points (or is no face shape) is dropped, and each face says what was restored and why."""

import numpy as np
import pytest

from zoo.pipeline.landmarker import GUARD, Landmarker


@pytest.fixture(scope="module")
def faces(helen_test):
    return [s.load_image() for s in helen_test[:6]]


@pytest.fixture(scope="module")
def alone(faces):
    from zoo.tasks import load

    return load("pfld_0.25x_300w").predict_images(faces)


def _grey(image):
    g = image.mean(-1, keepdims=True).round().astype(np.uint8)
    return np.repeat(g, 3, -1)


def test_grey_clean_faces_stay_untouched(faces, alone):
    from zoo.tasks import load

    grey = [_grey(f) for f in faces]
    lm = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128")
    out = lm(grey)
    first = load("pfld_0.25x_300w").predict_images(grey)
    for r, a in zip(out, first):
        f = r[0]
        assert f["restoration"]["restored"] == [], f["restoration"]
        assert isinstance(f["restoration"]["reason"], str) and f["restoration"]["reason"]
        np.testing.assert_allclose(f["landmarks"], a, atol=1e-3)


def test_a_grey_face_is_restored_grey(helen_test):
    from zoo.data.occlusion import occlude

    s = helen_test[2]
    image = _grey(s.load_image())
    occluded, mask, _ = occlude(image, s.points, "mouth", np.random.default_rng(0), kind="flat_object")
    lm = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128", occlusion="oracle")
    (f,), = lm([occluded], masks=[mask], return_restored=True)
    assert f["restoration"]["restored"], f["restoration"]
    r = f["restored"].astype(int)
    assert np.abs(r[..., 0] - r[..., 1]).max() <= 1 and np.abs(r[..., 1] - r[..., 2]).max() <= 1
    colour = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128", occlusion="oracle", guard=False)
    (g,), = colour([occluded], masks=[mask], return_restored=True)
    assert np.abs(g["restored"][..., 0].astype(int) - g["restored"][..., 2]).max() > 5  # the restorer alone paints colour


def test_a_face_flagged_everywhere_keeps_its_first_reading(faces, alone):
    lm = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128", occlusion="all")
    out = lm(faces[:3], return_restored=True)
    for r, a in zip(out, alone[:3]):
        f = r[0]
        assert all(f["occluded"].values())  # judged occluded everywhere ...
        assert f["restoration"]["restored"] == [] and "7 of 7" in f["restoration"]["reason"]  # ... and not restored
        np.testing.assert_allclose(f["landmarks"], a, atol=1e-3)
        assert np.array_equal(f["restored"], f["input_crop"])
    unguarded = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128", occlusion="all", guard=False)
    moved = [np.abs(r[0]["landmarks"] - a).max() for r, a in zip(unguarded(faces[:3]), alone[:3])]
    assert max(moved) > 1.0  # without the guard the same faces are restored and read again


def _reading_after_restoring(lm, offset):
    """Make `lm`'s reading after a restoration the real one moved by `offset` (x the eye
    distance): a restored reading that contradicts the visible points."""
    real = lm._regress

    def regress(sources, frames, work=None):
        pts, extras = real(sources, frames, work)
        if work is not None:  # a restored face
            eyes = np.linalg.norm(pts[:, 36] - pts[:, 45], axis=1)[:, None, None]
            pts = pts + offset * eyes
        return pts, extras

    lm._regress = regress


def test_a_contradicting_restored_reading_is_dropped(helen_test):
    from zoo.data.occlusion import occlude

    s = helen_test[4]
    occluded, mask, _ = occlude(s.load_image(), s.points, "mouth", np.random.default_rng(1), kind="flat_object")
    first = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer=None, occlusion="none", iterations=0)([occluded])[0][0]
    lm = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128", occlusion="oracle")
    (plain,), = lm([occluded], masks=[mask])
    assert plain["restoration"]["restored"] == ["mouth"], plain["restoration"]
    _reading_after_restoring(lm, np.array([0.8, 0.0]))  # the whole shape moved by 0.8 eye distances
    (f,), = lm([occluded], masks=[mask])
    assert f["restoration"]["restored"] == [] and "contradicts" in f["restoration"]["reason"], f["restoration"]
    np.testing.assert_allclose(f["landmarks"], first["landmarks"], atol=1e-3)
    # a small move is within what a restoration may change: kept, averaged with the first reading
    lm = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer="gania_128", occlusion="oracle")
    _reading_after_restoring(lm, np.array([0.05, 0.0]))
    (g,), = lm([occluded], masks=[mask])
    assert g["restoration"]["restored"] == ["mouth"] and "averaged" in g["restoration"]["reason"]
    lm.guard = None
    (h,), = lm([occluded], masks=[mask])
    w = GUARD["restored_weight"]
    np.testing.assert_allclose(g["landmarks"], (1 - w) * first["landmarks"] + w * h["landmarks"], atol=1e-2)


def test_a_tangle_is_no_face_shape(helen_test):
    lm = Landmarker(detector=None, regressor="pfld_0.25x_300w", restorer=None, occlusion="none", iterations=0)
    p = helen_test[0].points.astype(np.float64)
    from zoo.data.transforms import CropTransform

    t = CropTransform.from_box((0, 0, 256, 256), 256, margin=0.0)
    hole = np.zeros((256, 256), bool)
    tangle = p.mean(0) + np.random.default_rng(0).normal(0, 3, p.shape)
    assert "no face shape" in lm._agrees(p, tangle, hole, t)
    assert lm._agrees(p, p + 0.5, hole, t) is None


def test_predict_json_says_what_was_restored(tmp_path):
    import json

    from zoo.cli.main import main

    assert main(["predict", "--demo", "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "demo.json").read_text())
    face = record["faces"][0]
    assert set(face["restoration"]) == {"restored", "reason"}
    assert set(face["restoration"]["restored"]) <= {c for c, d in face["occluded"].items() if d}


def test_the_picture_says_what_was_restored():
    from zoo.pipeline.render import LEGEND, panel_title, render_prediction

    assert panel_title({"restoration": {"restored": ["mouth", "jaw"]}}) == "restored: mouth, jaw"
    assert panel_title({"restoration": {"restored": []}, "occluded": {"mouth": True}}).startswith("not restored (judged occluded")
    assert panel_title({"restoration": {"restored": []}, "occluded": {"mouth": False}}) == "not restored"
    assert "red" in LEGEND and "green" in LEGEND and "score" in LEGEND
    photo = np.zeros((100, 200, 3), np.uint8)
    out = render_prediction(photo, [])
    assert out.shape == (512 // 2 + 22, 512, 3)  # the photo at 512 px wide and the legend band under it
    assert out[-22:].max() > 200  # the legend is drawn


def test_an_occluder_over_a_component_not_restored_is_left_whole(helen_test):
    """PIPNet's calibration does not restore its eyes: sunglasses that also reach the brows are
    not filled over the brows (half a pair of sunglasses), the reading stands and the JSON says why."""
    import cv2

    import zoo.pipeline.landmarker as L

    s = helen_test[5]
    image = s.load_image().copy()
    p = s.points
    lm = Landmarker(detector=None, regressor="pipnet_mnv2_s8_300w", restorer="gania_128", occlusion="segmentation",
                    restore_components=["right_brow", "left_brow", "nose", "mouth", "jaw"])
    # dark lenses over both eyes joined by a bridge, reaching well up over the brows
    eyes = p[36:48]
    x0, y0 = eyes.min(0)
    x1, y1 = eyes.max(0)
    w = x1 - x0
    brow_y = p[17:27, 1].mean()
    cv2.rectangle(image, (int(x0 - 0.1 * w), int(brow_y)), (int(x1 + 0.1 * w), int(y1 + 0.12 * w)), (20, 20, 30), -1)
    (f,), = lm([image])
    judged = {c for c, d in f["occluded"].items() if d}
    assert {"right_eye", "left_eye"} & judged, f["occlusion"]
    assert f["restoration"]["restored"] == [] and "left whole" in f["restoration"]["reason"], f["restoration"]
    first = Landmarker(detector=None, regressor="pipnet_mnv2_s8_300w", restorer=None, occlusion="none", iterations=0)([image])[0][0]
    np.testing.assert_allclose(f["landmarks"], first["landmarks"], atol=1e-3)
    # the same occluder filled in part when the rule is off: the brows are restored
    saved = L.SEGMENT_HOLE["whole"]
    try:
        L.SEGMENT_HOLE["whole"] = None
        (g,), = lm([image])
    finally:
        L.SEGMENT_HOLE["whole"] = saved
    assert set(g["restoration"]["restored"]) & {"right_brow", "left_brow"}, g["restoration"]

import json
import os

import numpy as np
import pytest

from zoo.cli.main import main
from zoo.data.components import component_coverage, component_masks
from zoo.pipeline.landmarker import Landmarker


@pytest.fixture(scope="module")
def demo():
    from zoo.data.demo import demo_image

    return demo_image(occluded=True, with_mask=True)


def test_component_regions(helen_test):
    s = helen_test[0]
    img = s.load_image()
    regions = component_masks(s.points, img.shape)
    assert set(regions) == {"jaw", "right_brow", "left_brow", "nose", "right_eye", "left_eye", "mouth"}
    for name, m in regions.items():
        assert m.any() and m.mean() < 0.3, name
    cov = component_coverage(s.points, regions["mouth"])
    assert cov["mouth"] == 1.0 and cov["right_brow"] == 0.0


def test_cascade_on_the_demo_photo(demo):
    image, mask = demo
    lm = Landmarker(detector="blazeface_short", regressor="drn_300w", restorer="gania_128", occlusion="oracle")
    (faces,) = lm([image], masks=[mask], return_restored=True)
    assert len(faces) == 1
    f = faces[0]
    pts = f["landmarks"]
    assert pts.shape == (68, 2)
    x0, y0, x1, y1 = f["box"]
    centre = pts.mean(0)
    assert x0 < centre[0] < x1 and y0 < centre[1] < y1
    # eyes above the nose above the mouth, right eye (image left) left of the left eye
    assert pts[36:42, 1].mean() < pts[30, 1] < pts[48:68, 1].mean()
    assert pts[36:42, 0].mean() < pts[42:48, 0].mean()
    # the drawn mask covers the mouth, not the eyes: the oracle says so and restores the mouth
    assert f["occluded"]["mouth"] and not f["occluded"]["right_eye"] and not f["occluded"]["left_eye"]
    crop_mask = f["crop_transform"].warp((mask > 0).astype(np.uint8) * 255) > 127
    assert not np.array_equal(f["restored"][crop_mask], f["input_crop"][crop_mask])
    import cv2

    near = cv2.dilate(crop_mask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0  # the blend's seam margin
    np.testing.assert_array_equal(f["restored"][~near], f["input_crop"][~near])


def test_no_restoration_when_nothing_is_occluded(helen_test):
    """On a clean crop with an empty oracle mask the cascade is exactly the regressor alone."""
    from zoo.tasks import load

    faces = helen_test[:4]
    images = [s.load_image() for s in faces]
    alone = load("drn_300w").predict_images(images)
    lm = Landmarker(detector=None, regressor="drn_300w", restorer="gania_128", occlusion="oracle")
    res = lm(images, masks=[np.zeros(im.shape[:2], bool) for im in images])
    for r, a in zip(res, alone):
        assert not any(r[0]["occluded"].values())
        np.testing.assert_allclose(r[0]["landmarks"], a, atol=1e-3)


def test_heatmap_confidence_scores(demo, helen_test):
    """PIPNet's heatmap confidence gives scores in [0, 1] per component, calibrated so that clean
    faces rarely have a component flagged."""
    image, _ = demo
    lm = Landmarker(detector="blazeface_short", regressor="pipnet_mnv2_300w", restorer="gania_128", occlusion="confidence")
    (faces,) = lm([image])
    scores = np.array(list(faces[0]["occlusion"].values()))
    assert scores.shape == (7,) and (scores >= 0).all() and (scores <= 1).all()
    clean = Landmarker(detector=None, regressor="pipnet_mnv2_300w", restorer=None, occlusion="confidence")
    flagged = [sum(r[0]["occluded"].values()) for r in clean([s.load_image() for s in helen_test[:12]])]
    assert sum(flagged) <= 6, flagged  # calibrated at 3 % false alarms per component (12 x 7 components here)


def test_auto_mode_uses_the_occluder_segmenter(demo, helen_test):
    """`occlusion="auto"` decides with the shipped occluder segmenter: the demo's drawn mask is
    found over the mouth and jaw, not the eyes, and clean faces are left alone."""
    image, mask = demo
    lm = Landmarker(detector="blazeface_short", regressor="drn_300w", restorer="gania_128")
    assert lm.occlusion == "segmentation"
    (faces,) = lm([image], return_restored=True)
    occ = faces[0]["occluded"]
    assert occ["mouth"] and not occ["right_eye"] and not occ["left_eye"], faces[0]["occlusion"]
    assert not np.array_equal(faces[0]["restored"], faces[0]["input_crop"])
    assert Landmarker(regressor="drn_300w", restorer="gania_128", segmenter=None).occlusion == "residual"
    assert Landmarker(regressor="pipnet_mnv2_300w", restorer=None, segmenter="none").occlusion == "confidence"
    with pytest.raises(KeyError, match="occluder_seg_mnv2"):  # a segmenter named that does not exist is an error, not a fallback
        Landmarker(regressor="drn_300w", restorer="gania_128", segmenter="nope")
    clean = Landmarker(detector=None, regressor="drn_300w", restorer="gania_128")
    images = [s.load_image() for s in helen_test[:12]]
    out = clean(images)
    assert sum(sum(r[0]["occluded"].values()) for r in out) <= 2
    from zoo.tasks import load

    alone = load("drn_300w").predict_images(images)
    untouched = [k for k, r in enumerate(out) if not any(r[0]["occluded"].values())]
    np.testing.assert_allclose(np.stack([out[k][0]["landmarks"] for k in untouched]), alone[untouched], atol=1e-3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="occlusion"):
        Landmarker(occlusion="magic")
    with pytest.raises(ValueError, match="visibility"):
        Landmarker(regressor="drn_300w", occlusion="visibility")
    with pytest.raises(ValueError, match="'confidence' output"):
        Landmarker(regressor="drn_300w", occlusion="confidence")
    with pytest.raises(ValueError, match="needs a restorer"):
        Landmarker(restorer=None, occlusion="residual")
    lm = Landmarker(detector=None, restorer="gania_128", occlusion="oracle")
    with pytest.raises(ValueError, match="masks"):
        lm([np.zeros((64, 64, 3), np.uint8)])


def test_predict_demo_writes_json_and_png(tmp_path, capsys):
    assert main(["predict", "--demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "demo.png" in out and "demo.json" in out
    rec = json.load(open(tmp_path / "demo.json"))
    assert len(rec["faces"]) == 1
    face = rec["faces"][0]
    assert len(face["landmarks"]) == 68 and len(face["box"]) == 4 and 0 < face["score"] <= 1
    assert set(face["occlusion"]) == {"jaw", "right_brow", "left_brow", "nose", "right_eye", "left_eye", "mouth"}
    assert os.path.getsize(tmp_path / "demo.png") > 10000


def test_predict_reports_bad_files_and_keeps_going(tmp_path, capsys):
    import cv2

    from zoo.data.demo import demo_image

    src = tmp_path / "in"
    src.mkdir()
    face = demo_image(occluded=False)
    bgr = cv2.cvtColor(face, cv2.COLOR_RGB2BGR)
    cv2.imwrite(str(src / "good.jpg"), bgr)
    cv2.imwrite(str(src / "grey.png"), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
    cv2.imwrite(str(src / "rgba.png"), cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA))
    cv2.imwrite(str(src / "deep.png"), bgr.astype(np.uint16) * 257)
    (src / "empty.jpg").write_bytes(b"")
    data = (src / "good.jpg").read_bytes()
    (src / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (src / "text.png").write_text("not an image")
    (tmp_path / "blank.png").write_bytes(cv2.imencode(".png", np.full((80, 80, 3), 90, np.uint8))[1].tobytes())
    rc = main(["predict", str(src), str(tmp_path / "blank.png"), str(tmp_path / "missing.jpg"), "--out", str(tmp_path / "out"),
               "--restorer", "none", "--occlusion", "none", "--iterations", "0"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "Traceback" not in err
    for bad in ("empty.jpg", "truncated.jpg", "text.png", "missing.jpg"):
        assert sum(bad in line for line in err.splitlines()) == 1, (bad, err)
    for good in ("good", "grey", "rgba", "deep"):
        rec = json.load(open(tmp_path / "out" / f"{good}.json"))
        assert len(rec["faces"]) == 1, good
    assert json.load(open(tmp_path / "out" / "blank.json"))["faces"] == []


def test_eval_runs_the_cascade_with_a_detector(staged, tmp_path):
    assert main(["eval", "--data", staged("300w"), "--pattern", "helen_testset_296*", "--regressor", "drn_300w",
                 "--restorer", "autoencoder_128", "--detector", "blazeface_short", "--out", str(tmp_path)]) == 0
    m = json.load(open(tmp_path / "metrics.json"))
    assert m["n"] >= 3 and m["detector_find_rate"] == 1.0 and m["nme"] < 0.15

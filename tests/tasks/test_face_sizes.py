"""Faces of every size (issue 24): MediaPipe's full-range detector beside the short-range one,
their combination with one NMS, tiled reading, and the composites the find-rate benchmark
(`benchmarks/detector_sizes.py`) is made of."""

import numpy as np
import pytest

from zoo.tasks import FaceDetector, load
from zoo.tasks.face_detector import CombinedFaceDetector, tiles, with_tiles


@pytest.fixture(scope="module")
def side_by_side():
    """Grace Hopper (matplotlib's sample photo) beside the demo's astronaut, both 400 px tall:
    741 x 400, the astronaut's face about 70 px wide (the issue's example)."""
    import cv2
    import matplotlib.cbook as cbook

    from zoo.data.demo import DEMO_IMAGE
    from zoo.data.image_io import read_image

    def fit(image, height):
        return cv2.resize(image, (round(image.shape[1] * height / image.shape[0]), height), interpolation=cv2.INTER_AREA)

    hopper = read_image(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    return np.concatenate([fit(hopper, 400), fit(read_image(DEMO_IMAGE), 400)], 1)


def test_the_default_detector_finds_both_faces_side_by_side(side_by_side):
    from zoo.pipeline.options import DEFAULT_DETECTOR

    det = load(DEFAULT_DETECTOR, task="detector")
    assert isinstance(det, CombinedFaceDetector) and [d.name for d in det.detectors] == ["blazeface_short", "blazeface_full"]
    faces = det.detect([side_by_side])[0]
    assert len(faces) == 2
    centres = sorted(((f["box"][0] + f["box"][2]) / 2, (f["box"][1] + f["box"][3]) / 2, f["box"][2] - f["box"][0]) for f in faces)
    (hx, hy, hw), (ax, ay, aw) = centres
    assert 120 < hx < 240 and 100 < hy < 230 and 90 < hw < 200  # Hopper's face, left half
    assert 450 < ax < 570 and 50 < ay < 150 and 40 < aw < 110  # the astronaut's, right half
    # the short-range model alone misses the small face: the reason for the combination
    assert len(load("blazeface_short", task="detector").detect([side_by_side])[0]) == 1


def test_combined_faces_found_by_both_are_placed_as_the_short_range_model_places_them(helen_test):
    short = load("blazeface_short", task="detector")
    both = load("blazeface_short+blazeface_full", task="detector")
    assert both.box_adjust[1] != (0.0, 0.0, 1.0)  # measured, from blazeface_full's record
    images = [s.load_image() for s in helen_test[:6]]
    for a, b in zip(short.detect(images), both.detect(images)):
        assert len(a) == len(b) == 1
        np.testing.assert_allclose(b[0]["box"], a[0]["box"], atol=1e-3)
        assert b[0]["score"] == pytest.approx(a[0]["score"])


def test_combinations_are_checked():
    with pytest.raises(ValueError, match="not a detector"):
        load("blazeface_short+gania_128", task="detector")
    with pytest.raises(ValueError, match="at least two"):
        CombinedFaceDetector([load("blazeface_short", task="detector")])
    with pytest.raises(ValueError, match="one \\(dx, dy, scale\\) per detector"):
        CombinedFaceDetector(["blazeface_short", "blazeface_full"], box_adjust=[(0, 0, 1)])
    with pytest.raises(KeyError):
        load("blazeface_short+no_such_preset", task="detector")


def test_tiles_cover_the_image_with_overlap():
    wins = tiles((600, 900), (2, 3), 192)
    assert wins[0] == (0, 0, 900, 600)
    mask = np.zeros((600, 900), bool)
    for x0, y0, x1, y1 in wins[1:]:
        assert x1 - x0 == y1 - y0 or x1 == 900 or y1 == 600
        mask[y0:y1, x0:x1] = True
    assert mask.all()
    # no tiles where a tile would not be smaller than the image, nor below the detector's input
    assert tiles((100, 150), (2, 3), 192) == [(0, 0, 150, 100)]
    assert all(x1 - x0 >= 192 for x0, _, x1, _ in tiles((400, 400), (4,), 192)[1:])


def test_tiled_reading_finds_small_faces_the_whole_image_misses(helen_test):
    from zoo.data.composites import composite, match_faces

    rng = np.random.default_rng(3)
    image, truth = composite(rng, helen_test, [36, 40, 44, 48], height=600, width=900, grey=False)
    assert len(truth) == 4
    full = load("blazeface_full", task="detector")
    plain = sum(match_faces([f["box"] for f in full.detect([image], min_face=0)[0]], truth)[0])
    tiled_faces = with_tiles(full).detect([image], min_face=0)[0]
    found, unmatched = match_faces([f["box"] for f in tiled_faces], truth)
    assert sum(found) >= 3 and sum(found) > plain and unmatched <= 1
    # tiles are mapped back to the whole image: boxes lie inside it
    assert all(0 <= f["box"][0] and f["box"][2] <= 900 for f in tiled_faces)


def test_composites_and_face_free_images(helen_test):
    from zoo.data.composites import composite, face_free_image, match_faces, size_bin

    rng = np.random.default_rng(0)
    image, boxes = composite(rng, helen_test, [200, 150, 120], height=600, width=900)
    assert image.shape == (600, 900, 3) and image.dtype == np.uint8 and len(boxes) == 3
    for box in boxes:
        assert 0 <= box[0] < box[2] <= 900 and 0 <= box[1] < box[3] <= 600
    assert sorted(round(b[2] - b[0]) for b in boxes) == [120, 150, 200]
    det = load("blazeface_short+blazeface_full", task="detector")
    found, unmatched = match_faces([f["box"] for f in det.detect([image])[0]], boxes)
    assert all(found) and unmatched == 0
    # same seed, same image
    again, _ = composite(np.random.default_rng(0), helen_test, [200, 150, 120], height=600, width=900)
    np.testing.assert_array_equal(image, again)
    free = [face_free_image(np.random.default_rng(k), 400, 600) for k in range(6)]
    assert sum(len(f) for f in det.detect(free)) <= 1
    assert size_bin(30) == "<40" and size_bin(50) == "40-60" and size_bin(300) == ">=240"


def test_a_detector_reports_faces_below_its_minimum_only_when_asked(helen_test):
    import cv2

    det = FaceDetector.from_preset("blazeface_short")
    tiny = cv2.resize(helen_test[0].load_image(), (32, 32), interpolation=cv2.INTER_AREA)
    assert det.detect([tiny])[0] == []
    small = det.detect([tiny], min_face=0)[0]
    assert len(small) == 1 and small[0]["box"][2] - small[0]["box"][0] < det.min_face

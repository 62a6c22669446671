"""`refine_hole`: the outline of an occluder from a coarse (stride-8) map follows the image's edges."""

import cv2
import numpy as np
import pytest

from zoo.data.hole import refine_hole


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


def test_refined_hole_follows_the_occluder(helen_test):
    face = helen_test[7].load_image()
    truth = np.zeros(face.shape[:2], np.uint8)
    cv2.ellipse(truth, (150, 170), (45, 28), 20, 0, 360, 1, -1)
    image = face.copy()
    image[truth > 0] = (40, 160, 220)
    # what a stride-8 segmenter gives: the true coverage averaged over 8 px cells, upsampled bilinearly
    cells = cv2.resize(truth.astype(np.float32), (32, 32), interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(cells, truth.shape[::-1], interpolation=cv2.INTER_LINEAR)
    plain = coarse > 0.5
    refined = refine_hole(image, coarse)
    assert refined.dtype == bool and refined.shape == truth.shape
    assert _iou(refined, truth > 0) > _iou(plain, truth > 0) and _iou(refined, truth > 0) > 0.9


def test_nothing_marked_and_bad_shapes(helen_test):
    face = helen_test[0].load_image()
    assert not refine_hole(face, np.zeros(face.shape[:2], np.float32)).any()
    everything = np.ones(face.shape[:2], np.float32)  # no face left to learn from: the map as it is
    assert refine_hole(face, everything).all()
    with pytest.raises(ValueError, match="probability map"):
        refine_hole(face, np.zeros((10, 10), np.float32))


def test_whole_occluders_keeps_an_occluder_over_a_component_left_as_is():
    from zoo.data.hole import whole_occluders

    mask = np.zeros((64, 64), bool)
    mask[10:20, 5:40] = True  # one occluder over the "eye" and reaching the "brow"
    mask[45:55, 20:30] = True  # another, elsewhere
    eye = np.zeros_like(mask)
    eye[12:20, 8:20] = True
    brow = np.zeros_like(mask)
    brow[2:12, 8:40] = True
    dropped, covered = whole_occluders(mask, {"right_eye": eye}, 0.33)
    assert covered == ["right_eye"]
    assert dropped[10:20, 5:40].all() and not dropped[45:55, 20:30].any()  # the whole blob, and only it
    # an occluder that touches a left-out component by less than the share is filled as usual
    small = np.zeros_like(mask)
    small[2:13, 8:40] = True  # mostly the brow, one row of the eye
    dropped, covered = whole_occluders(small, {"right_eye": eye}, 0.33)
    assert not dropped.any() and covered == []
    assert not whole_occluders(np.zeros_like(mask), {"right_eye": eye}, 0.33)[0].any()
    with pytest.raises(ValueError, match="right_eye"):
        whole_occluders(mask, {"right_eye": eye[:10]}, 0.33)

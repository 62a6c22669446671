"""Occluder families: every held-out family occludes real faces where it should, reproducibly;
random draws stay within the families asked for; the family and degraded test sets are made as
documented."""

import numpy as np
import pytest

from zoo.data import COMPONENT_NAMES, COMPONENTS, OCCLUSION_KINDS, OccluderBank, occlude
from zoo.data.occluder_families import FAMILY_DESCRIPTIONS, HELD_OUT_FAMILIES, OCCLUDER_FAMILIES, TRAINING_FAMILIES
from zoo.data.occlusion import FAMILY_COMPONENTS


@pytest.fixture(scope="module")
def bank(helen_test):
    return OccluderBank.from_data_root(texture_paths=[s.image_path for s in helen_test[30:50]])


def test_families_are_named_once():
    assert OCCLUSION_KINDS == OCCLUDER_FAMILIES == TRAINING_FAMILIES + HELD_OUT_FAMILIES
    assert len(set(OCCLUDER_FAMILIES)) == len(OCCLUDER_FAMILIES) == 11
    assert not set(TRAINING_FAMILIES) & set(HELD_OUT_FAMILIES)
    assert set(FAMILY_DESCRIPTIONS) == set(OCCLUDER_FAMILIES)


@pytest.mark.parametrize("kind", HELD_OUT_FAMILIES)
def test_held_out_family_on_real_faces(helen_test, bank, kind):
    for i, component in enumerate(FAMILY_COMPONENTS.get(kind, COMPONENT_NAMES)):
        s = helen_test[i]
        image = s.load_image()
        occluded, mask, flags = occlude(image, s.points, component, np.random.default_rng([7, i]), bank, kind)
        assert occluded.shape == image.shape and occluded.dtype == np.uint8
        assert set(np.unique(mask)) <= {0, 1} and mask.any(), (kind, component)
        # the masked pixels changed (on the whole: a patch may match the face in places)
        assert np.abs(occluded.astype(int) - image.astype(int))[mask > 0].mean() > 3, (kind, component)
        # far from the occluder (past its soft edge and its shadow) nothing changes
        ys, xs = np.nonzero(mask)
        reach = max(np.ptp(xs), np.ptp(ys)) + 4
        far = np.ones(mask.shape, bool)
        far[max(0, ys.min() - reach) : ys.max() + reach + 1, max(0, xs.min() - reach) : xs.max() + reach + 1] = False
        np.testing.assert_array_equal(occluded[far], image[far])
        xy = np.clip(np.round(s.points).astype(int), 0, np.array(image.shape[1::-1]) - 1)
        np.testing.assert_array_equal(flags, mask[xy[:, 1], xy[:, 0]])
        # the occluder lands on or next to the component
        pts = s.points[4:13] if component == "jaw" else s.points[list(COMPONENTS[component])]
        x0, y0 = np.floor(pts.min(0) - 0.35 * np.ptp(s.points, 0)).astype(int).clip(0)
        x1, y1 = np.ceil(pts.max(0) + 0.35 * np.ptp(s.points, 0)).astype(int)
        assert mask[y0:y1, x0:x1].sum() > 0.4 * mask.sum(), f"{kind} on {component} missed it"
        # reproducible from the generator's seed
        again = occlude(image, s.points, component, np.random.default_rng([7, i]), bank, kind)
        np.testing.assert_array_equal(again[0], occluded)


def test_random_draws_stay_in_the_families_asked_for(helen_test, bank):
    s = helen_test[5]
    image = s.load_image()
    # default: the training families, drawn exactly as when they were the only kinds
    for seed in range(6):
        a = occlude(image, s.points, "nose", np.random.default_rng(seed), bank)
        b = occlude(image, s.points, "nose", np.random.default_rng(seed), bank, kinds=TRAINING_FAMILIES)
        np.testing.assert_array_equal(a[0], b[0])
    # one family asked for: every draw is that family's (a blur patch keeps the face's own colours)
    for seed in range(4):
        occluded, mask, _ = occlude(image, s.points, "nose", np.random.default_rng(seed), bank, kinds=["blur_patch"])
        m = mask > 0
        assert m.any() and np.abs(occluded[m].mean(0) - image[m].mean(0)).max() < 12
    with pytest.raises(ValueError, match="none of the occluder families"):
        occlude(image, s.points, "right_eye", np.random.default_rng(0), bank, kinds=["band"])


def test_photo_families_need_photos(helen_test):
    s = helen_test[0]
    with pytest.raises(ValueError, match="not available"):
        occlude(s.load_image(), s.points, "mouth", np.random.default_rng(0), None, kind="other_face")
    # the procedural ones need no bank
    for kind in ("flat_object", "text_logo", "props", "blur_patch"):
        assert occlude(s.load_image(), s.points, "mouth", np.random.default_rng(0), None, kind=kind)[1].any()


def test_family_test_set(tmp_path, monkeypatch):
    from zoo.data.folders import load_landmark_folder
    from zoo.data.image_io import read_image
    from zoo.data.test_sets import family_test_set

    monkeypatch.setenv("ZOO_CACHE", str(tmp_path))
    with pytest.raises(ValueError, match="unknown occluder family"):
        family_test_set("piano")
    folder = family_test_set("props")
    faces = load_landmark_folder(folder)
    assert len(faces) == 230
    first = read_image(faces[0].image_path)
    m = read_image(f"{folder}/masks/{faces[0].name}.png", color="gray")
    assert m.shape == first.shape[:2] and (m > 127).any()
    assert family_test_set("props") == folder  # made once


@pytest.mark.parametrize("kind", ["grey", "blur", "lowres"])
def test_degradations(helen_test, kind):
    from zoo.data.test_sets import degrade

    image = helen_test[0].load_image()
    out = degrade(image, kind)
    assert out.shape == image.shape and out.dtype == np.uint8
    if kind == "grey":
        assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    else:  # detail lost: less high-frequency energy
        import cv2

        assert cv2.Laplacian(out, cv2.CV_32F).var() < 0.5 * cv2.Laplacian(image, cv2.CV_32F).var()
    with pytest.raises(ValueError, match="degradation"):
        degrade(image, "sepia")

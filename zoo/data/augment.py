"""Augmentation applied to a face and its landmarks together, seeded and reproducible.

Geometric parts (flip, rotation, scale, translation) are one affine composed with the crop,
so the image is resampled once and the points follow exactly; photometric parts (colour
jitter, blur, grey, low resolution, noise, JPEG) touch the image only.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from zoo.data.shape68 import FLIP_PERMUTATION


@dataclass
class Augmenter:
    """Random face augmentation.

    Args:
        flip: probability of a horizontal flip (points re-indexed with the 68-point permutation).
        rotate: max rotation in degrees (uniform in +-rotate).
        scale: (min, max) zoom factor.
        translate: max shift as a fraction of the crop size.
        color: strength of brightness / contrast / saturation jitter (0 = none).
        blur: probability of a Gaussian blur (sigma 0.5 to `blur_max` px).
        blur_max: the largest blur sigma.
        grey: probability of turning the face grey (luma in three channels).
        lowres: probability of down-sampling to 24-64 px wide and back (a small or far face).
        noise: probability of Gaussian pixel noise (sigma 3-12 grey levels).
        jpeg: probability of JPEG compression at quality 15-60.

    The last five default to 0 (off): a recipe that does not name them draws the same random
    numbers as before they existed.
    """

    flip: float = 0.5
    rotate: float = 20.0
    scale: tuple = (0.9, 1.1)
    translate: float = 0.05
    color: float = 0.2
    blur: float = 0.2
    blur_max: float = 1.5
    grey: float = 0.0
    lowres: float = 0.0
    noise: float = 0.0
    jpeg: float = 0.0

    def geometry(self, rng, size):
        """A random 2x3 affine in crop coordinates and whether it flips."""
        c = (size - 1) / 2.0
        angle = rng.uniform(-self.rotate, self.rotate) if self.rotate else 0.0
        s = rng.uniform(*self.scale) if self.scale else 1.0
        m = cv2.getRotationMatrix2D((c, c), angle, s)
        m[:, 2] += rng.uniform(-self.translate, self.translate, size=2) * size
        flipped = bool(rng.random() < self.flip)
        if flipped:
            f = np.array([[-1.0, 0.0, size - 1.0], [0.0, 1.0, 0.0], [0, 0, 1]])
            m = (f @ np.vstack([m, [0, 0, 1]]))[:2]
        return m, flipped

    def photometric(self, image, rng):
        img = image.astype(np.float32)
        if self.color:
            a = self.color
            img = img * rng.uniform(1 - a, 1 + a) + rng.uniform(-a, a) * 64.0  # contrast, brightness
            grey = img.mean(axis=2, keepdims=True)
            img = grey + (img - grey) * rng.uniform(1 - a, 1 + a)  # saturation
        if self.blur and rng.random() < self.blur:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, self.blur_max))
        if self.grey and rng.random() < self.grey:
            img = np.repeat(img.mean(axis=2, keepdims=True), 3, axis=2)
        if self.lowres and rng.random() < self.lowres:
            h, w = img.shape[:2]
            side = int(rng.integers(24, 65))
            small = cv2.resize(img, (side, max(1, round(side * h / w))), interpolation=cv2.INTER_AREA)
            img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        if self.noise and rng.random() < self.noise:
            img = img + rng.normal(0.0, rng.uniform(3, 12), img.shape).astype(np.float32)
        img = np.clip(img, 0, 255).astype(np.uint8)
        if self.jpeg and rng.random() < self.jpeg:
            ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(15, 61))])
            if ok:
                img = np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])
        return img


def augment_sample(image, points, transform, augmenter, rng):
    """Crop + augment: returns `(crop, crop_points, full_transform, permutation)`;
    `full_transform` maps source coordinates to the augmented crop (so it inverts predictions
    too); `permutation` re-indexes per-point data (flags) after a flip, or is None."""
    size = transform.out_size
    m, flipped = augmenter.geometry(rng, size)
    t = transform.then(m)
    crop = t.warp(image)
    pts = t.apply_points(points)
    perm = FLIP_PERMUTATION if flipped else None
    if flipped:
        pts = pts[perm]
    crop = augmenter.photometric(crop, rng)
    return crop, pts, t, perm

"""Face normalisation: a square crop around a face box, as one 2x3 affine that maps image
coordinates (0-based pixel centres) to crop coordinates; predictions map back exactly."""

from dataclasses import dataclass

import cv2
import numpy as np


def box_from_points(points):
    """Tight `(x, y, w, h)` box of the points."""
    points = np.asarray(points, np.float64)
    x0, y0 = points.min(0)
    x1, y1 = points.max(0)
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def square_box(box, margin=0.25):
    """`(cx, cy, side)` of a square around `box = (x, y, w, h)`, enlarged by `margin` each side."""
    x, y, w, h = (float(v) for v in box)
    if not (w > 0 and h > 0):
        raise ValueError(f"face box must have positive width and height. Received: box={box}")
    side = max(w, h) * (1.0 + 2.0 * margin)
    return x + w / 2.0, y + h / 2.0, side


@dataclass
class CropTransform:
    """An affine map from source image coordinates to an `out_size` x `out_size` crop."""

    matrix: np.ndarray  # (2, 3)
    out_size: int

    @classmethod
    def from_box(cls, box, out_size, margin=0.25):
        cx, cy, side = square_box(box, margin)
        s = out_size / side
        # Pixel centres: the crop's centre (out_size - 1) / 2 sees the box centre.
        c = (out_size - 1) / 2.0
        m = np.array([[s, 0.0, c - s * cx], [0.0, s, c - s * cy]])
        return cls(m, int(out_size))

    @property
    def matrix3(self):
        return np.vstack([self.matrix, [0.0, 0.0, 1.0]])

    def then(self, affine, out_size=None):
        """Compose with a further 2x3 affine applied in crop coordinates."""
        a = np.vstack([np.asarray(affine, np.float64), [0, 0, 1]])
        return CropTransform((a @ self.matrix3)[:2], out_size or self.out_size)

    def apply_points(self, points):
        p = np.asarray(points, np.float64)
        return (p @ self.matrix[:, :2].T + self.matrix[:, 2]).astype(np.float32)

    def invert_points(self, points):
        """Crop coordinates -> source image coordinates."""
        inv = np.linalg.inv(self.matrix3)[:2]
        p = np.asarray(points, np.float64)
        return (p @ inv[:, :2].T + inv[:, 2]).astype(np.float32)

    def warp(self, image, border=cv2.BORDER_REPLICATE):
        return cv2.warpAffine(
            image, self.matrix, (self.out_size, self.out_size), flags=cv2.INTER_LINEAR, borderMode=border
        )


def crop_face(image, points=None, box=None, out_size=112, margin=0.25):
    """Crop a face to `out_size` square: `box` from a detector `(x, y, w, h)`, else from the
    points. Returns `(crop, crop_points or None, transform)`; `transform.invert_points` maps
    predictions back to the source image."""
    if box is None:
        if points is None:
            raise ValueError("crop_face needs a face box or landmarks to derive one")
        box = box_from_points(points)
    t = CropTransform.from_box(box, out_size, margin)
    crop = t.warp(image)
    return crop, (None if points is None else t.apply_points(points)), t


def letterbox(image, size):
    """Fit `image` into a `size` x `size` square, keeping its aspect ratio (centred, black
    border), block-averaged when shrinking. Returns `(square uint8, scale, (pad_x, pad_y))`
    with square pixel = image pixel * scale + pad (pixel-edge coordinates)."""
    image = np.asarray(image)
    h, w = image.shape[:2]
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(np.ascontiguousarray(image), (nw, nh), interpolation=interp)
    px, py = (size - nw) // 2, (size - nh) // 2
    out = np.zeros((size, size, 3), np.uint8)
    out[py : py + nh, px : px + nw] = resized
    return out, (nw / w, nh / h), (px, py)

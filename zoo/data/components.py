"""The seven facial components of a 68-point shape as image regions (what the cascade restores)."""

import cv2
import numpy as np

from zoo.data.shape68 import COMPONENT_NAMES, COMPONENTS


# A component's region: the convex hull of its points dilated by COMPONENT_DILATE x the face's size;
# the jaw a band JAW_WIDTH x the face's size wide (the hole restored for a component, by default).
COMPONENT_DILATE = 0.06
JAW_WIDTH = 0.10


def grown_component_masks(points, shape, margin):
    """`component_masks` grown to `margin` x the face's size (the jaw's band widened alike)."""
    return component_masks(points, shape, dilate=margin, jaw_width=JAW_WIDTH + 2 * (margin - COMPONENT_DILATE))


def face_scale(points):
    """The longer side of the landmark box (the unit of every region's margin)."""
    p = np.asarray(points, np.float64)
    return float(max(np.ptp(p[:, 0]), np.ptp(p[:, 1]), 1.0))


def component_masks(points, shape, dilate=COMPONENT_DILATE, jaw_width=JAW_WIDTH):
    """`{component: (H, W) bool}` regions of a 68-point shape in an image of `shape`.

    Each component is the convex hull of its points dilated by `dilate` x the face's size (the
    brows, eyes, nose and mouth); the jaw, an open curve, is a band `jaw_width` x the face's
    size wide along it.
    """
    h, w = shape[:2]
    p = np.asarray(points, np.float64)
    if p.shape != (68, 2):
        raise ValueError(f"component masks need a (68, 2) shape. Received: {p.shape}")
    scale = face_scale(p)
    out = {}
    r = max(1, int(round(dilate * scale)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    for name in COMPONENT_NAMES:
        m = np.zeros((h, w), np.uint8)
        q = np.round(p[list(COMPONENTS[name])] * 16).astype(np.int32)  # 4 fractional bits
        if name == "jaw":
            cv2.polylines(m, [q], False, 1, max(1, int(round(jaw_width * scale))), cv2.LINE_8, shift=4)
        else:
            cv2.fillConvexPoly(m, cv2.convexHull(q), 1, cv2.LINE_8, shift=4)
            m = cv2.dilate(m, kernel)
        out[name] = m > 0
    return out


def component_coverage(points, mask, **kwargs):
    """`{component: fraction of its region covered by mask}` (mask nonzero = occluded)."""
    mask = np.asarray(mask) > 0
    regions = component_masks(points, mask.shape, **kwargs)
    return {k: float(mask[m].mean()) if m.any() else 0.0 for k, m in regions.items()}

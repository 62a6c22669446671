"""The demo face shipped with the package: NASA's portrait of astronaut Eileen Collins (public
domain; the copy scikit-image ships as `skimage.data.astronaut`, see `zoo/assets/NOTICE.md`),
occluded by a surgical-style face mask drawn procedurally here (no third-party occluder art)."""

import os

import cv2
import numpy as np

ASSETS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets")
DEMO_IMAGE = os.path.join(ASSETS, "astronaut.jpg")

# The mask's outline in the 512x512 photo: over the nose tip, mouth and chin (0-based pixels).
_MASK_OUTLINE = np.array([[176, 124], [199, 116], [222, 113], [246, 116], [270, 124], [273, 148], [262, 172],
                          [240, 186], [222, 189], [203, 186], [182, 172], [172, 148]], np.int32)


def draw_face_mask(image):
    """Draw the procedural surgical mask onto a copy of `image` -> `(occluded, mask)`
    (mask: uint8, 255 = occluded)."""
    out = image.copy()
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(mask, [_MASK_OUTLINE], 255)
    # cloth colour with a soft vertical shading, three horizontal pleats and the ear loops
    ys = np.arange(image.shape[0], dtype=np.float32)[:, None, None]
    base = np.array([168, 201, 222], np.float32)[None, None] * (1.0 - 0.12 * (ys - 113) / 76).clip(0.85, 1.0)
    layer = np.broadcast_to(base, image.shape).copy()
    for y in (138, 152, 166):
        cv2.line(layer, (178, y), (268, y - 2), (130, 160, 182), 2, cv2.LINE_AA)
    inside = mask > 0
    out[inside] = layer[inside].clip(0, 255).astype(np.uint8)
    for (x0, y0), (x1, y1) in (((176, 126), (166, 104)), ((176, 166), (168, 112)), ((270, 126), (279, 104)), ((266, 166), (278, 112))):
        cv2.line(out, (x0, y0), (x1, y1), (235, 240, 245), 2, cv2.LINE_AA)
        cv2.line(mask, (x0, y0), (x1, y1), 255, 3)
    cv2.polylines(out, [_MASK_OUTLINE], True, (120, 150, 170), 1, cv2.LINE_AA)
    return out, mask


def demo_image(occluded=True, with_mask=False):
    """The demo photo (512x512 RGB uint8), occluded by the drawn face mask unless `occluded=False`;
    with `with_mask`, also the occluder's mask."""
    from zoo.data.image_io import read_image

    image = read_image(DEMO_IMAGE)
    if not occluded:
        return (image, np.zeros(image.shape[:2], np.uint8)) if with_mask else image
    out, mask = draw_face_mask(image)
    return (out, mask) if with_mask else out

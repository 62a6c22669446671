"""Poisson blending of a restored region into the image it came from (`cv2.seamlessClone`),
as the seed post-processes GAN-IA's output."""

import cv2
import numpy as np


def poisson_blend(image, restored, mask, margin=3):
    """Blend the masked region of `restored` into `image` by Poisson editing (OpenCV's
    `seamlessClone`, NORMAL_CLONE), as the seed post-processes GAN-IA's output.

    Inside the mask the result keeps the gradients of `restored` and meets the pixels of `image`
    around the mask, so colour and brightness offsets of the restorer vanish at the seam. The
    pixels of `image` inside the mask (the occluder) never reach the result; pixels outside the
    mask are returned unchanged.

    Args:
        image: `(H, W, 3)` uint8 RGB, the occluded input.
        restored: `(H, W, 3)` uint8 RGB, the restorer's whole output at the image's size (its
            gradients guide the fill, so pass the full output, not a composite with a seam).
        mask: `(H, W)`, nonzero = occluded.
        margin: pixels the guidance region extends beyond the mask (OpenCV erodes the region it
            is given; with less than ~3 px the occluder's edge leaks back in).
    """
    m = np.asarray(mask) > 0
    if not m.any():
        return image.copy()
    if restored.shape != image.shape or m.shape != image.shape[:2]:
        raise ValueError(f"image {image.shape}, restored {restored.shape} and mask {m.shape} must have the same size")
    dst = image.copy()
    dst[m] = restored[m]  # the occluder's pixels must not guide the solve (its edges would leak back)
    k = 2 * int(margin) + 1
    region = cv2.dilate(m.astype(np.uint8), np.ones((k, k), np.uint8)) * 255
    region[0, :] = region[-1, :] = 0  # seamlessClone needs the region away from the border
    region[:, 0] = region[:, -1] = 0
    if not region.any():
        return dst
    ys, xs = np.nonzero(region)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    center = (int((x0 + x1 + 1) // 2), int((y0 + y1 + 1) // 2))
    src = cv2.cvtColor(np.ascontiguousarray(restored), cv2.COLOR_RGB2BGR)
    dst_bgr = cv2.cvtColor(np.ascontiguousarray(dst), cv2.COLOR_RGB2BGR)
    # seamlessClone writes into the mask it is given (seen with OpenCV 5.0): pass a copy.
    out = cv2.cvtColor(cv2.seamlessClone(src, dst_bgr, region.copy(), center, cv2.NORMAL_CLONE), cv2.COLOR_BGR2RGB)
    out[~m] = image[~m]
    return out

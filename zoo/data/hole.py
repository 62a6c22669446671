"""The occluder's outline from a coarse occluder map: a stride-8 map is 8 px blocks on the face
crop, so a hole cut from it leaves slivers of occluder at its edge and takes face beside it. GrabCut
(OpenCV; colour models of occluder and face learned from the image itself) moves the outline to the
image's own edges, starting from the map: sure occluder where the map is confident, sure face far
from any mark, undecided in between."""

import cv2
import numpy as np


def refine_hole(image, probability, sure=0.8, maybe=0.5, near=0.2, reach=0.06, iterations=3):
    """A full-resolution occluder mask from an `(H, W)` probability map of the `(H, W, 3)` uint8
    image: GrabCut initialised with the map (above `sure`: occluder; above `maybe`: probably
    occluder; above `near` or within `reach` x the image side of one: probably face; elsewhere:
    face). Returns a bool mask (the map above `maybe` where GrabCut cannot run)."""
    image = np.ascontiguousarray(np.asarray(image, np.uint8))
    p = np.asarray(probability, np.float32)
    if image.shape[:2] != p.shape or image.ndim != 3:
        raise ValueError(f"image {image.shape} and probability map {p.shape} must be (H, W, 3) and (H, W)")
    plain = p > maybe
    if not plain.any():
        return plain
    k = max(3, int(reach * max(p.shape)) | 1)
    around = cv2.dilate((p > near).astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    seeds = np.full(p.shape, cv2.GC_BGD, np.uint8)
    seeds[around] = cv2.GC_PR_BGD
    seeds[plain] = cv2.GC_PR_FGD
    seeds[cv2.erode((p > sure).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0] = cv2.GC_FGD
    ys, xs = np.nonzero(around)
    pad = k
    y0, y1 = max(0, ys.min() - pad), min(p.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(p.shape[1], xs.max() + pad + 1)
    sub = seeds[y0:y1, x0:x1].copy()
    if not ((sub == cv2.GC_BGD) | (sub == cv2.GC_PR_BGD)).any():
        return plain  # no face left to learn the face's colours from
    try:
        cv2.grabCut(np.ascontiguousarray(image[y0:y1, x0:x1]), sub, None, np.zeros((1, 65)), np.zeros((1, 65)), iterations,
                    cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return plain
    out = np.zeros(p.shape, bool)
    out[y0:y1, x0:x1] = (sub == cv2.GC_FGD) | (sub == cv2.GC_PR_FGD)
    return out


def whole_occluders(mask, regions, share):
    """The occluders in `mask` that must stay whole: `(dropped, covered)`, where `dropped` is the
    `(H, W)` bool union of the connected blobs (8-connected) of `mask` that each cover more than
    `share` of some region in `regions` (`{name: (H, W) bool}`), and `covered` the names of the
    regions they cover, in `regions`' order.

    The Landmarker restores some components and not others (where restoring does not pay for a
    regressor): an occluder over a component left as it is must be left whole, not filled where it
    reaches a restored neighbour."""
    mask = np.asarray(mask, bool)
    dropped = np.zeros(mask.shape, bool)
    covered = []
    if not mask.any() or not regions:
        return dropped, covered
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    for name, region in regions.items():
        region = np.asarray(region, bool)
        if region.shape != mask.shape:
            raise ValueError(f"region {name!r} has shape {region.shape}, the mask {mask.shape}")
        area = int(region.sum())
        if area == 0:
            continue
        counts = np.bincount(labels[region], minlength=n)[1:]  # pixels of each blob inside the region
        hit = np.flatnonzero(counts > share * area) + 1
        if hit.size:
            dropped |= np.isin(labels, hit)
            covered.append(name)
    return dropped, covered

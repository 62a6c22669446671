"""Drawing for people to look at: landmarks, component hulls, contact sheets."""

import cv2
import numpy as np

from zoo.data.shape68 import COMPONENTS

COMPONENT_COLORS = {
    "jaw": (255, 200, 0), "right_brow": (0, 200, 255), "left_brow": (0, 120, 255), "nose": (255, 0, 200),
    "right_eye": (0, 255, 0), "left_eye": (0, 255, 120), "mouth": (255, 60, 60),
}


def draw_landmarks(image, points, flags=None, hulls=True, radius=None):
    """RGB copy of `image` with component hulls and points (occluded points in red)."""
    out = np.ascontiguousarray(image.copy())
    h = out.shape[0]
    r = radius or max(1, h // 128)
    pts = np.asarray(points, np.float32)
    if hulls and len(pts) == 68:
        for name, idx in COMPONENTS.items():
            p = pts[list(idx)].astype(np.int32)
            if name == "jaw":
                cv2.polylines(out, [p], False, COMPONENT_COLORS[name], 1, cv2.LINE_AA)
            else:
                cv2.polylines(out, [cv2.convexHull(p)], True, COMPONENT_COLORS[name], 1, cv2.LINE_AA)
    for i, (x, y) in enumerate(pts):
        occluded = flags is not None and flags[i]
        cv2.circle(out, (int(round(x)), int(round(y))), r, (255, 0, 0) if occluded else (255, 255, 255), -1, cv2.LINE_AA)
    return out


def contact_sheet(tiles, columns=8, tile_size=160, labels=None):
    """Grid of RGB tiles resized to `tile_size`, optional text labels."""
    cells = []
    for i, t in enumerate(tiles):
        c = cv2.resize(t, (tile_size, tile_size), interpolation=cv2.INTER_AREA)
        if labels is not None:
            cv2.putText(c, str(labels[i])[:22], (3, tile_size - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (255, 255, 0), 1, cv2.LINE_AA)
        cells.append(c)
    while len(cells) % columns:
        cells.append(np.zeros_like(cells[0]))
    rows = [np.concatenate(cells[i : i + columns], 1) for i in range(0, len(cells), columns)]
    return np.concatenate(rows, 0)

"""Multi-face photos made from annotated face crops, for measuring detectors by face size.

A composite is a canvas (a face-free background: `face_free_image`) with several annotated faces
pasted on it, each scaled so that its landmark box is a chosen width, from 24 px up to most of the
frame, with a feathered elliptical edge (no crop border to find), in colour or grey. Each face's
true box is its 68 points' bounding box in the canvas.

Backgrounds are drawn, not photographed, so they hold no face: smooth multi-scale colour noise,
gradients, and clutter (rectangles, discs, lines, stripes) of random colours; some are blurred
or grainy. The same seed gives the same image.

    >>> rng = np.random.default_rng(0)
    >>> image, boxes = composite(rng, samples, widths=[40, 90, 200])
"""

import cv2
import numpy as np

# face widths (landmark box, canvas pixels) the benchmark reports separately
SIZE_BINS = ((0, 40), (40, 60), (60, 120), (120, 240), (240, 10_000))


def size_bin(width):
    """The label of `SIZE_BINS`' bin holding `width` (e.g. `"40-60"`, `">=240"`)."""
    for lo, hi in SIZE_BINS:
        if lo <= width < hi:
            return f">={lo}" if hi >= 10_000 else (f"<{hi}" if lo == 0 else f"{lo}-{hi}")
    raise ValueError(f"width {width} outside the bins")


def _smooth_noise(rng, h, w):
    out = np.zeros((h, w, 3), np.float32)
    for cells, weight in ((2, 1.0), (5, 0.6), (13, 0.35), (40, 0.2)):
        small = rng.uniform(0, 255, (cells, max(2, round(cells * w / h)), 3)).astype(np.float32)
        out += weight * cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    out /= 2.15
    return out


def face_free_image(rng, height=600, width=900):
    """A drawn background (uint8 RGB) with no face in it: smooth noise or a gradient, clutter
    shapes, sometimes blur or grain."""
    h, w = int(height), int(width)
    if rng.random() < 0.5:
        base = _smooth_noise(rng, h, w)
    else:
        a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
        t = np.linspace(0, 1, w if rng.random() < 0.5 else h, dtype=np.float32)
        ramp = (1 - t)[:, None] * a + t[:, None] * b
        base = np.broadcast_to(ramp[None], (h, w, 3)) if len(t) == w else np.broadcast_to(ramp[:, None], (h, w, 3))
        base = base.astype(np.float32) + rng.normal(0, 6, (h, w, 3))
    img = np.clip(base, 0, 255).astype(np.uint8).copy()
    for _ in range(int(rng.integers(3, 25))):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(0, 4)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        s = int(rng.integers(8, max(9, min(h, w) // 3)))
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + s, y + int(s * rng.uniform(0.3, 2))), colour, -1)
        elif kind == 1:
            cv2.circle(img, (x, y), s // 2, colour, -1, cv2.LINE_AA)
        elif kind == 2:
            cv2.line(img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), colour, int(rng.integers(1, 8)), cv2.LINE_AA)
        else:
            for k in range(int(rng.integers(3, 10))):
                cv2.line(img, (x, y + 6 * k), (x + s, y + 6 * k), colour, 2)
    if rng.random() < 0.3:
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(1, 4)))
    if rng.random() < 0.3:
        img = np.clip(img.astype(np.int16) + rng.normal(0, 10, img.shape).astype(np.int16), 0, 255).astype(np.uint8)
    return img


def _paste(canvas, face, points, width, x0, y0, grey):
    """Scale `face` so its landmark box is `width` px wide and paste it with its landmark box's
    top-left at (x0, y0), through a feathered ellipse around the face. Returns the true box."""
    lo, hi = points.min(0), points.max(0)
    s = width / max(hi[0] - lo[0], 1.0)
    h, w = face.shape[:2]
    size = (max(1, round(w * s)), max(1, round(h * s)))
    scaled = cv2.resize(face, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    if grey:
        scaled = np.repeat(cv2.cvtColor(scaled, cv2.COLOR_RGB2GRAY)[..., None], 3, 2)
    pts = points * s
    plo, phi = pts.min(0), pts.max(0)
    centre, axes = (plo + phi) / 2, (phi - plo) / 2 * np.array([1.35, 1.55])
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
    r = np.sqrt(((xx - centre[0]) / axes[0]) ** 2 + ((yy - centre[1] + 0.1 * axes[1]) / axes[1]) ** 2)
    alpha = np.clip((1.25 - r) / 0.25, 0, 1)[..., None]
    ox, oy = int(round(x0 - plo[0])), int(round(y0 - plo[1]))
    H, W = canvas.shape[:2]
    cx0, cy0, cx1, cy1 = max(ox, 0), max(oy, 0), min(ox + size[0], W), min(oy + size[1], H)
    if cx1 <= cx0 or cy1 <= cy0:
        return None
    region = canvas[cy0:cy1, cx0:cx1].astype(np.float32)
    f = scaled[cy0 - oy : cy1 - oy, cx0 - ox : cx1 - ox].astype(np.float32)
    a = alpha[cy0 - oy : cy1 - oy, cx0 - ox : cx1 - ox]
    canvas[cy0:cy1, cx0:cx1] = np.clip(a * f + (1 - a) * region, 0, 255).astype(np.uint8)
    return [float(ox + plo[0]), float(oy + plo[1]), float(ox + phi[0]), float(oy + phi[1])]


def composite(rng, samples, widths, height=600, width=900, grey=None):
    """A canvas of `height` x `width` with one face of `samples` (`LandmarkSample`s, drawn at
    random) per entry of `widths` (landmark-box widths in px), placed without overlapping
    (faces that do not fit are left out). Returns `(image uint8 RGB, true boxes [[x0, y0, x1, y1], ...])`."""
    canvas = face_free_image(rng, height, width)
    grey = bool(rng.random() < 0.5) if grey is None else bool(grey)
    if grey:
        canvas = np.repeat(cv2.cvtColor(canvas, cv2.COLOR_RGB2GRAY)[..., None], 3, 2)
    taken, boxes = [], []
    for wd in sorted(widths, reverse=True):
        s = samples[int(rng.integers(len(samples)))]
        pts = np.asarray(s.points, np.float32)
        aspect = (pts[:, 1].max() - pts[:, 1].min()) / max(pts[:, 0].max() - pts[:, 0].min(), 1.0)
        fw, fh = float(wd), float(wd) * aspect
        margin = 0.3 * fw  # the feathered ellipse reaches past the landmark box
        for _ in range(300):
            x0 = rng.uniform(margin * 0.3, max(margin * 0.3 + 1, width - fw - margin * 0.3))
            y0 = rng.uniform(margin * 0.6, max(margin * 0.6 + 1, height - fh - margin * 0.3))
            box = (x0 - margin, y0 - margin, x0 + fw + margin, y0 + fh + margin)
            if all(box[2] <= t[0] or t[2] <= box[0] or box[3] <= t[1] or t[3] <= box[1] for t in taken):
                break
        else:
            continue
        placed = _paste(canvas, s.load_image(), pts, fw, x0, y0, grey)
        if placed is not None:
            taken.append(box)
            boxes.append(placed)
    return canvas, boxes


def match_faces(detected, truth, min_ratio=0.5, max_ratio=2.5):
    """One-to-one matches of detected boxes to true landmark boxes: a detection matches a face
    when its centre lies inside the face's landmark box and its width is `min_ratio`-`max_ratio`
    times the box's (best-scoring detections first). Returns `(found per true box: bool list,
    number of detections that matched nothing)`."""
    found = [False] * len(truth)
    unmatched = 0
    for d in detected:
        x0, y0, x1, y1 = d
        cx, cy, w = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0
        hit = None
        for j, (t0, u0, t1, u1) in enumerate(truth):
            if not found[j] and t0 <= cx <= t1 and u0 <= cy <= u1 and min_ratio <= w / max(t1 - t0, 1e-6) <= max_ratio:
                hit = j
                break
        if hit is None:
            unmatched += 1
        else:
            found[hit] = True
    return found, unmatched

"""Occluder families: what covers a face, named, so that a model can be trained on some and
measured on the others (a claim about unseen occluders holds only on a family held out).

The five kinds the project trained with from the start (`TRAINING_FAMILIES`) and six more that
no shipped model has seen (`HELD_OUT_FAMILIES`, until a recipe names them):

| family | what |
| --- | --- |
| `object` | real RGBA cut-outs (face masks, glasses, sunglasses, a cap) where such objects sit |
| `cofw_hole` | real occlusion shapes from the COFW training masks, filled with a texture |
| `texture` | a polygon or ellipse of texture cut from another image (or noise) |
| `hand` | a procedural hand (palm + fingers) in a skin tone |
| `band` | a scarf-like patterned band across the lower face |
| `natural_patch` | hair, clothes and background cut from the border of other photos, irregular soft outline |
| `flat_object` | flat-coloured and gradient things (cards, phones, cups): rounded rectangles, capsules, ellipses |
| `text_logo` | drawn text and simple logos, bare or on a panel |
| `props` | sunglasses-like (two dark lenses and a frame) and microphone-like (a ball on a handle) shapes |
| `other_face` | a crop of another face (its eyes, nose or mouth region) with a soft edge |
| `blur_patch` | the face itself blurred or pixelated in a patch (censoring) |

Each new family also varies its edges (hard or feathered) and may cast a shadow (darkening next
to the occluder, not counted as occluded). A generator returns `(rgb (h, w, 3) float32, alpha (h, w)
float32 in [0, 1])` for a box of `(h, w)` pixels; `occlude(..., kind=FAMILY)` places it.
"""

import cv2
import numpy as np

TRAINING_FAMILIES = ("object", "cofw_hole", "texture", "hand", "band")
HELD_OUT_FAMILIES = ("natural_patch", "flat_object", "text_logo", "props", "other_face", "blur_patch")
OCCLUDER_FAMILIES = TRAINING_FAMILIES + HELD_OUT_FAMILIES

FAMILY_DESCRIPTIONS = {
    "object": "real RGBA cut-outs (face masks, glasses, sunglasses, a cap)",
    "cofw_hole": "COFW occlusion shapes filled with texture",
    "texture": "polygons and ellipses of texture or noise",
    "hand": "procedural hands in skin tones",
    "band": "scarf-like bands across the lower face",
    "natural_patch": "hair, clothes and background cut from other photos",
    "flat_object": "flat and gradient objects (cards, phones, cups)",
    "text_logo": "drawn text and logos",
    "props": "sunglasses- and microphone-like shapes",
    "other_face": "partial crops of other faces",
    "blur_patch": "blurred or pixelated patches of the face itself",
}

_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_COMPLEX)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _colour(rng, low=0, high=255):
    return rng.uniform(low, high, size=3).astype(np.float32)


def _blob_alpha(rng, h, w, points=12, smooth=0.15):
    """An irregular closed blob filling most of an `(h, w)` box."""
    alpha = np.zeros((h, w), np.float32)
    t = np.sort(rng.uniform(0, 2 * np.pi, points))
    r = rng.uniform(0.65, 1.0, points)
    xs = w / 2 + np.cos(t) * r * (w / 2 - 1)
    ys = h / 2 + np.sin(t) * r * (h / 2 - 1)
    cv2.fillPoly(alpha, [np.stack([xs, ys], 1).astype(np.int32)], 1.0)
    k = max(3, int(smooth * min(h, w)) | 1)
    alpha = cv2.GaussianBlur(alpha, (k, k), 0)
    return (alpha > 0.5).astype(np.float32)


def soften(alpha, rng, hard=0.5):
    """Feathered edges with probability `1 - hard` (the occluder's mask stays `alpha > 0.5`)."""
    if rng.random() < hard:
        return alpha
    k = max(3, int(rng.uniform(0.04, 0.12) * min(alpha.shape)) | 1)
    return cv2.GaussianBlur(alpha, (k, k), 0)


def natural_patch(rng, h, w, bank):
    rgb = bank.photo_patch(rng, h, w)
    return rgb, _blob_alpha(rng, h, w, points=int(rng.integers(7, 16)))


def flat_object(rng, h, w, bank=None):
    alpha = np.zeros((h, w), np.float32)
    shape = rng.integers(3)
    if shape == 0:  # rounded rectangle (a card, a phone)
        r = int(rng.uniform(0.05, 0.3) * min(h, w))
        cv2.rectangle(alpha, (r, 0), (w - 1 - r, h - 1), 1.0, -1)
        cv2.rectangle(alpha, (0, r), (w - 1, h - 1 - r), 1.0, -1)
        for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
            cv2.circle(alpha, (cx, cy), r, 1.0, -1)
    elif shape == 1:  # a capsule (a cup, a bottle, a finger-like bar)
        r = max(1, min(h, w) // 2 - 1)
        if h >= w:
            cv2.rectangle(alpha, (0, r), (w - 1, h - 1 - r), 1.0, -1)
            cv2.circle(alpha, (w // 2, r), r, 1.0, -1)
            cv2.circle(alpha, (w // 2, h - 1 - r), r, 1.0, -1)
        else:
            cv2.rectangle(alpha, (r, 0), (w - 1 - r, h - 1), 1.0, -1)
            cv2.circle(alpha, (r, h // 2), r, 1.0, -1)
            cv2.circle(alpha, (w - 1 - r, h // 2), r, 1.0, -1)
    else:
        cv2.ellipse(alpha, (w // 2, h // 2), (max(1, w // 2 - 1), max(1, h // 2 - 1)), 0, 0, 360, 1.0, -1)
    c1 = _colour(rng)
    if rng.random() < 0.5:
        rgb = np.empty((h, w, 3), np.float32)
        rgb[:] = c1
    else:  # a linear gradient, with a highlight band sometimes (a glossy object)
        c2 = _colour(rng)
        ang = rng.uniform(0, np.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        t = (np.cos(ang) * xx / max(w, 1) + np.sin(ang) * yy / max(h, 1))
        t = (t - t.min()) / max(float(np.ptp(t)), 1e-6)
        rgb = c1 * (1 - t[..., None]) + c2 * t[..., None]
        if rng.random() < 0.4:
            rgb += 60.0 * np.exp(-((t - rng.uniform(0.2, 0.8)) / 0.08) ** 2)[..., None]
    rgb += rng.normal(0, 3, size=(h, w, 3)).astype(np.float32)
    return np.clip(rgb, 0, 255), alpha


def _draw_text(canvas, rng, colour, h, w):
    """Random letters, as large as fit, centred on a float32 `canvas` (drawn on uint8: OpenCV)."""
    board = np.clip(canvas, 0, 255).astype(np.uint8) if canvas.ndim == 3 else np.zeros((h, w), np.uint8)
    n = int(rng.integers(2, 7))
    text = "".join(_LETTERS[i] for i in rng.integers(len(_LETTERS), size=n))
    font = _FONTS[rng.integers(len(_FONTS))]
    thickness = max(1, int(rng.uniform(0.06, 0.14) * h))
    (tw, th), base = cv2.getTextSize(text, font, 1.0, thickness)
    scale = min(0.9 * w / max(tw, 1), 0.8 * h / max(th + base, 1))
    thickness = max(1, int(thickness * max(scale, 0.3)))
    (tw, th), base = cv2.getTextSize(text, font, scale, thickness)
    org = (max(0, (w - tw) // 2), min(h - 1, (h + th) // 2))
    if canvas.ndim == 3:
        cv2.putText(board, text, org, font, scale, tuple(int(c) for c in colour), thickness, cv2.LINE_AA)
        canvas[:] = board.astype(np.float32)
    else:  # an alpha canvas in [0, 1]
        cv2.putText(board, text, org, font, scale, 255, thickness, cv2.LINE_AA)
        canvas[:] = np.maximum(canvas, board.astype(np.float32) / 255.0)


def text_logo(rng, h, w, bank=None):
    fg = tuple(float(v) for v in _colour(rng))
    if rng.random() < 0.5:  # a sign / a label: text on a panel
        rgb = np.empty((h, w, 3), np.float32)
        rgb[:] = _colour(rng)
        _draw_text(rgb, rng, fg, h, w)
        alpha = np.ones((h, w), np.float32)
        if rng.random() < 0.5:  # a round badge
            alpha[:] = 0
            cv2.ellipse(alpha, (w // 2, h // 2), (max(1, w // 2 - 1), max(1, h // 2 - 1)), 0, 0, 360, 1.0, -1)
        return rgb, alpha
    # bare text and a logo mark: the strokes are the occluder
    alpha = np.zeros((h, w), np.float32)
    _draw_text(alpha, rng, (1.0, 1.0, 1.0), h, w)
    if rng.random() < 0.6:
        r = int(rng.uniform(0.15, 0.3) * min(h, w))
        c = (int(rng.uniform(r, max(r + 1, w - r))), int(rng.uniform(r, max(r + 1, h - r))))
        if rng.random() < 0.5:
            cv2.circle(alpha, c, r, 1.0, -1)
        else:
            star = [(c[0] + r * np.cos(a) * (1 if k % 2 == 0 else 0.45), c[1] + r * np.sin(a) * (1 if k % 2 == 0 else 0.45))
                    for k, a in enumerate(np.linspace(-np.pi / 2, 1.5 * np.pi, 11)[:-1])]
            cv2.fillPoly(alpha, [np.int32(star)], 1.0)
    alpha = cv2.dilate(alpha, np.ones((3, 3), np.uint8))
    rgb = np.empty((h, w, 3), np.float32)
    rgb[:] = fg
    return rgb, alpha


def sunglasses(rng, h, w):
    alpha = np.zeros((h, w), np.float32)
    lens = np.zeros((h, w), np.float32)
    rx, ry = int(w * rng.uniform(0.2, 0.24)), int(h * rng.uniform(0.3, 0.42))
    cy = h // 2
    for cx in (int(w * 0.27), int(w * 0.73)):
        if rng.random() < 0.5:
            cv2.ellipse(lens, (cx, cy), (rx, ry), 0, 0, 360, 1.0, -1)
        else:
            cv2.rectangle(lens, (cx - rx, cy - ry), (cx + rx, cy + ry), 1.0, -1)
    frame = cv2.dilate(lens, np.ones((3, 3), np.uint8), iterations=max(1, int(0.03 * w)))
    t = max(1, int(0.03 * h))
    cv2.line(frame, (int(w * 0.27) + rx, cy - ry // 2), (int(w * 0.73) - rx, cy - ry // 2), 1.0, t)
    alpha = np.maximum(frame, lens)
    rgb = np.empty((h, w, 3), np.float32)
    rgb[:] = _colour(rng, 0, 90)  # the frame
    tint = _colour(rng, 0, 70)
    shade = np.linspace(1.3, 0.7, h, dtype=np.float32)[:, None, None]
    rgb = np.where(lens[..., None] > 0, tint * shade, rgb)
    return np.clip(rgb, 0, 255), alpha


def microphone(rng, h, w):
    alpha = np.zeros((h, w), np.float32)
    r = int(min(w * 0.45, h * 0.3))
    cx, cy = w // 2, r + 1
    cv2.circle(alpha, (cx, cy), r, 1.0, -1)
    hw = max(2, int(r * rng.uniform(0.35, 0.55)))
    handle = np.array([[cx - hw, cy + r // 2], [cx + hw, cy + r // 2], [cx + int(hw * 0.7), h - 1], [cx - int(hw * 0.7), h - 1]], np.int32)
    cv2.fillConvexPoly(alpha, handle, 1.0)
    rgb = np.empty((h, w, 3), np.float32)
    rgb[:] = _colour(rng, 0, 80)  # the handle
    head = np.zeros((h, w), np.float32)
    cv2.circle(head, (cx, cy), r, 1.0, -1)
    grey = rng.uniform(60, 200)
    yy, xx = np.mgrid[0:h, 0:w]
    mesh = 0.8 + 0.2 * ((xx // max(2, r // 5) + yy // max(2, r // 5)) % 2)
    rgb = np.where(head[..., None] > 0, (grey * mesh)[..., None].repeat(3, -1), rgb)
    return np.clip(rgb, 0, 255).astype(np.float32), alpha


def other_face(rng, h, w, bank):
    rgb = bank.face_patch(rng, h, w)
    alpha = np.zeros((h, w), np.float32)
    cv2.ellipse(alpha, (w // 2, h // 2), (max(1, w // 2 - 1), max(1, h // 2 - 1)), 0, 0, 360, 1.0, -1)
    return rgb, alpha


def blur_patch(image, rng, cx, cy, h, w):
    """The face's own pixels in an `(h, w)` box at (cx, cy), blurred or pixelated: `(rgb, alpha)`."""
    H, W = image.shape[:2]
    x0, y0 = int(round(cx - w / 2)), int(round(cy - h / 2))
    padded = cv2.copyMakeBorder(image, h, h, w, w, cv2.BORDER_REFLECT)
    region = padded[y0 + h : y0 + 2 * h, x0 + w : x0 + 2 * w].astype(np.float32)
    if rng.random() < 0.5:
        cell = max(3, int(rng.uniform(0.12, 0.25) * min(h, w)))
        small = cv2.resize(region, (max(1, w // cell), max(1, h // cell)), interpolation=cv2.INTER_AREA)
        rgb = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    else:
        sigma = rng.uniform(0.12, 0.25) * min(h, w)
        rgb = cv2.GaussianBlur(region, (0, 0), sigma)
    alpha = np.zeros((h, w), np.float32)
    if rng.random() < 0.5:
        alpha[:] = 1.0
    else:
        cv2.ellipse(alpha, (w // 2, h // 2), (max(1, w // 2 - 1), max(1, h // 2 - 1)), 0, 0, 360, 1.0, -1)
    return rgb, alpha


def cast_shadow(image, alpha_full, rng):
    """Darken the image where the occluder's shadow falls (shifted, blurred, outside the
    occluder): a shadow is not an occlusion, the points under it stay visible."""
    H, W = alpha_full.shape
    size = max(4, int(np.sqrt(max(float(alpha_full.sum()), 1.0))))
    dx, dy = (rng.uniform(-0.25, 0.25, 2) * size).astype(int)
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    shadow = cv2.warpAffine(alpha_full.astype(np.float32), m, (W, H))
    k = max(3, int(0.3 * size) | 1)
    shadow = cv2.GaussianBlur(shadow, (k, k), 0) * (1.0 - np.clip(alpha_full, 0, 1))
    strength = rng.uniform(0.25, 0.55)
    out = image.astype(np.float32) * (1.0 - strength * shadow[..., None])
    return np.clip(out, 0, 255).astype(np.uint8)

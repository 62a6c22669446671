"""Synthetic occlusion of clean faces at facial components (after DRDA and the seed).

`occlude(image, points, component, rng)` pastes an occluder over one of the seven components
of the 68-point shape and returns the occluded image, the binary mask (1 = occluded) and the
per-landmark occlusion flags. Occluders come in families (`zoo.data.occluder_families`); the
five the project trained with from the start:

- "object": a real RGBA cut-out (face masks, glasses, sunglasses, a cap) from an
  `OccluderBank`, placed where such an object sits (glasses over the eyes, masks over the lower
  face) or anywhere over the component;
- "cofw_hole": a real occlusion *shape* from the COFW training masks (the hole in the visible
  face region), filled with a texture cut from another image;
- "texture": a random polygon or ellipse of texture cut from another image (or noise);
- "hand": a procedural hand-like blob (palm + fingers) in a random skin tone;
- "band": a scarf-like patterned band across the lower face.

and six more (`HELD_OUT_FAMILIES`: natural patches, flat objects, text and logos, props, other
faces, blur patches), drawn only when asked for by `kind=` or `kinds=`.

Sizes, positions, rotations and kinds vary with `rng`.
"""

import glob
import os

import cv2
import numpy as np

from zoo.data import occluder_families as fam
from zoo.data.image_io import read_image, read_rgba
from zoo.data.occluder_families import HELD_OUT_FAMILIES, OCCLUDER_FAMILIES, TRAINING_FAMILIES
from zoo.data.shape68 import BROWS, CHIN, COMPONENT_NAMES, COMPONENTS, EYES, LOWER_FACE

OCCLUSION_KINDS = OCCLUDER_FAMILIES
# the components a family can cover (all seven where not listed)
FAMILY_COMPONENTS = {"band": ("jaw", "mouth", "nose")}
_MAX_SIDE = 320


def _shrink(img, max_side=_MAX_SIDE):
    h, w = img.shape[:2]
    s = max_side / max(h, w)
    if s < 1:
        img = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    return img


def _object_role(name):
    n = name.lower()
    if "glass" in n:
        return "glasses"
    if "cap" in n or "hat" in n:
        return "cap"
    if any(k in n for k in ("mask", "n95", "kn95", "surgical", "cloth", "gas")):
        return "face_mask"
    return "any"


class OccluderBank:
    """Occluder sources: RGBA cut-outs, occlusion-shaped hole masks, texture images.

    Args:
        object_paths: RGBA PNGs (alpha = object).
        hole_mask_paths: binary visible-face masks (COFW style: 255 = visible face); the hole
            shapes are `convex_hull(mask) & ~mask`, largest blob.
        texture_paths: images to cut texture patches from (procedural noise when empty).
        max_holes: at most this many hole masks are read.
    """

    def __init__(self, object_paths=(), hole_mask_paths=(), texture_paths=(), max_holes=150):
        self.object_paths = sorted(object_paths)
        self.hole_mask_paths = sorted(hole_mask_paths)[:max_holes]
        self.texture_paths = list(texture_paths)
        self._objects = None
        self._holes = None
        self._textures = {}

    @classmethod
    def from_data_root(cls, root=None, texture_paths=(), max_holes=150):
        """The staged occluders and COFW masks under the data root (`ZOO_DATA`)."""
        from zoo.data.paths import data_root

        root = root or data_root()
        objects = glob.glob(os.path.join(root, "occluders", "**", "*.png"), recursive=True)
        holes = glob.glob(os.path.join(root, "cofw_train_face_masks", "masks", "*.png"))
        if not objects:
            raise FileNotFoundError(f"no occluder PNGs under {os.path.join(root, 'occluders')}")
        return cls(objects, holes, texture_paths, max_holes)

    @property
    def objects(self):
        if self._objects is None:
            self._objects = [(os.path.basename(p), _object_role(os.path.basename(p)), _shrink(read_rgba(p))) for p in self.object_paths]
        return self._objects

    @property
    def holes(self):
        if self._holes is None:
            holes = []
            for p in self.hole_mask_paths:
                m = cv2.imread(p, cv2.IMREAD_GRAYSCALE)
                if m is None:
                    continue
                hole = _hole_shape(m > 127)
                if hole is not None:
                    holes.append(hole)
            self._holes = holes
        return self._holes

    def _photo(self, rng):
        path = self.texture_paths[rng.integers(len(self.texture_paths))]
        if path not in self._textures:
            if len(self._textures) > 64:
                self._textures.clear()
            self._textures[path] = _shrink(read_image(path), 256)
        return self._textures[path]

    def _photo_cut(self, rng, h, w, side):
        """A random photo and the `(ph, pw)` of a cut from it: `side` (a range) of its height, the
        cut's aspect the `(h, w)` box's, within the photo."""
        src = self._photo(rng)
        sh, sw = src.shape[:2]
        f = rng.uniform(*side)
        ph, pw = max(8, int(f * sh)), max(8, int(f * sw * w / max(h, 1)))
        return src, min(ph, sh), min(pw, sw)

    def photo_patch(self, rng, h, w):
        """An `(h, w, 3)` float32 patch from the border of a random photo (hair above the face,
        clothes below it, background beside it: the texture images are face crops); noise
        without photos."""
        if not self.texture_paths:
            return _noise_texture(rng, h, w)
        src, ph, pw = self._photo_cut(rng, h, w, (0.25, 0.4))
        sh, sw = src.shape[:2]
        where = rng.integers(4)
        if where == 0:  # top band: hair
            y, x = rng.integers(0, max(1, int(0.12 * sh))), rng.integers(0, sw - pw + 1)
        elif where == 1:  # bottom band: clothes, neck
            y, x = sh - ph - rng.integers(0, max(1, int(0.12 * sh))), rng.integers(0, sw - pw + 1)
        else:  # a side: background
            y = rng.integers(0, sh - ph + 1)
            x = rng.integers(0, max(1, int(0.1 * sw))) if where == 2 else sw - pw - rng.integers(0, max(1, int(0.1 * sw)))
        y, x = int(np.clip(y, 0, sh - ph)), int(np.clip(x, 0, sw - pw))
        patch = src[y : y + ph, x : x + pw]
        return cv2.resize(np.ascontiguousarray(patch), (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)

    def face_patch(self, rng, h, w):
        """An `(h, w, 3)` float32 crop of another face: a region about its centre (the texture
        images are face crops); noise without photos."""
        if not self.texture_paths:
            return _noise_texture(rng, h, w)
        src, ph, pw = self._photo_cut(rng, h, w, (0.25, 0.45))
        sh, sw = src.shape[:2]
        cy, cx = sh * rng.uniform(0.35, 0.65), sw * rng.uniform(0.35, 0.65)
        y = int(np.clip(cy - ph / 2, 0, sh - ph))
        x = int(np.clip(cx - pw / 2, 0, sw - pw))
        patch = src[y : y + ph, x : x + pw]
        if rng.random() < 0.5:
            patch = patch[:, ::-1]
        return cv2.resize(np.ascontiguousarray(patch), (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)

    def texture(self, rng, h, w):
        """An `(h, w, 3)` float32 texture patch cut from a random texture image (or noise)."""
        if self.texture_paths:
            src = self._photo(rng)
            sh, sw = src.shape[:2]
            ph, pw = min(sh, max(8, h)), min(sw, max(8, w))
            y, x = rng.integers(0, sh - ph + 1), rng.integers(0, sw - pw + 1)
            patch = src[y : y + ph, x : x + pw]
            if rng.random() < 0.5:
                patch = patch[:, ::-1]
            return cv2.resize(np.ascontiguousarray(patch), (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        return _noise_texture(rng, h, w)


def _hole_shape(visible):
    visible = visible.astype(np.uint8)
    contours, _ = cv2.findContours(visible, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(np.concatenate(contours))
    filled = np.zeros_like(visible)
    cv2.fillConvexPoly(filled, hull, 1)
    hole = (filled == 1) & (visible == 0)
    hole = cv2.morphologyEx(hole.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hole)
    if n <= 1:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[k, cv2.CC_STAT_AREA] < 0.03 * filled.sum():
        return None
    x, y, w, h = stats[k, :4]
    return (labels[y : y + h, x : x + w] == k).astype(np.float32)


def _noise_texture(rng, h, w):
    """A procedural texture: a random base colour, smooth colour blobs at two scales, grain."""
    out = np.empty((h, w, 3), np.float32)
    out[:] = rng.uniform(0, 255, size=3)
    for cells, amp in ((4, 40.0), (12, 20.0)):
        blobs = rng.normal(0, amp, size=(cells, cells, 3)).astype(np.float32)
        out += cv2.resize(blobs, (w, h), interpolation=cv2.INTER_CUBIC)
    out += rng.normal(0, 8, size=(h, w, 3)).astype(np.float32)
    return np.clip(out, 0, 255)


def _skin_tone(rng):
    hsv = np.uint8([[[rng.integers(5, 20), rng.integers(60, 150), rng.integers(90, 240)]]])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32)


def _hand(rng, h, w):
    alpha = np.zeros((h, w), np.float32)
    cx, cy = w * 0.5, h * rng.uniform(0.55, 0.65)
    cv2.ellipse(alpha, (int(cx), int(cy)), (int(w * 0.3), int(h * 0.28)), 0, 0, 360, 1.0, -1)
    n_fingers = 4
    spread = rng.uniform(40, 70)
    for i in range(n_fingers):
        ang = -90 - spread / 2 + spread * i / (n_fingers - 1) + rng.uniform(-5, 5)
        length = h * rng.uniform(0.32, 0.45)
        t = np.deg2rad(ang)
        fx, fy = cx + np.cos(t) * (h * 0.22 + length / 2), cy + np.sin(t) * (h * 0.22 + length / 2)
        cv2.ellipse(alpha, (int(fx), int(fy)), (int(length / 2), int(w * 0.065)), float(ang), 0, 360, 1.0, -1)
    t = np.deg2rad(rng.choice([-20.0, 200.0]))
    cv2.ellipse(alpha, (int(cx + np.cos(t) * w * 0.3), int(cy + np.sin(t) * h * 0.1)), (int(w * 0.16), int(w * 0.07)), float(np.rad2deg(t)) - 30, 0, 360, 1.0, -1)
    tone = _skin_tone(rng)
    yy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    shade = 1.0 + 0.15 * yy + cv2.resize(rng.normal(0, 0.05, (6, 6)).astype(np.float32), (w, h))
    rgb = tone[None, None, :] * shade[..., None]
    if rng.random() < 0.5:
        rgb, alpha = rgb[:, ::-1], alpha[:, ::-1]
    return np.clip(rgb, 0, 255), np.ascontiguousarray(alpha)


def _band(rng, h, w, bank):
    alpha = np.zeros((h, w), np.float32)
    xs = np.arange(w)
    top = (h * 0.1 + h * 0.08 * np.sin(xs / w * np.pi * rng.uniform(1, 3) + rng.uniform(0, 6))).astype(int)
    for x in xs:
        alpha[max(0, top[x]) :, x] = 1.0
    if rng.random() < 0.5:
        c1, c2 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
        period = rng.uniform(6, 20)
        yy, xx = np.mgrid[0:h, 0:w]
        stripes = (np.sin((xx + yy * rng.uniform(-1, 1)) / period * np.pi) > 0)[..., None]
        rgb = np.where(stripes, c1, c2).astype(np.float32)
    else:
        rgb = bank.texture(rng, h, w) if bank is not None else _noise_texture(rng, h, w)
    return rgb, alpha


def _polygon(rng, h, w):
    alpha = np.zeros((h, w), np.float32)
    if rng.random() < 0.5:
        cv2.ellipse(alpha, (w // 2, h // 2), (max(1, w // 2 - 1), max(1, h // 2 - 1)), 0, 0, 360, 1.0, -1)
    else:
        pts = np.stack([rng.uniform(0, w - 1, 9), rng.uniform(0, h - 1, 9)], 1).astype(np.int32)
        hull = cv2.convexHull(pts)
        cv2.fillConvexPoly(alpha, hull, 1.0)
    return alpha


def _region_box(points, component, role, rng, scale):
    """`(cx, cy, w, h)` of where the occluder goes."""
    face = points.max(0) - points.min(0)
    face_size = float(max(face))
    if role == "glasses":
        sel = points[list(EYES)]
        x0, y0 = sel.min(0)
        x1, y1 = sel.max(0)
        w, h = (x1 - x0) * 1.5, max(y1 - y0, 0.1 * face_size) * 2.4
        return (x0 + x1) / 2, (y0 + y1) / 2, w, h
    if role == "face_mask":
        sel = points[list(LOWER_FACE)]
        x0, y0 = sel.min(0)
        x1, y1 = sel.max(0)
        return (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * 1.05, (y1 - y0) * 1.05
    if role == "cap":
        brows = points[list(BROWS)]
        x0, y0 = brows.min(0)
        x1, _ = brows.max(0)
        w = (x1 - x0) * 1.6
        return (x0 + x1) / 2, y0 - 0.2 * w, w, w * 0.75
    # The jaw line spans the whole face: occlude its lower part (chin and jowls), not all of it.
    sel = points[list(CHIN)] if component == "jaw" else points[list(COMPONENTS[component])]
    x0, y0 = sel.min(0)
    x1, y1 = sel.max(0)
    minimum = 0.2 * face_size
    w = max(x1 - x0, minimum) * rng.uniform(*scale)
    h = max(y1 - y0, minimum) * rng.uniform(*scale)
    cx = (x0 + x1) / 2 + rng.uniform(-0.15, 0.15) * w
    cy = (y0 + y1) / 2 + rng.uniform(-0.15, 0.15) * h
    return cx, cy, w, h


def _paste(image, rgb, alpha, cx, cy, angle, soft=False, alpha_out=None):
    """Rotate the `(h, w)` occluder by `angle` and composite it centred at (cx, cy). With `soft`
    the alpha's feathered edge is kept (the mask is still `alpha > 0.5`); `alpha_out` (an
    `(H, W)` float array) receives the composited alpha."""
    h, w = alpha.shape
    diag = int(np.ceil(np.hypot(h, w))) + 2
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += (diag / 2 - w / 2, diag / 2 - h / 2)
    rgb_r = cv2.warpAffine(rgb.astype(np.float32), m, (diag, diag), flags=cv2.INTER_LINEAR)
    a_r = cv2.warpAffine(alpha.astype(np.float32), m, (diag, diag), flags=cv2.INTER_LINEAR)
    H, W = image.shape[:2]
    x0, y0 = int(round(cx - diag / 2)), int(round(cy - diag / 2))
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(W, x0 + diag), min(H, y0 + diag)
    out = image.astype(np.float32)
    mask = np.zeros((H, W), np.uint8)
    if dx1 <= dx0 or dy1 <= dy0:
        return image.copy(), mask
    a = a_r[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0]
    binary = a > 0.5
    if soft:
        a = np.clip(a, 0.0, 1.0)[..., None]
    else:
        a = np.where(binary, np.maximum(a, 1.0), 0.0)[..., None]  # hard edge: the mask is exact
    if alpha_out is not None:
        alpha_out[dy0:dy1, dx0:dx1] = a[..., 0]
    region = out[dy0:dy1, dx0:dx1]
    out[dy0:dy1, dx0:dx1] = region * (1 - a) + rgb_r[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0] * a
    mask[dy0:dy1, dx0:dx1] = binary
    return np.clip(out, 0, 255).astype(np.uint8), mask


def landmark_flags(mask, points):
    """Per-landmark occlusion flags: 1 where the mask covers the (rounded) landmark."""
    h, w = mask.shape[:2]
    xy = np.round(np.asarray(points)).astype(int)
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
    flags = np.zeros(len(xy), np.uint8)
    flags[inside] = mask[xy[inside, 1], xy[inside, 0]] > 0
    return flags


def occlude(image, points, component=None, rng=None, bank=None, kind=None, scale=(1.0, 1.6), kinds=None):
    """Paste a synthetic occluder over `component` of the face.

    Args:
        image: `(H, W, 3)` uint8 RGB face.
        points: `(68, 2)` 0-based landmarks.
        component: one of `COMPONENT_NAMES` (random when None).
        rng: `np.random.Generator` (seeded for reproducibility).
        bank: `OccluderBank` for real objects, COFW hole shapes and textures; without one only
            procedural kinds are drawn.
        kind: one of `OCCLUSION_KINDS` (the occluder families; when None, random among the
            available ones of `kinds`).
        scale: (min, max) size of the occluder relative to the component box.
        kinds: the families a random `kind` is drawn from (default `TRAINING_FAMILIES`, the five
            the shipped models trained with: the draw is then the same as it always was).

    Returns:
        `(occluded uint8 image, mask (H, W) uint8 in {0, 1}, flags (68,) uint8)`.
    """
    rng = rng if rng is not None else np.random.default_rng()
    image = np.asarray(image)
    points = np.asarray(points, np.float64)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"occlude expects an (H, W, 3) image. Received: shape={image.shape}")
    if points.shape != (68, 2):
        raise ValueError(f"occlude expects (68, 2) points. Received: shape={points.shape}")
    component = component or COMPONENT_NAMES[rng.integers(len(COMPONENT_NAMES))]
    if component not in COMPONENTS:
        raise ValueError(f"Unknown component {component!r}. Expected one of {COMPONENT_NAMES}")
    available = ["texture", "hand"]
    if bank is not None and bank.objects:
        available.append("object")
    if bank is not None and bank.holes:
        available.append("cofw_hole")
    if component in ("jaw", "mouth", "nose"):
        available.append("band")
    for k in HELD_OUT_FAMILIES:
        if k in ("natural_patch", "other_face") and (bank is None or not bank.texture_paths):
            continue  # cut from other photos: needs the bank's images
        available.append(k)
    if kind is None:
        pool = [k for k in available if k in (kinds if kinds is not None else TRAINING_FAMILIES)]
        if not pool:
            raise ValueError(f"none of the occluder families {tuple(kinds)} is available here (no bank, or not for {component!r})")
        kind = pool[rng.integers(len(pool))]
    elif kind not in OCCLUSION_KINDS:
        raise ValueError(f"Unknown occlusion kind {kind!r}. Expected one of {OCCLUSION_KINDS}")
    elif kind not in available:
        raise ValueError(f"occlusion kind {kind!r} is not available here (no bank, or not for {component!r})")

    angle = rng.uniform(-20, 20)
    if kind in HELD_OUT_FAMILIES:
        return _occlude_new_family(image, points, component, rng, bank, kind, scale, angle)
    if kind == "object":
        fitting = {
            "right_eye": ("glasses", "any"), "left_eye": ("glasses", "any"),
            "right_brow": ("cap", "glasses", "any"), "left_brow": ("cap", "glasses", "any"),
            "mouth": ("face_mask", "any"), "jaw": ("face_mask", "any"), "nose": ("face_mask", "any"),
        }[component]
        candidates = [o for o in bank.objects if o[1] in fitting] or bank.objects
        name, role, rgba = candidates[rng.integers(len(candidates))]
        cx, cy, w, h = _region_box(points, component, role, rng, scale)
        if role in ("glasses", "face_mask", "cap"):
            angle = rng.uniform(-8, 8)
        else:  # keep the object's aspect ratio inside the box
            oh, ow = rgba.shape[:2]
            s = min(w / ow, h / oh)
            w, h = ow * s, oh * s
        w, h = max(4, int(w)), max(4, int(h))
        rgba = cv2.resize(rgba, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
        rgb, alpha = rgba[..., :3], rgba[..., 3] / 255.0
    else:
        cx, cy, w, h = _region_box(points, component, "any", rng, scale)
        if kind == "band":
            face_w = points[:, 0].max() - points[:, 0].min()
            w = face_w * rng.uniform(1.1, 1.4)
            top = points[list(COMPONENTS[component]), 1].min() - 0.05 * face_w
            h = points[:, 1].max() - top + 0.1 * face_w
            cx, cy = points[:, 0].mean(), top + h / 2
            angle = rng.uniform(-8, 8)
        if kind == "hand":  # a hand spans more than the component it covers
            w, h = w * 1.6, h * 1.8
        w, h = max(4, int(w)), max(4, int(h))
        if kind == "hand":
            rgb, alpha = _hand(rng, h, w)
        elif kind == "band":
            rgb, alpha = _band(rng, h, w, bank)
        else:
            if kind == "cofw_hole":
                hole = bank.holes[rng.integers(len(bank.holes))]
                alpha = cv2.resize(hole, (w, h), interpolation=cv2.INTER_LINEAR)
            else:
                alpha = _polygon(rng, h, w)
            rgb = bank.texture(rng, h, w) if bank is not None else _noise_texture(rng, h, w)
    occluded, mask = _paste(image, rgb, alpha, cx, cy, angle)
    return occluded, mask, landmark_flags(mask, points)


def _occlude_new_family(image, points, component, rng, bank, kind, scale, angle):
    face_w = float(points[:, 0].max() - points[:, 0].min())
    if kind == "props":
        eyes = component in ("right_eye", "left_eye", "right_brow", "left_brow") or (component == "nose" and rng.random() < 0.5)
        if eyes:  # sunglasses across both eyes
            cx, cy, w, h = _region_box(points, component, "glasses", rng, scale)
            w, h = w * rng.uniform(1.0, 1.15), h * rng.uniform(0.8, 1.0)
            angle = rng.uniform(-8, 8)
            w, h = max(4, int(w)), max(4, int(h))
            rgb, alpha = fam.sunglasses(rng, h, w)
        else:  # a microphone held in front of the mouth / chin
            sel = points[list(COMPONENTS[component] if component != "jaw" else CHIN)]
            cx, cy = sel.mean(0) + rng.uniform(-0.1, 0.1, 2) * face_w
            w, h = max(4, int(face_w * rng.uniform(0.3, 0.45))), max(4, int(face_w * rng.uniform(0.9, 1.3)))
            cy += h * 0.5 - min(w * 0.45, h * 0.3)  # the ball over the component, the handle below
            rgb, alpha = fam.microphone(rng, h, w)
    else:
        cx, cy, w, h = _region_box(points, component, "any", rng, scale)
        if kind in ("flat_object", "natural_patch") and rng.random() < 0.5:  # held objects are often bigger than a component
            w, h = w * rng.uniform(1.1, 1.5), h * rng.uniform(1.1, 1.5)
        if kind == "text_logo":  # text is wider than tall
            w, h = max(w, face_w * rng.uniform(0.4, 0.7)), h * rng.uniform(0.6, 1.0)
        w, h = max(8, int(w)), max(8, int(h))
        if kind == "natural_patch":
            rgb, alpha = fam.natural_patch(rng, h, w, bank)
        elif kind == "flat_object":
            rgb, alpha = fam.flat_object(rng, h, w)
        elif kind == "text_logo":
            rgb, alpha = fam.text_logo(rng, h, w)
        elif kind == "other_face":
            rgb, alpha = fam.other_face(rng, h, w, bank)
        else:  # blur_patch: the face's own pixels, axis-aligned
            angle = 0.0
            rgb, alpha = fam.blur_patch(image, rng, cx, cy, h, w)
    alpha = fam.soften(alpha, rng, hard=1.0 if kind == "blur_patch" else 0.5)
    soft = bool(np.any((alpha > 0.02) & (alpha < 0.98)))
    full = np.zeros(image.shape[:2], np.float32)
    occluded, mask = _paste(image, rgb, alpha, cx, cy, angle, soft=soft, alpha_out=full)
    if kind != "blur_patch" and rng.random() < 0.4:
        occluded = fam.cast_shadow(occluded, full, rng)
    return occluded, mask, landmark_flags(mask, points)

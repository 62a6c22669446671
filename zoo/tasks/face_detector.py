"""`FaceDetector`: images in, faces out (box, 6 keypoints, score), on every backend."""

import numpy as np

from zoo.data.transforms import letterbox  # noqa: F401  (re-exported)
from zoo.tasks.task import Task


class Face(dict):
    """One detected face: `box` (x0, y0, x1, y1 in image pixels), `score`, `keypoints`
    `(6, 2)` (right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion)."""

    @property
    def box(self):
        return self["box"]

    @property
    def score(self):
        return self["score"]

    @property
    def keypoints(self):
        return self["keypoints"]

    def xywh(self):
        x0, y0, x1, y1 = self["box"]
        return (x0, y0, x1 - x0, y1 - y0)


# the narrowest face box (image pixels) a detector reports
MIN_FACE = 24


class FaceDetector(Task):
    """A face detector task around a BlazeFace-style model (outputs `regressors` `(B, N, 16)`
    and `classificators` `(B, N, 1)`): letterboxing, the model's value range ([-1, 1]),
    anchor decoding and weighted NMS, and boxes mapped back to image pixels.

    The anchors come from the model (`model.anchors()`: `BlazeFace`'s 896 at 128 px,
    `BlazeFaceFullRange`'s 2,304 at 192 px). Decoding and suppression run in NumPy on the few
    candidates above the score threshold (`decode_detections_numpy`, `weighted_nms_numpy`; the
    same rule as the `keras.ops` `decode_detections` that exported graphs use).

    Args:
        model: a `BlazeFace` / `BlazeFaceFullRange` (or a model with the same outputs).
        score_threshold: minimum face probability (MediaPipe: 0.5).
        iou_threshold: weighted-NMS overlap (MediaPipe: 0.3).
        max_faces: at most this many faces per image.
        min_face: faces whose box is narrower than this many image pixels are dropped (default
            `MIN_FACE`, 24 px: below it a detection's 68 points are guesses; a 20 x 20 image is no face).

    Example:
    >>> det = FaceDetector.from_preset("blazeface_short")
    >>> faces = det.detect([image])[0]          # list of Face, best first
    >>> faces[0]["box"], faces[0]["score"]
    """

    preset_task = "detector"

    def __init__(self, model, name=None, score_threshold=0.5, iou_threshold=0.3, max_faces=16, min_face=None, tile_levels=()):
        self.min_face = float(MIN_FACE if min_face is None else min_face)
        self.tile_levels = tuple(int(k) for k in tile_levels)
        self.score_threshold = float(score_threshold)
        self.iou_threshold = float(iou_threshold)
        self.max_faces = int(max_faces)
        super().__init__(model, name)

    def check_model(self, model):
        outs = model.output if isinstance(model.output, dict) else {}
        if not {"regressors", "classificators"} <= set(outs):
            raise ValueError(f"{type(model).__name__} is not a face detector: outputs {sorted(outs) or 'not a dict'}; "
                             "expected 'regressors' and 'classificators'")
        if self.input_size < 32:
            raise ValueError(f"detector input size {self.input_size} is too small")

    def anchors(self):
        """The model's anchor centres `(N, 2)` in [0, 1] (short-range SSD anchors if it has none)."""
        from zoo.models.blazeface import ssd_anchors

        if not hasattr(self, "_anchors"):
            self._anchors = self.model.anchors() if hasattr(self.model, "anchors") else ssd_anchors(self.input_size)
        return self._anchors

    def candidates(self, images, batch_size=16):
        """Every anchor above the score threshold, before suppression, in image pixels: a list
        (per image) of `(boxes (K, 4) x0 y0 x1 y1, keypoints (K, 6, 2), scores (K,))`. With
        `tile_levels`, also those of the image's tiles (see `tiles`), mapped back to the image."""
        images = [_check_image(im, j) for j, im in enumerate(images)]
        if not self.tile_levels:
            return self._candidates(images, batch_size)
        out = []
        for image in images:
            windows = tiles(image.shape, self.tile_levels, self.input_size)
            crops = [image[y0:y1, x0:x1] for x0, y0, x1, y1 in windows]
            parts = self._candidates(crops, batch_size)
            H, W = image.shape[:2]
            boxes, points, scores = [], [], []
            for (x0, y0, x1, y1), (b, p, s) in zip(windows, parts):
                # a face cut by an inner tile edge is found whole in an overlapping tile: drop the cut one
                edge = max(2.0, 0.01 * (x1 - x0))
                inner = np.ones(len(s), bool)
                if x0 > 0:
                    inner &= b[:, 0] > edge
                if y0 > 0:
                    inner &= b[:, 1] > edge
                if x1 < W:
                    inner &= b[:, 2] < (x1 - x0) - edge
                if y1 < H:
                    inner &= b[:, 3] < (y1 - y0) - edge
                boxes.append(b[inner] + [x0, y0, x0, y0])
                points.append(p[inner] + [x0, y0])
                scores.append(s[inner])
            out.append((np.concatenate(boxes).astype(np.float32), np.concatenate(points).astype(np.float32).reshape(-1, 6, 2),
                        np.concatenate(scores).astype(np.float32)))
        return out

    def _candidates(self, images, batch_size=16):
        from zoo.models.blazeface import decode_detections_numpy

        size = self.input_size
        anchors = self.anchors()
        results = []
        for start in range(0, len(images), batch_size):
            chunk = images[start : start + batch_size]
            boxes = [letterbox(im, size) for im in chunk]
            x = np.stack([b[0] for b in boxes]).astype(np.float32) / 127.5 - 1.0
            out = self._call(self._to_model_layout(x))
            decoded = decode_detections_numpy(out, anchors, size, self.score_threshold)
            for (bx, kp, sc), (_, (sx, sy), (px, py)) in zip(decoded, boxes):
                scale, pad = np.array([sx, sy, sx, sy], np.float32), np.array([px, py, px, py], np.float32)
                results.append(((bx * size - pad) / scale, (kp * size - pad[:2]) / scale[:2], sc))
        return results

    def detect(self, images, batch_size=16, min_face=None):
        """Faces in each image (`(H, W, 3)` uint8 RGB): a list (per image) of `Face`, best first.
        `min_face` overrides the detector's minimum box width for this call (0: keep every face)."""
        return [self._suppress(*c, min_face=min_face) for c in self.candidates(images, batch_size)]

    def _suppress(self, boxes, points, scores, priority=None, min_face=None):
        from zoo.models.blazeface import weighted_nms_numpy

        limit = self.min_face if min_face is None else float(min_face)
        faces = []
        for b, p, s in zip(*weighted_nms_numpy(boxes, points, scores, self.iou_threshold, self.max_faces, priority)):
            if b[2] - b[0] < limit:
                continue
            faces.append(Face(box=[float(v) for v in b], score=float(s), keypoints=p.astype(np.float32)))
        return faces


class CombinedFaceDetector(FaceDetector):
    """Several face detectors as one (e.g. MediaPipe's short-range model for near faces and its
    full-range model for far and small ones): every member's candidates, in image pixels, go
    through **one** weighted NMS, so a face both find is one face.

    Where several members find a face, its box, keypoints and score are the first of them's
    (members are in order of preference: `weighted_nms_numpy(priority=...)`), so the faces the
    first member finds are placed as it alone places them. Members may frame faces differently;
    `box_adjust` maps each member's boxes (keypoints are left as they are) to the first
    member's convention: per member `(dx, dy, scale)`, the
    box centre moved by `(dx, dy)` box widths and its side scaled by `scale` (measured on
    300-W training faces: `zoo.pipeline.calibration.calibrate_box_adjust`). The Landmarker's
    framing calibration of the first member then holds for the combination.

    Args:
        detectors: `FaceDetector`s (or preset names), the first one sets the box convention.
        box_adjust: a list of `(dx, dy, scale)` per detector (default: none for each).
        name: the combination's name (default: the members' names joined by "+").
        min_face, max_faces, iou_threshold: as `FaceDetector`'s (each member's own score
            threshold holds for its candidates).

    Example:
    >>> det = zoo.load("blazeface_short+blazeface_full", task="detector")
    >>> det.detect([photo])[0]
    """

    def __init__(self, detectors, box_adjust=None, name=None, iou_threshold=0.3, max_faces=16, min_face=None):
        from zoo.tasks.loader import load

        self.detectors = [d if isinstance(d, FaceDetector) else load(d, task="detector", trained=True) for d in detectors]
        if len(self.detectors) < 2:
            raise ValueError(f"a CombinedFaceDetector needs at least two detectors. Received: {len(self.detectors)}")
        self.box_adjust = [tuple(map(float, a)) for a in (box_adjust or [(0.0, 0.0, 1.0)] * len(self.detectors))]
        if len(self.box_adjust) != len(self.detectors):
            raise ValueError(f"`box_adjust` needs one (dx, dy, scale) per detector: {len(self.detectors)}. "
                             f"Received: {len(self.box_adjust)}")
        self.min_face = float(MIN_FACE if min_face is None else min_face)
        self.tile_levels = ()  # each member reads its own tiles (its `tile_levels`)
        self.iou_threshold = float(iou_threshold)
        self.max_faces = int(max_faces)
        self.score_threshold = min(d.score_threshold for d in self.detectors)
        self.model = self.detectors[0].model
        self.name = name or "+".join(d.name for d in self.detectors)

    @property
    def input_size(self):
        return max(d.input_size for d in self.detectors)

    def candidates(self, images, batch_size=16):
        per = [d.candidates(images, batch_size) for d in self.detectors]
        out = []
        for i in range(len(images)):
            boxes, points, scores = [], [], []
            for member, (dx, dy, scale) in zip(per, self.box_adjust):
                b, p, s = member[i]
                w = (b[:, 2] - b[:, 0])[:, None]
                centre = (b[:, :2] + b[:, 2:]) / 2 + np.array([dx, dy], np.float32) * w
                half = (b[:, 2:] - b[:, :2]) / 2 * scale
                boxes.append(np.concatenate([centre - half, centre + half], 1))
                points.append(p)
                scores.append(s)
            out.append((np.concatenate(boxes).astype(np.float32), np.concatenate(points).astype(np.float32),
                        np.concatenate(scores).astype(np.float32),
                        np.concatenate([np.full(len(s), k) for k, s in enumerate(scores)]).astype(np.int64)))
        return out

    def __repr__(self):
        return f"CombinedFaceDetector({self.name!r}, members={[d.name for d in self.detectors]})"


def with_tiles(detector, levels=(2, 3)):
    """The same detector reading each image in overlapping tiles too (`tile_levels=levels`): the
    whole image, then 2x2-ish and 3x3-ish grids, so faces down to about 3 % of the image's side
    are found (at several times the cost). For a `CombinedFaceDetector`, its last member (the
    full-range model in `blazeface_short+blazeface_full`) reads the tiles."""
    if isinstance(detector, CombinedFaceDetector):
        members = list(detector.detectors)
        members[-1] = with_tiles(members[-1], levels)
        return CombinedFaceDetector(members, detector.box_adjust, name=f"{detector.name}@tiles{''.join(map(str, levels))}",
                                    iou_threshold=detector.iou_threshold, max_faces=detector.max_faces, min_face=detector.min_face)
    out = FaceDetector(detector.model, name=detector.name, score_threshold=detector.score_threshold,
                       iou_threshold=detector.iou_threshold, max_faces=detector.max_faces, min_face=detector.min_face,
                       tile_levels=levels)
    out.record = getattr(detector, "record", None)
    return out


def tiles(shape, levels, input_size):
    """Windows `(x0, y0, x1, y1)` of an image of `shape` for a tiled read: the whole image, then
    for each level k > 1 of `levels` square tiles of side 1.5 / k of the image's longer side
    (at least `input_size`), overlapping by a third, covering the image."""
    H, W = shape[:2]
    side = max(H, W)
    out = [(0, 0, W, H)]
    for k in levels:
        if k <= 1:
            continue
        t = int(round(max(1.5 * side / k, input_size)))
        if t >= side:
            continue
        step = max(1, int(t * 2 / 3))
        xs = sorted({*range(0, max(W - t, 0) + 1, step), max(W - t, 0)})
        ys = sorted({*range(0, max(H - t, 0) + 1, step), max(H - t, 0)})
        out += [(x, y, min(x + t, W), min(y + t, H)) for y in ys for x in xs]
    return out


def _check_image(image, index):
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image {index} must be (H, W, 3) uint8 RGB. Received: shape={image.shape}, dtype={image.dtype}")
    return image

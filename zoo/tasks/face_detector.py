"""`FaceDetector`: images in, faces out (box, 6 keypoints, score), on every backend."""

import keras
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
    anchor decoding and weighted NMS (`zoo.models.blazeface.decode_detections`), and boxes
    mapped back to image pixels.

    Args:
        model: a `BlazeFace` (or a model with the same outputs).
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

    def __init__(self, model, name=None, score_threshold=0.5, iou_threshold=0.3, max_faces=16, min_face=None):
        self.min_face = float(MIN_FACE if min_face is None else min_face)
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

    def detect(self, images, batch_size=16):
        """Faces in each image (`(H, W, 3)` uint8 RGB): a list (per image) of `Face`, best first."""
        from zoo.models.blazeface import decode_detections, ssd_anchors

        size = self.input_size
        anchors = ssd_anchors(size)
        results = []
        for start in range(0, len(images), batch_size):
            chunk = [_check_image(im, start + j) for j, im in enumerate(images[start : start + batch_size])]
            boxes = [letterbox(im, size) for im in chunk]
            x = np.stack([b[0] for b in boxes]).astype(np.float32) / 127.5 - 1.0
            out = self._call(self._to_model_layout(x))
            det = decode_detections(out, anchors, size, self.score_threshold, self.iou_threshold, self.max_faces)
            bx, kp, sc, ok = (np.asarray(keras.ops.convert_to_numpy(t)) for t in det)
            for i, (im, (_, (sx, sy), (px, py))) in enumerate(zip(chunk, boxes)):
                faces = []
                for d in np.nonzero(ok[i])[0]:
                    b = bx[i, d] * size
                    box = [(b[0] - px) / sx, (b[1] - py) / sy, (b[2] - px) / sx, (b[3] - py) / sy]
                    pts = (kp[i, d] * size - [px, py]) / [sx, sy]
                    if box[2] - box[0] < self.min_face:
                        continue
                    faces.append(Face(box=[float(v) for v in box], score=float(sc[i, d]), keypoints=pts.astype(np.float32)))
                results.append(faces)
        return results


def _check_image(image, index):
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image {index} must be (H, W, 3) uint8 RGB. Received: shape={image.shape}, dtype={image.dtype}")
    return image

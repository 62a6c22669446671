"""`LandmarkRegressor`: face crops in, 68 points out (crop pixels), for any registered head."""

import numpy as np

from zoo.data.shape68 import FLIP_PERMUTATION
from zoo.data.transforms import CropTransform, box_from_points
from zoo.tasks.task import Task

# How the shipped regressors were trained to see a face: a square of 1.6x the landmark box's
# longer side, centred on the box (the staged 300-W crops, `crop: "image"` in their recipes).
DEFAULT_FRAMING = 1.6


class LandmarkRegressor(Task):
    """A landmark regressor task (wraps `pfld_*`, `drn` or any model with a `"landmarks"`
    output `(B, K, 2)` in normalised crop coordinates and an `(S, S, 3)` input in [0, 1]).

    Input size and channel order come from the model itself; the output contract is checked
    once. `predict(crops)` gives points in the crops' own pixels; `predict_images(images, boxes)`
    crops square around each box (or takes the whole image) and maps the points back.

    Args:
        model: the regressor.
        framing: crop side / landmark-box side the regressor was trained with (`crop_for_points`).

    Example:
    >>> reg = LandmarkRegressor.from_preset("drn_300w")
    >>> points = reg.predict_images([face])[0]       # (68, 2), 0-based pixels of `face`
    """

    preset_task = "regressor"

    def __init__(self, model, name=None, framing=DEFAULT_FRAMING):
        self.framing = float(framing)
        super().__init__(model, name)

    def check_model(self, model):
        outs = model.output if isinstance(model.output, dict) else {"landmarks": model.output}
        if "landmarks" not in outs:
            raise ValueError(f"{type(model).__name__} is not a landmark regressor: no 'landmarks' output "
                             f"(outputs: {sorted(outs)})")
        shape = tuple(outs["landmarks"].shape)
        if len(shape) != 3 or shape[2] != 2:
            raise ValueError(f"{type(model).__name__}'s 'landmarks' output must be (batch, K, 2). Received: {shape}")
        if len(model.inputs) != 1:
            raise ValueError(f"a landmark regressor takes one image input; {type(model).__name__} has {len(model.inputs)}")
        self.n_points = int(shape[1])

    @property
    def has_confidence(self):
        """Whether the model gives a per-point `confidence` (heatmap heads)."""
        return isinstance(self.model.output, dict) and "confidence" in self.model.output

    @property
    def has_visibility(self):
        return isinstance(self.model.output, dict) and "visibility" in self.model.output

    def _prepare(self, crops):
        size = self.input_size
        batch = []
        for j, c in enumerate(crops):
            c = np.asarray(c)
            if c.ndim != 3 or c.shape[2] != 3 or c.shape[0] != c.shape[1] or c.shape[0] != size:
                raise ValueError(f"crop {j} must be a ({size}, {size}, 3) RGB image. Received: shape={c.shape}")
            batch.append(c.astype(np.float32) / (255.0 if c.dtype == np.uint8 else 1.0))
        return np.stack(batch)

    def predict(self, crops, flip=False, batch_size=32, return_outputs=False):
        """Points `(N, K, 2)` in each crop's own pixels (0-based) for square RGB crops (uint8, or
        float in [0, 1]); any crop size (resampled to the model's input exactly as
        `predict_images` crops a photo). With `flip`, the mirrored crop is predicted too and the
        shapes averaged (68-point flip permutation). With `return_outputs`, also the model's
        other outputs (e.g. `visibility`) per crop."""
        crops = [np.asarray(c) for c in crops]
        if any(c.ndim != 3 or c.shape[0] != c.shape[1] for c in crops):
            bad = next(c for c in crops if c.ndim != 3 or c.shape[0] != c.shape[1])
            raise ValueError(f"crops must be square (S, S, 3) RGB images. Received: shape={bad.shape}")
        return self.predict_warped(crops, [self.crop_transform(c.shape) for c in crops], flip, batch_size, return_outputs)

    def predict_warped(self, sources, transforms, flip=False, batch_size=32, return_outputs=False):
        """Points `(N, K, 2)` in each source image's pixels, the regressor reading
        `transforms[i].warp(sources[i])` (a `CropTransform` to its input size): one bilinear
        warp from the source, as in training."""
        crops = [t.warp(np.asarray(s)) for s, t in zip(sources, transforms)]
        pts, extras = self._predict_crops(crops, flip, batch_size)
        pts = np.stack([t.invert_points(p) for t, p in zip(transforms, pts)]) if len(pts) else pts
        return (pts, extras) if return_outputs else pts

    def _predict_crops(self, crops, flip=False, batch_size=32):
        """Points in input-size crop pixels and the other outputs, for crops at the input size."""
        crops = list(crops)
        if not crops:
            return np.zeros((0, self.n_points, 2), np.float32), []
        size = self.input_size
        pts, extras = [], []
        for start in range(0, len(crops), batch_size):
            chunk = crops[start : start + batch_size]
            x = self._prepare(chunk)
            out = self._call(self._to_model_layout(x))
            pred = out["landmarks"].astype(np.float64) if "landmarks" in out else out["output"].astype(np.float64)
            if flip:
                if self.n_points != len(FLIP_PERMUTATION):
                    raise ValueError(f"flip averaging needs the 68-point convention; this regressor has {self.n_points} points")
                m = self._call(self._to_model_layout(x[:, :, ::-1]))
                mirrored = m["landmarks"].astype(np.float64)[:, FLIP_PERMUTATION]
                mirrored[..., 0] = (size - 1.0) / size - mirrored[..., 0]
                pred = (pred + mirrored) / 2.0
            for j in range(len(chunk)):
                pts.append(pred[j] * size)  # normalised -> crop pixels
                extras.append({k: v[j] for k, v in out.items() if k != "landmarks"})
        return np.stack(pts).astype(np.float32), extras

    def crop_transform(self, image_shape, box=None, size=None):
        """The square crop of an image the regressor reads: around `box = (x, y, w, h)` (no extra
        margin) or the whole image (padded square)."""
        h, w = image_shape[:2]
        return CropTransform.from_box(box if box is not None else (0, 0, w, h), size or self.input_size, margin=0.0)

    def crop_for_points(self, points, size=None):
        """The crop framed as the regressor was trained (square of `framing` x the landmark box)."""
        return CropTransform.from_box(box_from_points(points), size or self.input_size, margin=(self.framing - 1.0) / 2.0)

    def predict_images(self, images, boxes=None, flip=False, batch_size=32):
        """Landmarks `(N, K, 2)` in 0-based pixels of each RGB uint8 image: each image (or its
        `boxes[i] = (x, y, w, h)`) is cropped square (edge replication), resized to the model's
        input, and the predictions mapped back exactly."""
        if boxes is not None and len(boxes) != len(images):
            raise ValueError(f"got {len(boxes)} boxes for {len(images)} images")
        images = [np.asarray(img) for img in images]
        for j, img in enumerate(images):
            if img.ndim != 3 or img.shape[2] != 3:
                raise ValueError(f"image {j} must be (H, W, 3) RGB. Received: shape={img.shape}")
        transforms = [self.crop_transform(img.shape, None if boxes is None else boxes[j]) for j, img in enumerate(images)]
        return self.predict_warped(images, transforms, flip=flip, batch_size=batch_size)

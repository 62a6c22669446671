"""Batches of face crops and landmarks through `keras.utils.PyDataset` (every backend,
worker processes allowed)."""

import keras
import numpy as np

from zoo.data.batching import batch_count, batch_slice, replicas_in_sync
from zoo.data.augment import augment_sample
from zoo.data.occlusion import occlude
from zoo.data.pose import euler_angles
from zoo.data.transforms import CropTransform, box_from_points

CROP_MODES = ("landmarks", "image")


class LandmarkDataset(keras.utils.PyDataset):
    """Face crops `(B, S, S, 3)` float32 in [0, 1] (channels first under that data format) and
    landmarks `(B, 68, 2)` in normalised crop coordinates (pixel / S).

    Each batch is a pure function of `(seed, epoch, batch index)`, so runs are reproducible
    and workers agree.

    Args:
        samples: list of `LandmarkSample`.
        batch_size: int.
        image_size: crop size S.
        augmenter: an `Augmenter`, or None for plain crops.
        crop: "landmarks" (square box around the points + `margin`) or "image" (the whole
            image, padded square: for folders of face crops, as at evaluation).
        margin: crop margin around the landmark box (each side, fraction of the box).
        occlusion: probability of pasting a synthetic occluder (`occlude`) before cropping.
        occluder_bank: `OccluderBank` used by `occlusion` (procedural occluders only if None).
        shuffle: shuffle the order every epoch.
        seed: int.
        with_flags: add per-point `"visibility"` (1 = visible) to the targets.
        with_pose: add `"pose"` (Euler angles of the crop's points, radians) and `"weight"`
            (PFLD attribute weight: inverse frequency of large-pose / occluded samples,
            relative to a plain face, capped at `max_weight`).
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of `PyDataset`.

    Targets are the `(B, 68, 2)` array, or a dict with `"landmarks"` and the extras asked for.
    """

    def __init__(self, samples, batch_size=32, image_size=112, augmenter=None, crop="landmarks", margin=0.2,
                 occlusion=0.0, occluder_bank=None, shuffle=False, seed=0, with_flags=False, with_pose=False,
                 max_weight=5.0, **kwargs):
        super().__init__(**kwargs)
        if not samples:
            raise ValueError("LandmarkDataset needs at least one sample")
        if crop not in CROP_MODES:
            raise ValueError(f"`crop` must be one of {CROP_MODES}. Received: crop={crop!r}")
        self.samples = list(samples)
        self.batch_size = int(batch_size)
        # under a data-parallel distribution every batch divides by its device count
        self.batch_multiple = replicas_in_sync()
        self.image_size = int(image_size)
        self.augmenter = augmenter
        self.crop = crop
        self.margin = margin
        self.occlusion = float(occlusion)
        self.occluder_bank = occluder_bank
        self.shuffle = shuffle
        self.seed = int(seed)
        self.with_flags = with_flags
        self.with_pose = with_pose
        self.max_weight = float(max_weight)
        self.epoch = 0
        self.channels_first = keras.config.image_data_format() == "channels_first"
        self.class_weights = self._class_weights() if with_pose else None

    def _attributes(self, points, flags, angles=None):
        angles = euler_angles(points, self.image_size) if angles is None else angles
        yaw = abs(float(angles[1]))
        return np.array([yaw > np.deg2rad(30), flags is not None and bool(np.any(flags))], bool)

    def _class_weights(self):
        attrs = np.stack([self._attributes(s.points, s.flags) for s in self.samples])
        frac = np.clip(attrs.mean(0), 1.0 / len(self.samples), 1.0)
        normal = np.clip(1.0 - attrs.any(1).mean(), 1.0 / len(self.samples), 1.0)
        return {"normal": 1.0 / normal, "attributes": 1.0 / frac}

    def _weight(self, points, flags, angles=None):
        a = self._attributes(points, flags, angles)
        w = self.class_weights["normal"] if not a.any() else float((a * self.class_weights["attributes"]).sum())
        return float(np.clip(w / self.class_weights["normal"], 1.0, self.max_weight))  # a plain face weighs 1

    def __len__(self):
        return batch_count(len(self.samples), self.batch_size, self.batch_multiple)

    def _order(self):
        idx = np.arange(len(self.samples))
        if self.shuffle:
            np.random.default_rng([self.seed, self.epoch]).shuffle(idx)
        return idx

    def transform_for(self, image, points):
        """The `CropTransform` this data set uses for an image and its points."""
        if self.crop == "image":
            h, w = image.shape[:2]
            return CropTransform.from_box((0, 0, w, h), self.image_size, margin=0.0)
        return CropTransform.from_box(box_from_points(points), self.image_size, self.margin)

    def load(self, i, rng=None):
        """One crop: `(uint8 crop, crop points in pixels, CropTransform, flags or None,
        flip permutation or None)`."""
        s = self.samples[i]
        rng = rng if rng is not None else np.random.default_rng([self.seed, self.epoch, i])
        image = s.load_image()
        flags = s.flags
        if self.occlusion and rng.random() < self.occlusion:
            image, _, new_flags = occlude(image, s.points, None, rng, self.occluder_bank)
            flags = new_flags if flags is None else np.maximum(flags, new_flags)
        t = self.transform_for(image, s.points)
        if self.augmenter is not None:
            crop, pts, t, perm = augment_sample(image, s.points, t, self.augmenter, rng)
        else:
            crop, pts, perm = t.warp(image), t.apply_points(s.points), None
        if flags is not None and perm is not None:
            flags = flags[perm]
        return crop, pts, t, flags, perm

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        start, stop = batch_slice(index, len(self.samples), self.batch_size, self.batch_multiple)
        ids = self._order()[start:stop]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        images, points, vis, poses, weights = [], [], [], [], []
        for i in ids:
            crop, pts, _, flags, _ = self.load(i, rng)
            images.append(crop)
            points.append(pts / self.image_size)
            f = np.zeros(len(pts), np.float32) if flags is None else flags.astype(np.float32)
            vis.append(1.0 - f)
            if self.with_pose:
                poses.append(euler_angles(pts, self.image_size))
                weights.append(self._weight(pts, flags, poses[-1]) * float(getattr(self.samples[i], "weight", 1.0)))
        x = np.stack(images).astype(np.float32) / 255.0
        if self.channels_first:
            x = np.transpose(x, (0, 3, 1, 2))
        y = np.stack(points).astype(np.float32)
        if not (self.with_flags or self.with_pose):
            return x, y
        out = {"landmarks": y}
        if self.with_flags:
            out["visibility"] = np.stack(vis).astype(np.float32)
        if self.with_pose:
            out["pose"] = np.stack(poses).astype(np.float32)
            out["weight"] = np.asarray(weights, np.float32)
        return x, out

    def on_epoch_end(self):
        self.epoch += 1

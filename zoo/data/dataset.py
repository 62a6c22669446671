"""Batches of face crops and landmarks through `keras.utils.PyDataset` (every backend,
worker processes allowed)."""

import keras
import numpy as np

from zoo.data.augment import augment_sample
from zoo.data.transforms import CropTransform, box_from_points


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
        margin: crop margin around the landmark box (each side, fraction of the box).
        shuffle: shuffle the order every epoch.
        seed: int.
        with_flags: also yield per-point occlusion flags `(B, 68)` as a dict target.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of `PyDataset`.
    """

    def __init__(self, samples, batch_size=32, image_size=112, augmenter=None, margin=0.2,
                 shuffle=False, seed=0, with_flags=False, **kwargs):
        super().__init__(**kwargs)
        if not samples:
            raise ValueError("LandmarkDataset needs at least one sample")
        self.samples = list(samples)
        self.batch_size = int(batch_size)
        self.image_size = int(image_size)
        self.augmenter = augmenter
        self.margin = margin
        self.shuffle = shuffle
        self.seed = int(seed)
        self.with_flags = with_flags
        self.epoch = 0
        self.channels_first = keras.config.image_data_format() == "channels_first"

    def __len__(self):
        return -(-len(self.samples) // self.batch_size)

    def _order(self):
        idx = np.arange(len(self.samples))
        if self.shuffle:
            np.random.default_rng([self.seed, self.epoch]).shuffle(idx)
        return idx

    def load(self, i, rng=None):
        """One crop: `(uint8 crop, crop points in pixels, CropTransform, flip permutation or None)`."""
        s = self.samples[i]
        image = s.load_image()
        t = CropTransform.from_box(box_from_points(s.points), self.image_size, self.margin)
        if self.augmenter is not None:
            rng = rng if rng is not None else np.random.default_rng([self.seed, self.epoch, i])
            return augment_sample(image, s.points, t, self.augmenter, rng)
        return t.warp(image), t.apply_points(s.points), t, None

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        ids = self._order()[index * self.batch_size : (index + 1) * self.batch_size]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        images, points, flags = [], [], []
        for i in ids:
            crop, pts, _, perm = self.load(i, rng)
            images.append(crop)
            points.append(pts / self.image_size)
            f = self.samples[i].flags
            f = np.zeros(len(pts), np.float32) if f is None else f.astype(np.float32)
            flags.append(f if perm is None else f[perm])
        x = np.stack(images).astype(np.float32) / 255.0
        if self.channels_first:
            x = np.transpose(x, (0, 3, 1, 2))
        y = np.stack(points).astype(np.float32)
        if self.with_flags:
            return x, {"landmarks": y, "visibility": 1.0 - np.stack(flags)}
        return x, y

    def on_epoch_end(self):
        self.epoch += 1

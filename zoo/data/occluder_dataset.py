"""Training data for the occluder segmenter: face crops with synthetic occluders and the
occluder's mask on the segmenter's grid."""

import cv2
import keras
import numpy as np

from zoo.data.batching import batch_count, batch_slice, replicas_in_sync
from zoo.data.augment import augment_sample
from zoo.data.occlusion import occlude
from zoo.data.transforms import CropTransform, box_from_points


class OccluderDataset(keras.utils.PyDataset):
    """Batches `(x, y)`: `x` `(B, S, S, 3)` crops in [0, 1], `y` `(B, S/stride, S/stride, 1)` the
    share of each grid cell covered by an occluder (0 on clean faces).

    A face is left clean with probability `1 - occlusion`; otherwise one occluder is pasted on a
    random component (a second one with probability `second`), then the face is cropped and
    augmented (the mask follows the same warp; flips included).

    Args:
        samples: `LandmarkSample`s (their points place the occluders).
        crop: "image" (the file is the face crop) or "landmarks" (a square of the landmark box
            plus `margin` per side).
        occluder_bank: `OccluderBank` (procedural occluders only when None).
        stride: grid cell in crop pixels (the segmenter's output stride).
        kinds: the occluder families drawn (default: the five `TRAINING_FAMILIES`).
    """

    def __init__(self, samples, batch_size=32, image_size=128, augmenter=None, crop="image", margin=0.3, occlusion=0.75,
                 second=0.15, occluder_bank=None, stride=8, shuffle=False, seed=0, kinds=None, **kwargs):
        super().__init__(**kwargs)
        if not samples:
            raise ValueError("OccluderDataset needs at least one sample")
        if image_size % stride:
            raise ValueError(f"`image_size` must be a multiple of `stride`. Received: {image_size}, {stride}")
        self.samples = list(samples)
        self.batch_size, self.image_size, self.stride = int(batch_size), int(image_size), int(stride)
        # under a data-parallel distribution every batch divides by its device count
        self.batch_multiple = replicas_in_sync()
        self.augmenter, self.crop, self.margin = augmenter, crop, margin
        self.occlusion, self.second = float(occlusion), float(second)
        self.bank = occluder_bank
        self.kinds = None if kinds is None else tuple(kinds)
        self.shuffle, self.seed, self.epoch = shuffle, int(seed), 0
        self.channels_first = keras.config.image_data_format() == "channels_first"

    def __len__(self):
        return batch_count(len(self.samples), self.batch_size, self.batch_multiple)

    def load(self, i, rng):
        """`(uint8 crop (S, S, 3), float32 mask (S, S))` of sample `i`."""
        s = self.samples[i]
        image = s.load_image()
        mask = np.zeros(image.shape[:2], np.uint8)
        if rng.random() < self.occlusion:
            image, mask, _ = occlude(image, s.points, None, rng, self.bank, kinds=self.kinds)
            if rng.random() < self.second:
                image, m2, _ = occlude(image, s.points, None, rng, self.bank, kinds=self.kinds)
                mask = np.maximum(mask, m2)
        if self.crop == "image":
            h, w = image.shape[:2]
            t = CropTransform.from_box((0, 0, w, h), self.image_size, margin=0.0)
        else:
            t = CropTransform.from_box(box_from_points(s.points), self.image_size, self.margin)
        if self.augmenter is not None:
            crop, _, t, _ = augment_sample(image, s.points, t, self.augmenter, rng)
        else:
            crop = t.warp(image)
        m = cv2.warpAffine(mask.astype(np.float32), t.matrix, (self.image_size, self.image_size), flags=cv2.INTER_LINEAR)
        return crop, m

    def target(self, mask):
        """The `(G, G)` cell coverage of a full-resolution mask."""
        g = self.image_size // self.stride
        return cv2.resize(mask.astype(np.float32), (g, g), interpolation=cv2.INTER_AREA)

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        order = np.arange(len(self.samples))
        if self.shuffle:
            np.random.default_rng([self.seed, self.epoch]).shuffle(order)
        start, stop = batch_slice(index, len(self.samples), self.batch_size, self.batch_multiple)
        ids = order[start:stop]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        xs, ys = [], []
        for i in ids:
            crop, m = self.load(int(i), rng)
            xs.append(crop)
            ys.append(self.target(m))
        x = np.stack(xs).astype(np.float32) / 255.0
        y = np.stack(ys)[..., None].astype(np.float32)
        if self.channels_first:
            x, y = np.transpose(x, (0, 3, 1, 2)), np.transpose(y, (0, 3, 1, 2))
        return x, y

    def on_epoch_end(self):
        self.epoch += 1

"""Training pairs for the inpainter: clean faces occluded on the fly at the 7 components."""

import cv2
import keras
import numpy as np

from zoo.data.batching import batch_count, batch_slice, replicas_in_sync
from zoo.data.image_io import read_image
from zoo.data.occlusion import occlude


class InpaintDataset(keras.utils.PyDataset):
    """Batches `{"image": clean (B, S, S, 3) in [-1, 1], "mask": (B, S, S, 1) 1 = occluded,
    "fake_offsets": (B, 2), "real_offsets": (B, 2)}` for GAN-IA training (channels last).

    Each face is resized to S x S and an occluder is pasted at a random component (its mask is
    what the inpainter must fill). `fake_offsets` is the top-left (y, x) of the `patch` x `patch`
    local-discriminator window centred on the occluded region; `real_offsets` a random window
    (for real images).

    Args:
        items: list of `(image_path, points or None)`; faces without landmarks use the mean
            shape of those with (the faces are expected aligned, like CelebA-HQ / FFHQ crops).
        batch_size, image_size, patch: batch size, S, local patch side (S/2 by default).
        occluder_bank: `OccluderBank` (procedural occluders only when None).
        seed, shuffle: reproducible order and occlusions (a pure function of seed, epoch, index).
        flip: probability of a horizontal flip.
    """

    def __init__(self, items, batch_size=8, image_size=128, patch=None, occluder_bank=None, seed=0, shuffle=True,
                 flip=0.5, **kwargs):
        super().__init__(**kwargs)
        if not items:
            raise ValueError("InpaintDataset needs at least one face")
        self.items = list(items)
        self.batch_size = int(batch_size)
        # under a data-parallel distribution every batch divides by its device count
        self.batch_multiple = replicas_in_sync()
        self.image_size = int(image_size)
        self.patch = int(patch or image_size // 2)
        if not 0 < self.patch <= self.image_size:
            raise ValueError(f"`patch` must be in (0, image_size]. Received: patch={patch!r}")
        self.bank = occluder_bank
        self.seed, self.shuffle, self.flip = int(seed), shuffle, float(flip)
        self.epoch = 0
        known = []
        for path, pts in self.items:
            if pts is not None:
                known.append(np.asarray(pts, np.float64) / _side(path))
        self.mean_shape = np.mean(known, axis=0) if known else None

    def __len__(self):
        return batch_count(len(self.items), self.batch_size, self.batch_multiple)

    def sample(self, i, rng):
        path, pts = self.items[i]
        image = read_image(path)
        s = self.image_size
        h, w = image.shape[:2]
        if pts is None:
            if self.mean_shape is None:
                raise ValueError(f"{path}: no landmarks and no annotated face to take a mean shape from")
            pts = self.mean_shape * np.array([w, h])
        pts = np.asarray(pts, np.float64) * np.array([s / w, s / h])
        image = cv2.resize(image, (s, s), interpolation=cv2.INTER_AREA)
        if rng.random() < self.flip:
            image = image[:, ::-1].copy()
            from zoo.data.shape68 import FLIP_PERMUTATION

            pts = np.stack([s - 1 - pts[:, 0], pts[:, 1]], 1)[FLIP_PERMUTATION]
        _, mask, _ = occlude(image, pts, None, rng, self.bank)
        if not mask.any():  # an occluder pasted off the face: fall back to a box on a component
            mask[s // 3 : s // 2, s // 3 : 2 * s // 3] = 1
        ys, xs = np.nonzero(mask)
        cy, cx = (ys.min() + ys.max()) // 2, (xs.min() + xs.max()) // 2
        p = self.patch
        fake = (int(np.clip(cy - p // 2, 0, s - p)), int(np.clip(cx - p // 2, 0, s - p)))
        real = (int(rng.integers(0, s - p + 1)), int(rng.integers(0, s - p + 1)))
        return image, mask, fake, real

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        order = np.arange(len(self.items))
        if self.shuffle:
            np.random.default_rng([self.seed, self.epoch]).shuffle(order)
        start, stop = batch_slice(index, len(self.items), self.batch_size, self.batch_multiple)
        ids = order[start:stop]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        parts = [self.sample(i, rng) for i in ids]
        return {
            "image": np.stack([p[0] for p in parts]).astype(np.float32) / 127.5 - 1.0,
            "mask": np.stack([p[1] for p in parts])[..., None].astype(np.float32),
            "fake_offsets": np.array([p[2] for p in parts], np.int32),
            "real_offsets": np.array([p[3] for p in parts], np.int32),
        }

    def on_epoch_end(self):
        self.epoch += 1


def _side(path):
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        from zoo.data.image_io import ImageError

        raise ImageError(f"{path}: not a decodable image")
    h, w = img.shape[:2]
    return np.array([w, h], np.float64)

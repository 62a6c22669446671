"""`Restorer`: a face and an occlusion mask in, the face with the masked pixels restored out."""

import cv2
import numpy as np

from zoo.tasks.task import Task


class Restorer(Task):
    """An inpainting task around a restorer (GAN-IA generator or the de-corrupt autoencoder:
    inputs `{"image": (S, S, 3) in [-1, 1], "mask": (S, S, 1), 1 = occluded}`, output
    `"restored"`).

    It owns the restorer's view of a photo (a square: the whole image padded, or the square
    around a face box, never stretched; block-averaged when shrinking; a conservative mask so
    no occluder colour enters as context), the value range, the mask convention, and Poisson
    blending of the result (`zoo.pipeline.poisson_blend`).

    Example:
    >>> gania = Restorer.from_preset("gania_128")
    >>> (restored,) = gania.restore([face], [mask])          # uint8, the face's size
    """

    preset_task = "restorer"

    def check_model(self, model):
        names = {t.name.split(":")[0] for t in model.inputs}
        outs = model.output if isinstance(model.output, dict) else {}
        if "restored" not in outs or not {"image", "mask"} <= names:
            raise ValueError(f"{type(model).__name__} is not a restorer: needs inputs 'image' and 'mask' and a "
                             f"'restored' output (inputs {sorted(names)}, outputs {sorted(outs) or 'not a dict'})")

    def _run(self, crops, masks):
        """Restorer on prepared crops (N, S, S, 3) in [-1, 1] and masks (N, S, S) -> (N, S, S, 3) in [-1, 1]."""
        x = self._to_model_layout(np.asarray(crops, np.float32))
        m = self._to_model_layout(np.asarray(masks, np.float32)[..., None])
        pred = self._call({"image": x, "mask": m})["restored"]
        return np.transpose(pred, (0, 2, 3, 1)) if self.data_format == "channels_first" else pred

    def restore_crops(self, crops, masks, batch_size=16):
        """The restorer's raw output `(N, S, S, 3)` uint8 on square uint8 crops already at its
        resolution (`masks` `(N, S, S)`, nonzero = occluded); every pixel is the network's."""
        size = self.input_size
        out = []
        for start in range(0, len(crops), batch_size):
            c = np.asarray(crops[start : start + batch_size])
            m = np.asarray(masks[start : start + batch_size]) > 0
            if c.shape[1:] != (size, size, 3) or m.shape[1:] != (size, size):
                raise ValueError(f"restore_crops takes ({size}, {size}, 3) crops and ({size}, {size}) masks. "
                                 f"Received: {c.shape}, {m.shape}")
            pred = self._run(c.astype(np.float32) / 127.5 - 1.0, m)
            out.append(((pred + 1.0) * 127.5).clip(0, 255).astype(np.uint8))
        return np.concatenate(out) if out else np.zeros((0, size, size, 3), np.uint8)

    def restore(self, images, masks, blend=True, batch_size=8, boxes=None):
        """Restore the masked pixels of each image (any size): its square view (see `boxes`) is
        restored at the restorer's resolution and mapped back; only masked pixels change (then
        Poisson-blended when `blend`).

        Args:
            images: list of `(H, W, 3)` uint8 RGB.
            masks: list of `(H, W)` arrays, nonzero = occluded.
            boxes: optional list (one per image, or None entries) of face boxes `(x, y, w, h)`:
                the restorer sees the square around the box. Without a box it sees the whole
                image, padded to a square. Masked pixels outside the box's square are left.
        Returns: list of uint8 RGB images of the inputs' sizes.
        """
        from zoo.data.blend import poisson_blend

        size = self.input_size
        if boxes is not None and len(boxes) != len(images):
            raise ValueError(f"got {len(boxes)} boxes for {len(images)} images")
        out = []
        for start in range(0, len(images), batch_size):
            imgs, ms = images[start : start + batch_size], masks[start : start + batch_size]
            bxs = boxes[start : start + batch_size] if boxes is not None else [None] * len(imgs)
            x, m, ts = [], [], []
            for img, mask, box in zip(imgs, ms, bxs):
                img, mask = np.asarray(img), np.asarray(mask)
                if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
                    raise ValueError(f"image must be (H, W, 3) uint8 RGB. Received: shape={img.shape}, dtype={img.dtype}")
                if mask.shape[:2] != img.shape[:2]:
                    raise ValueError(f"mask {mask.shape[:2]} and image {img.shape[:2]} sizes differ")
                crop, crop_mask, t = square_view(img, mask, size, box)
                x.append(crop)
                m.append(crop_mask)
                ts.append(t)
            pred = self._run(np.stack(x), np.stack(m))
            for img, mask, p, t in zip(imgs, ms, pred, ts):
                h, w = img.shape[:2]
                g8 = ((p + 1.0) * 127.5).clip(0, 255).astype(np.uint8)
                g = cv2.warpAffine(g8, t.matrix, (w, h), flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
                                   borderMode=cv2.BORDER_REPLICATE)
                inside = cv2.warpAffine(np.ones((size, size), np.uint8), t.matrix, (w, h),
                                        flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP) > 0
                occluded = (np.asarray(mask) > 0) & inside
                if blend:
                    out.append(poisson_blend(img, g, occluded))
                else:
                    res = img.copy()
                    res[occluded] = g[occluded]
                    out.append(res)
        return out


def square_view(image, mask, size, box=None):
    """The restorer's square view of an image: the whole image (padded to a square by edge
    replication, never stretched) or the square around a face `box = (x, y, w, h)`. Returns
    `(crop in [-1, 1], crop mask bool, CropTransform)`; the transform is in the image's coordinates."""
    from zoo.data.transforms import CropTransform

    h, w = image.shape[:2]
    # the whole image spans pixel centres -0.5 .. w - 0.5 (CropTransform works on pixel centres)
    t = CropTransform.from_box(box if box is not None else (-0.5, -0.5, float(w), float(h)), size, margin=0.0)
    a, b = t.matrix[:, :2], t.matrix[:, 2]
    # Shrinking by k >= 2: warp to a k-times larger square first (scale a * k in (0.5, 1]), then
    # average k x k blocks; a bilinear warp straight to `size` would alias.
    k = max(1, int(np.floor(1.0 / a[0, 0])))
    big = np.hstack([a * k, (b * k + 0.5 * k - 0.5)[:, None]])  # big-square pixel centre = (x + 0.5) k - 0.5

    def view(x, border):
        x = cv2.warpAffine(x, big, (size * k, size * k), flags=cv2.INTER_LINEAR, borderMode=border)
        return cv2.resize(x, (size, size), interpolation=cv2.INTER_AREA) if k > 1 else x

    crop = view(image, cv2.BORDER_REPLICATE)
    # Conservative mask: a crop pixel is occluded when any occluded pixel reaches it, so the
    # occluder's colours never enter the restorer as known context at the mask's edge.
    m = view((np.asarray(mask) > 0).astype(np.float32), cv2.BORDER_CONSTANT) > 1e-3
    return crop.astype(np.float32) / 127.5 - 1.0, m, t

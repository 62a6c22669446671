"""Restoring occluded regions of a face with a trained restorer (GAN-IA or the autoencoder),
with optional Poisson blending (`cv2.seamlessClone`), as the seed post-processes."""

import cv2
import keras
import numpy as np


def poisson_blend(image, restored, mask):
    """Blend the masked region of `restored` into `image` by Poisson editing (OpenCV's
    `seamlessClone`, NORMAL_CLONE). Pixels outside the (slightly dilated) mask stay unchanged.

    Args:
        image, restored: `(H, W, 3)` uint8 RGB.
        mask: `(H, W)`, nonzero = occluded.
    """
    m = (np.asarray(mask) > 0).astype(np.uint8)
    if not m.any():
        return image.copy()
    h, w = m.shape
    region = cv2.dilate(m, np.ones((3, 3), np.uint8)) * 255
    region[0, :] = region[-1, :] = 0  # seamlessClone needs the region away from the border
    region[:, 0] = region[:, -1] = 0
    if not region.any():
        return restored.copy()
    ys, xs = np.nonzero(region)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    center = (int((x0 + x1 + 1) // 2), int((y0 + y1 + 1) // 2))
    src = cv2.cvtColor(np.ascontiguousarray(restored), cv2.COLOR_RGB2BGR)
    dst = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR)
    # seamlessClone writes into the mask it is given (seen with OpenCV 5.0): pass a copy.
    out = cv2.seamlessClone(src, dst, region.copy(), center, cv2.NORMAL_CLONE)
    out = cv2.cvtColor(out, cv2.COLOR_BGR2RGB)
    keep = region == 0
    out[keep] = image[keep]
    return out


def _restorer_size(model):
    shape = model.inputs[0].shape
    return int(shape[1] if keras.config.image_data_format() == "channels_last" else shape[2])


def restore_images(model, images, masks, blend=True, batch_size=8):
    """Restore the masked pixels of each image (any size): resized to the restorer's input,
    restored, resized back; only masked pixels change (then Poisson-blended when `blend`).

    Args:
        images: list of `(H, W, 3)` uint8 RGB.
        masks: list of `(H, W)` arrays, nonzero = occluded.
    Returns: list of uint8 RGB images of the inputs' sizes.
    """
    size = _restorer_size(model)
    channels_first = keras.config.image_data_format() == "channels_first"
    out = []
    for start in range(0, len(images), batch_size):
        imgs, ms = images[start : start + batch_size], masks[start : start + batch_size]
        x, m = [], []
        for img, mask in zip(imgs, ms):
            if img.ndim != 3 or img.shape[2] != 3:
                raise ValueError(f"image must be (H, W, 3) RGB. Received: shape={img.shape}")
            if mask.shape[:2] != img.shape[:2]:
                raise ValueError(f"mask {mask.shape[:2]} and image {img.shape[:2]} sizes differ")
            x.append(cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32) / 127.5 - 1.0)
            m.append((cv2.resize((mask > 0).astype(np.uint8), (size, size), interpolation=cv2.INTER_NEAREST) > 0)[..., None])
        x, m = np.stack(x), np.stack(m).astype(np.float32)
        if channels_first:
            x, m = np.transpose(x, (0, 3, 1, 2)), np.transpose(m, (0, 3, 1, 2))
        pred = model.predict_on_batch({"image": x, "mask": m})["restored"]
        pred = np.asarray(keras.ops.convert_to_numpy(pred))
        if channels_first:
            pred = np.transpose(pred, (0, 2, 3, 1))
        for img, mask, p in zip(imgs, ms, pred):
            h, w = img.shape[:2]
            g = cv2.resize(((p + 1.0) * 127.5).clip(0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_CUBIC)
            occluded = mask > 0
            res = img.copy()
            res[occluded] = g[occluded]
            out.append(poisson_blend(img, res, occluded) if blend else res)
    return out

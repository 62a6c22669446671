"""Restoring occluded regions of a face with a trained restorer (GAN-IA or the autoencoder),
with optional Poisson blending (`cv2.seamlessClone`), as the seed post-processes."""

import os

import cv2
import keras
import numpy as np


def poisson_blend(image, restored, mask, margin=3):
    """Blend the masked region of `restored` into `image` by Poisson editing (OpenCV's
    `seamlessClone`, NORMAL_CLONE), as the seed post-processes GAN-IA's output.

    Inside the mask the result keeps the gradients of `restored` and meets the pixels of `image`
    around the mask, so colour and brightness offsets of the restorer vanish at the seam. The
    pixels of `image` inside the mask (the occluder) never reach the result; pixels outside the
    mask are returned unchanged.

    Args:
        image: `(H, W, 3)` uint8 RGB, the occluded input.
        restored: `(H, W, 3)` uint8 RGB, the restorer's whole output at the image's size (its
            gradients guide the fill, so pass the full output, not a composite with a seam).
        mask: `(H, W)`, nonzero = occluded.
        margin: pixels the guidance region extends beyond the mask (OpenCV erodes the region it
            is given; with less than ~3 px the occluder's edge leaks back in).
    """
    m = np.asarray(mask) > 0
    if not m.any():
        return image.copy()
    if restored.shape != image.shape or m.shape != image.shape[:2]:
        raise ValueError(f"image {image.shape}, restored {restored.shape} and mask {m.shape} must have the same size")
    dst = image.copy()
    dst[m] = restored[m]  # the occluder's pixels must not guide the solve (its edges would leak back)
    k = 2 * int(margin) + 1
    region = cv2.dilate(m.astype(np.uint8), np.ones((k, k), np.uint8)) * 255
    region[0, :] = region[-1, :] = 0  # seamlessClone needs the region away from the border
    region[:, 0] = region[:, -1] = 0
    if not region.any():
        return dst
    ys, xs = np.nonzero(region)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    center = (int((x0 + x1 + 1) // 2), int((y0 + y1 + 1) // 2))
    src = cv2.cvtColor(np.ascontiguousarray(restored), cv2.COLOR_RGB2BGR)
    dst_bgr = cv2.cvtColor(np.ascontiguousarray(dst), cv2.COLOR_RGB2BGR)
    # seamlessClone writes into the mask it is given (seen with OpenCV 5.0): pass a copy.
    out = cv2.cvtColor(cv2.seamlessClone(src, dst_bgr, region.copy(), center, cv2.NORMAL_CLONE), cv2.COLOR_BGR2RGB)
    out[~m] = image[~m]
    return out


def _restorer_size(model):
    shape = model.inputs[0].shape
    return int(shape[1] if keras.config.image_data_format() == "channels_last" else shape[2])


def _to_crop(image, mask, size, box):
    """The restorer's square view of an image: the whole image (padded to a square by edge
    replication, never stretched) or the square around a face `box = (x, y, w, h)`. Returns
    `(crop in [-1, 1], crop mask, CropTransform)`; the transform is in the image's coordinates."""
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


def restore_images(model, images, masks, blend=True, batch_size=8, boxes=None):
    """Restore the masked pixels of each image (any size) with a restorer: its square view of
    the image (see `boxes`) is restored at the restorer's resolution and mapped back; only
    masked pixels change (then Poisson-blended when `blend`).

    Args:
        model: a restorer (inputs `{"image", "mask"}`, output `"restored"`).
        images: list of `(H, W, 3)` uint8 RGB.
        masks: list of `(H, W)` arrays, nonzero = occluded.
        boxes: optional list (one per image, or None entries) of face boxes `(x, y, w, h)`:
            the restorer sees the square around the box, as it was trained on face crops.
            Without a box it sees the whole image, padded to a square. Masked pixels outside
            the box's square are left as they are.
    Returns: list of uint8 RGB images of the inputs' sizes.
    """
    size = _restorer_size(model)
    channels_first = keras.config.image_data_format() == "channels_first"
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
            crop, crop_mask, t = _to_crop(img, mask, size, box)
            x.append(crop)
            m.append(crop_mask[..., None])
            ts.append(t)
        x, m = np.stack(x), np.stack(m).astype(np.float32)
        if channels_first:
            x, m = np.transpose(x, (0, 3, 1, 2)), np.transpose(m, (0, 3, 1, 2))
        pred = model.predict_on_batch({"image": x, "mask": m})["restored"]
        pred = np.asarray(keras.ops.convert_to_numpy(pred))
        if channels_first:
            pred = np.transpose(pred, (0, 2, 3, 1))
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


def inpainting_metrics(clean, restored, masks):
    """Mean PSNR (dB), SSIM and L1 of `restored` against `clean`, inside each mask.

    Args:
        clean, restored: lists of `(H, W, 3)` uint8 images (pairwise the same size).
        masks: list of `(H, W)` arrays, nonzero = the region that was occluded.
    Returns: `{"n", "psnr_mask_db", "ssim_mask", "l1_mask"}`.
    """
    from zoo.metrics import l1, psnr, ssim

    if not (len(clean) == len(restored) == len(masks)) or not clean:
        raise ValueError(f"need as many clean, restored and masks (>0); got {len(clean)}, {len(restored)}, {len(masks)}")
    rows = [(psnr(c, r, mask=m > 0), ssim(c, r, mask=m > 0), l1(c, r, mask=m > 0)) for c, r, m in zip(clean, restored, masks)]
    p, s, e = (float(np.mean(v)) for v in zip(*rows))
    return {"n": len(clean), "psnr_mask_db": p, "ssim_mask": s, "l1_mask": e}


def resolve_restorer(name):
    """A restorer model from a preset name, a `.keras` file, or a training run (its folder or
    its `generator.weights.h5`, next to the run's `config.json`)."""
    from zoo.presets import list_presets, load_preset

    if name in list_presets():
        model = load_preset(name)
    elif os.path.isfile(name) and name.endswith(".keras"):
        model = keras.saving.load_model(name)
    elif os.path.isdir(name) or os.path.basename(name) == "generator.weights.h5":
        model = restorer_from_run(name if os.path.isdir(name) else os.path.dirname(name) or ".")
    else:
        raise KeyError(f"No restorer {name!r}: not a preset ({', '.join(list_presets()) or 'none'}), "
                       f"a .keras file nor a restorer run folder")
    if not isinstance(model.output, dict) or "restored" not in model.output:
        raise ValueError(f"{name!r} is a {type(model).__name__}, not a restorer (no 'restored' output); "
                         f"restorer presets: {', '.join(list_presets(task='restorer')) or 'none'}")
    return model


def restorer_from_run(run_dir):
    """The generator of a restorer training run (`python -m zoo train <restorer recipe>`),
    built from the run's `config.json` and loaded strictly from its `generator.weights.h5`."""
    import json

    from zoo import registry
    from zoo.presets import load_weights_strict

    cfg_path, weights = os.path.join(run_dir, "config.json"), os.path.join(run_dir, "generator.weights.h5")
    for path in (cfg_path, weights):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: not found (a restorer run folder holds config.json and generator.weights.h5)")
    with open(cfg_path) as f:
        config = json.load(f)
    if config.get("task") != "restorer":
        raise ValueError(f"{cfg_path}: task {config.get('task')!r} is not a restorer run")
    model = registry.create_model(config["generator"], **config.get("generator_kwargs", {}))
    return load_weights_strict(model, weights)

"""COFW-68: combine a user's `COFW_test_color.mat` (Caltech; not shipped) with the staged 68-point
annotations into an image + `.pts` folder with per-point occlusion flags."""

import csv
import os
import shutil

import numpy as np

from zoo.data.folders import read_flags_csv
from zoo.data.image_io import write_image
from zoo.data.pts import read_pts, write_pts


def load_cofw_images(mat_path, key="IsT"):
    """The images of a COFW `.mat` (MATLAB v5 via scipy, v7.3/HDF5 via h5py) as a list of
    uint8 arrays (RGB or gray)."""
    mat_path = os.fspath(mat_path)
    if not os.path.isfile(mat_path):
        raise FileNotFoundError(f"{mat_path}: no such file")
    try:
        import scipy.io

        m = scipy.io.loadmat(mat_path)
    except NotImplementedError:  # v7.3
        return _load_h5(mat_path, key)
    except ValueError as e:
        raise ValueError(f"{mat_path}: not a readable MATLAB file ({e})") from None
    if key not in m:
        raise KeyError(f"{mat_path}: no variable {key!r} (has {sorted(k for k in m if not k.startswith('__'))})")
    cells = m[key].reshape(-1)
    return [np.asarray(c, np.uint8) for c in cells]


def _load_h5(mat_path, key):
    try:
        import h5py
    except ImportError:
        raise ImportError(f"{mat_path} is a MATLAB v7.3 file: install h5py to read it") from None
    out = []
    with h5py.File(mat_path, "r") as f:
        if key not in f:
            raise KeyError(f"{mat_path}: no variable {key!r}")
        for ref in np.asarray(f[key]).reshape(-1):
            a = np.asarray(f[ref])  # MATLAB stores transposed
            out.append(np.ascontiguousarray(a.T if a.ndim == 2 else np.transpose(a, (2, 1, 0))).astype(np.uint8))
    return out


def convert_cofw68(mat_path, annotations_dir, out_dir, key="IsT"):
    """Write `out_dir/NNN.png` + `NNN.pts` + `occlusion.csv` (+ `bboxes.csv`) for every face.

    `annotations_dir` is the staged `cofw68_test_annotations/` (pts/NNN.pts, occlusion.csv,
    bboxes.csv). The number of images must match the number of annotations. Returns the count.
    """
    images = load_cofw_images(mat_path, key)
    pts_dir = os.path.join(annotations_dir, "pts")
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(pts_dir) if f.endswith(".pts"))
    if len(images) != len(names):
        raise ValueError(f"{mat_path}: {len(images)} images but {len(names)} annotations in {pts_dir}")
    flags = read_flags_csv(os.path.join(annotations_dir, "occlusion.csv"))
    os.makedirs(out_dir, exist_ok=True)
    for name, image in zip(names, images):
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=2)
        points = read_pts(os.path.join(pts_dir, f"{name}.pts"))
        h, w = image.shape[:2]
        if points[:, 0].max() > 1.5 * w or points[:, 1].max() > 1.5 * h:
            raise ValueError(f"{name}: annotations lie outside the {w}x{h} image: wrong .mat or order?")
        write_image(os.path.join(out_dir, f"{name}.png"), image)
        write_pts(os.path.join(out_dir, f"{name}.pts"), points)
    with open(os.path.join(out_dir, "occlusion.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["name"] + [f"occ_{i}" for i in range(68)])
        for name in names:
            writer.writerow([name] + [int(v) for v in flags[name]])
    boxes = os.path.join(annotations_dir, "bboxes.csv")
    if os.path.isfile(boxes):
        shutil.copyfile(boxes, os.path.join(out_dir, "bboxes.csv"))
    return len(names)

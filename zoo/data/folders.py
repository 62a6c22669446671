"""Folders of faces: image + `.pts` pairs (300W / LFPW / HELEN / AFW / IBUG layout, COFW-68
after conversion) and plain face-image folders (CelebA-HQ style) for the inpainter."""

import csv
import fnmatch
import os
from dataclasses import dataclass, field

import numpy as np

from zoo.data.image_io import IMAGE_EXTENSIONS, ImageError, read_image
from zoo.data.pts import AnnotationError, read_pts


@dataclass
class LandmarkSample:
    """One annotated face: its image path, 0-based `(68, 2)` points, optional per-point
    occlusion flags (1 = occluded) and a training weight."""

    name: str
    image_path: str
    points: np.ndarray
    flags: np.ndarray | None = None
    weight: float = 1.0  # the face's weight in a training loss (e.g. a noisier source's lower)

    def load_image(self):
        return read_image(self.image_path)


@dataclass
class ScanReport:
    """What a scan found: the valid samples and, per invalid file, why."""

    folder: str
    samples: list = field(default_factory=list)
    invalid: list = field(default_factory=list)  # (path, reason)

    def raise_if_invalid(self):
        if self.invalid:
            lines = "\n".join(f"  {p}: {r}" for p, r in self.invalid[:20])
            more = f"\n  ... and {len(self.invalid) - 20} more" if len(self.invalid) > 20 else ""
            first, why = self.invalid[0]
            raise AnnotationError(f"{self.folder}: {len(self.invalid)} invalid file(s), the first {os.path.basename(first)}: {why}"
                                  f"\n{lines}{more}")


def _list_files(folder):
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such folder")
    return sorted(os.listdir(folder))


def read_flags_csv(path):
    """`name, [index,] occ_0 ... occ_67` -> {name: (68,) uint8} (the COFW-68 / occlude CSV)."""
    out = {}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        occ_cols = [i for i, h in enumerate(header) if h.startswith("occ_")]
        for lineno, row in enumerate(reader, 2):
            try:
                out[row[0]] = np.array([int(row[i]) for i in occ_cols], np.uint8)
            except (ValueError, IndexError):
                raise AnnotationError(f"{path}:{lineno}: bad occlusion row") from None
    return out


def scan_landmark_folder(folder, pattern="*", skip_invalid=False, check_images=False, n_points=68):
    """Pair every image in `folder` with its same-stem `.pts`.

    Each image without annotation, annotation without image, bad `.pts` (and, with
    `check_images`, undecodable image) is invalid. With `skip_invalid=False` (default) any
    invalid file raises `AnnotationError` listing them; with `skip_invalid=True` the returned
    `ScanReport` lists what was skipped. An `occlusion.csv` beside the files (or in the parent
    folder) supplies per-point flags. An empty folder is an error.
    """
    folder = os.path.abspath(os.fspath(folder))
    files = [f for f in _list_files(folder) if fnmatch.fnmatch(f, pattern)]
    images = {os.path.splitext(f)[0]: f for f in files if f.lower().endswith(IMAGE_EXTENSIONS)}
    annotations = {os.path.splitext(f)[0]: f for f in files if f.lower().endswith(".pts")}
    report = ScanReport(folder)
    if not images and not annotations:
        raise FileNotFoundError(f"{folder}: no images or .pts files (pattern {pattern!r})")
    flags = {}
    for candidate in (os.path.join(folder, "occlusion.csv"), os.path.join(os.path.dirname(folder), "occlusion.csv")):
        if os.path.isfile(candidate):
            flags = read_flags_csv(candidate)
            break
    for stem in sorted(set(images) | set(annotations)):
        if stem not in annotations:
            report.invalid.append((os.path.join(folder, images[stem]), "image without its .pts annotation"))
            continue
        pts_path = os.path.join(folder, annotations[stem])
        if stem not in images:
            report.invalid.append((pts_path, "annotation without an image"))
            continue
        image_path = os.path.join(folder, images[stem])
        try:
            points = read_pts(pts_path, n_points=n_points)
            if check_images:
                image = read_image(image_path)
                h, w = image.shape[:2]
                if points.min() < -0.5 * max(h, w) or points[:, 0].max() > 1.5 * w or points[:, 1].max() > 1.5 * h:
                    raise AnnotationError(f"{pts_path}: points lie far outside the {w}x{h} image")
        except (AnnotationError, ImageError) as e:
            report.invalid.append((pts_path if isinstance(e, AnnotationError) else image_path, str(e)))
            continue
        report.samples.append(LandmarkSample(stem, image_path, points, flags.get(stem)))
    if not skip_invalid:
        report.raise_if_invalid()
    if not report.samples:
        raise FileNotFoundError(f"{folder}: no valid image + .pts pairs")
    return report


def load_landmark_folder(folder, pattern="*", skip_invalid=False):
    """The valid `LandmarkSample`s of a folder (see `scan_landmark_folder`)."""
    return scan_landmark_folder(folder, pattern, skip_invalid).samples


def list_face_images(folder, pattern="*", recursive=True):
    """Image paths of a plain face folder (CelebA-HQ style); raises on an empty folder."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such folder")
    paths = []
    for root, _, names in os.walk(folder):
        paths += [os.path.join(root, n) for n in names if n.lower().endswith(IMAGE_EXTENSIONS) and fnmatch.fnmatch(n, pattern)]
        if not recursive:
            break
    if not paths:
        raise FileNotFoundError(f"{folder}: no face images (pattern {pattern!r})")
    return sorted(paths)

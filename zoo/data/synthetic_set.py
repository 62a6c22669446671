"""The project's deterministic synthetic-occlusion test set (COFW's images are not at hand):
every face of a clean annotated folder, occluded at one component, written with its mask and
per-point flags. Results on it are always labelled *synthetic*."""

import csv
import os

import numpy as np

from zoo.data.folders import scan_landmark_folder
from zoo.data.image_io import write_image
from zoo.data.occlusion import FAMILY_COMPONENTS, OccluderBank, occlude
from zoo.data.pts import write_pts
from zoo.data.shape68 import COMPONENT_NAMES

README = """# Synthetic occlusion of {src} (pattern {pattern!r}, seed {seed})

SYNTHETIC: real faces with pasted occluders, made by `python -m zoo data occlude`.
Report results on this set as synthetic occlusion, never as COFW.

- `<name>.png` occluded face, `<name>.pts` the original 68 points (1-based iBUG),
- `masks/<name>.png` 255 where the occluder is,
- `occlusion.csv`: name, component, occ_0..occ_67 (1 = point covered).
"""


def occlude_folder(src, dst, seed=0, pattern="*", bank=None, kinds=None, scale=(1.0, 1.6)):
    """Occlude every face of `src` into `dst`, deterministically from `seed`.

    Face i (in sorted order) uses `np.random.default_rng([seed, i])`; components cycle through
    the seven so each is covered equally often; the occluder kind is drawn per face. Texture
    patches are cut from the other faces of `src`; `scale`: the occluder's size relative to the
    component's box (`occlude`). Returns the rows of `occlusion.csv`.
    """
    samples = scan_landmark_folder(src, pattern).samples
    if not samples:
        raise FileNotFoundError(f"no annotated faces matching {pattern!r} in {src}")
    if bank is None:
        bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in samples])
    os.makedirs(os.path.join(dst, "masks"), exist_ok=True)
    rows = []
    for i, s in enumerate(samples):
        rng = np.random.default_rng([seed, i])
        kind = None if not kinds else kinds[rng.integers(len(kinds))]
        # components cycle (through those the family covers: a band only crosses the lower face)
        covered = FAMILY_COMPONENTS.get(kind, COMPONENT_NAMES)
        component = covered[(i + seed) % len(covered)]
        image = s.load_image()
        # Draw the kind first so the same (seed, i) always gives the same occluder.
        occluded, mask, flags = occlude(image, s.points, component, rng, bank, kind, scale=scale)
        write_image(os.path.join(dst, f"{s.name}.png"), occluded)
        write_image(os.path.join(dst, "masks", f"{s.name}.png"), mask * 255)
        write_pts(os.path.join(dst, f"{s.name}.pts"), s.points)
        rows.append([s.name, component] + [int(v) for v in flags])
    with open(os.path.join(dst, "occlusion.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "component"] + [f"occ_{k}" for k in range(68)])
        w.writerows(rows)
    with open(os.path.join(dst, "README.md"), "w") as f:
        f.write(README.format(src=os.path.abspath(src), pattern=pattern, seed=seed))
    return rows

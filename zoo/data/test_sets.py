"""The held-out test sets every preset is measured on (never trained or selected on):

- `helen_test_clean`: the 230 staged 300-W HELEN-test faces;
- `helen_test_synthetic_occlusion`: the same faces with the deterministic synthetic occlusion
  of seed 0 (`python -m zoo data occlude`), made once and cached outside the source tree in
  `$ZOO_CACHE` (default `~/.cache/occlusion-zoo`).
"""

import os

from zoo.data.paths import dataset_path

CACHE_VAR = "ZOO_CACHE"


def cache_dir():
    """Where derived data (the synthetic-occlusion test set) is cached: `$ZOO_CACHE`, else
    `~/.cache/occlusion-zoo` (`$XDG_CACHE_HOME/occlusion-zoo` where that is set)."""
    root = os.environ.get(CACHE_VAR)
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "occlusion-zoo")
    return os.path.abspath(root)


def synthetic_helen_test(seed=0):
    """The folder of the deterministic synthetic occlusion of the 230 HELEN-test faces (made once)."""
    from zoo.data.synthetic_set import occlude_folder

    dst = os.path.join(cache_dir(), f"helen_test_occluded_seed{seed}")
    if not os.path.isfile(os.path.join(dst, "occlusion.csv")):
        occlude_folder(dataset_path("300w"), dst, seed=seed, pattern="helen_testset_*")
    return dst


def test_sets():
    """name -> (folder, pattern, label) of every staged test set a regressor is measured on."""
    return {
        "helen_test_clean": (dataset_path("300w"), "helen_testset_*", "300-W HELEN test, 230 clean faces"),
        "helen_test_synthetic_occlusion": (synthetic_helen_test(0), "*", "HELEN test with synthetic occlusion (seed 0) - SYNTHETIC"),
    }


def inpainting_test_set(limit=None):
    """(clean, occluded, mask) triples of the 230 HELEN-test faces with the synthetic occlusion
    of seed 0: held out from every restorer recipe."""
    from zoo.data.folders import load_landmark_folder
    from zoo.data.image_io import read_image

    occ_dir = synthetic_helen_test(0)
    clean = {s.name: s for s in load_landmark_folder(dataset_path("300w"), "helen_testset_*")}
    items = []
    for s in load_landmark_folder(occ_dir)[:limit]:
        mask = read_image(os.path.join(occ_dir, "masks", f"{s.name}.png"), color="gray") > 127
        items.append((clean[s.name].load_image(), s.load_image(), mask))
    return items

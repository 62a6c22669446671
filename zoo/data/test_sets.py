"""The held-out test sets every preset is measured on (never trained or selected on):

- `helen_test_clean`: the 230 staged 300-W HELEN-test faces;
- `helen_test_synthetic_occlusion`: the same faces with the deterministic synthetic occlusion
  of seed 0 (`python -m zoo data occlude`), made once and cached outside the source tree in
  `$ZOO_CACHE` (default `~/.cache/occlusion-zoo`);
- `family_test_set(family)`: the same faces, each occluded by one occluder of one family
  (`zoo.data.occluder_families`), 1.2-2x the covered component's box (larger than the training
  draws' 1-1.6x: a component and some of its surroundings), its textures, photo patches and other
  faces cut from the staged CelebA-HQ images (a source no recipe trains on): the
  leave-one-family-out benchmark's sets;
- `degraded_test_set(kind)`: the clean faces in grey, blurred (sigma 2) or down-sampled to 48 px
  wide and back: what must never be restored.
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


def made_once(dst, marker, make):
    """`dst`, made by `make(folder)` into a private folder first and renamed into place when whole,
    unless `dst/marker` is there already: two processes (pytest-xdist workers, parallel
    benchmarks) never read each other's half-written files. Returns `dst`."""
    import shutil
    import uuid

    if os.path.isfile(os.path.join(dst, marker)):
        return dst
    tmp = f"{dst}.part-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        make(tmp)
        if not os.path.isfile(os.path.join(tmp, marker)):
            raise RuntimeError(f"{tmp}: made without its {marker}")
        if os.path.isdir(dst) and not os.path.isfile(os.path.join(dst, marker)):
            shutil.rmtree(dst, ignore_errors=True)  # an earlier, interrupted attempt of the old layout
        try:
            os.rename(tmp, dst)
        except OSError:
            if not os.path.isfile(os.path.join(dst, marker)):  # not another process's finished copy
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dst


def synthetic_helen_test(seed=0):
    """The folder of the deterministic synthetic occlusion of the 230 HELEN-test faces (made once)."""
    from zoo.data.synthetic_set import occlude_folder

    dst = os.path.join(cache_dir(), f"helen_test_occluded_seed{seed}")
    return made_once(dst, "occlusion.csv", lambda d: occlude_folder(dataset_path("300w"), d, seed=seed, pattern="helen_testset_*"))


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


def family_bank():
    """The occluder bank of the family test sets: the staged cut-outs and COFW shapes, textures and
    photo patches from the staged CelebA-HQ images (never a training source)."""
    import glob

    from zoo.data.occlusion import OccluderBank

    photos = sorted(p for p in glob.glob(os.path.join(dataset_path("celebahq"), "*")) if p.lower().endswith((".jpg", ".jpeg", ".png")))
    if not photos:
        raise FileNotFoundError(f"no CelebA-HQ images in {dataset_path('celebahq')} (the family sets' textures)")
    return OccluderBank.from_data_root(texture_paths=photos)


FAMILY_SET_SCALE = (1.2, 2.0)


def family_test_set(family, seed=0):
    """The folder of the 230 HELEN-test faces, each occluded by one occluder of `family` (made once,
    cached in `$ZOO_CACHE`)."""
    from zoo.data.occluder_families import OCCLUDER_FAMILIES
    from zoo.data.synthetic_set import occlude_folder

    if family not in OCCLUDER_FAMILIES:
        raise ValueError(f"unknown occluder family {family!r}; expected one of {OCCLUDER_FAMILIES}")
    lo, hi = FAMILY_SET_SCALE
    dst = os.path.join(cache_dir(), f"helen_test_family_{family}_seed{seed}_x{lo:g}-{hi:g}")
    return made_once(dst, "occlusion.csv", lambda d: occlude_folder(dataset_path("300w"), d, seed=seed, pattern="helen_testset_*",
                                                                     bank=family_bank(), kinds=[family], scale=FAMILY_SET_SCALE))


DEGRADATIONS = ("clean", "grey", "blur", "lowres")


def degrade(image, kind):
    """A clean face made harder without covering anything: `grey` (luma in 3 channels), `blur`
    (Gaussian, sigma 2), `lowres` (down-sampled to 48 px wide and back), `clean` (as is)."""
    import cv2
    import numpy as np

    if kind == "clean":
        return image
    if kind == "grey":
        return np.repeat(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[..., None], 3, -1)
    if kind == "blur":
        return cv2.GaussianBlur(image, (0, 0), 2.0)
    if kind == "lowres":
        h, w = image.shape[:2]
        small = cv2.resize(image, (48, max(1, round(48 * h / w))), interpolation=cv2.INTER_AREA)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    raise ValueError(f"unknown degradation {kind!r}; expected one of {DEGRADATIONS}")


def degraded_test_set(kind):
    """The folder of the 230 clean HELEN-test faces degraded by `kind` (made once, cached)."""
    from zoo.data.folders import load_landmark_folder
    from zoo.data.image_io import write_image
    from zoo.data.pts import write_pts

    if kind not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {kind!r}; expected one of {DEGRADATIONS}")
    src = dataset_path("300w")
    if kind == "clean":
        return src
    def make(folder):
        os.makedirs(folder, exist_ok=True)
        for s in load_landmark_folder(src, "helen_testset_*"):
            write_image(os.path.join(folder, f"{s.name}.png"), degrade(s.load_image(), kind))
            write_pts(os.path.join(folder, f"{s.name}.pts"), s.points)
        with open(os.path.join(folder, "DONE"), "w") as f:
            f.write(kind + "\n")

    return made_once(os.path.join(cache_dir(), f"helen_test_{kind}"), "DONE", make)

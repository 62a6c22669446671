import os
import sys

# XLA (JAX) compiles every small op of an eager call and every weight initializer per shape; in
# these short tests compiling dominates, so compile without LLVM's optimisation passes (same
# arithmetic, no fast-math either way). Set before keras imports jax; inherited by the workers.
if "--xla_backend_optimization_level" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_backend_optimization_level=0").strip()
# The suite builds the same networks and train steps again and again (a run, its resume, the same
# recipe in another test): JAX's persistent compilation cache, one folder for the whole session
# (set here in the controlling process, inherited by the xdist workers and any JAX subprocess),
# compiles each once. A size limit turns on JAX's file lock, so two workers never read a half-written
# entry. A user's `KERAS_BACKEND=jax` process is not affected: this is the test suite's setting.
_JAX_CACHE_MADE = None  # the folder this process made (removed when the session ends)
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
    import tempfile

    _JAX_CACHE_MADE = os.environ["JAX_COMPILATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="zoo-tests-jax-cache-")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")
    os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(4 << 30))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))


# The backend-sensitive part of the suite (what CI runs under JAX, torch and TensorFlow without
# oneDNN): every test under these folders, and any test marked `backend` elsewhere (the presets'
# recorded outputs). A test in these folders whose result cannot depend on the backend (reading a
# config file; one that spawns every backend itself) is marked `once` and runs in the full suite only.
BACKEND_FOLDERS = ("layers", "models", "losses", "training")


def pytest_collection_modifyitems(config, items):
    for item in items:
        rel = os.path.relpath(str(item.path), os.path.join(ROOT, "tests"))
        if rel.split(os.sep)[0] in BACKEND_FOLDERS and item.get_closest_marker("once") is None:
            item.add_marker(pytest.mark.backend)


def pytest_unconfigure(config):
    if _JAX_CACHE_MADE is not None and not hasattr(config, "workerinput"):
        import shutil

        shutil.rmtree(_JAX_CACHE_MADE, ignore_errors=True)


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}, image_data_format {keras.config.image_data_format()}"


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def staged():
    """Path of a staged real data set by name; fails loudly (FileNotFoundError naming ZOO_DATA)
    when the data is missing."""
    from zoo.data.paths import dataset_path

    return dataset_path


@pytest.fixture(scope="session")
def helen_test(staged):
    from zoo.data import load_landmark_folder

    return load_landmark_folder(staged("300w"), "helen_testset_*")

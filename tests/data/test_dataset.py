import keras
import numpy as np
import pytest

from zoo.data import Augmenter, LandmarkDataset
from zoo.metrics import NMEMetric


def _tiny_regressor(size):
    inp = keras.Input((size, size, 3))
    x = keras.layers.Conv2D(4, 3, strides=4, activation="relu")(inp)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(136)(x)
    return keras.Model(inp, keras.layers.Reshape((68, 2))(x))


def test_batches_on_real_faces(helen_test):
    ds = LandmarkDataset(helen_test[:20], batch_size=8, image_size=64, augmenter=Augmenter(), shuffle=True, seed=1)
    assert len(ds) == 3
    x, y = ds[0]
    assert x.shape == (8, 64, 64, 3) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.shape == (8, 68, 2) and -0.2 < y.min() and y.max() < 1.2
    x2, y2 = LandmarkDataset(helen_test[:20], batch_size=8, image_size=64, augmenter=Augmenter(), shuffle=True, seed=1)[0]
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    last_x, _ = ds[2]
    assert last_x.shape[0] == 4
    with pytest.raises(IndexError):
        ds[3]


def _fit_with_workers(samples, multiprocessing):
    ds = LandmarkDataset(samples, batch_size=8, image_size=32, augmenter=Augmenter(), shuffle=True,
                         workers=2, use_multiprocessing=multiprocessing)
    model = _tiny_regressor(32)
    model.compile(optimizer="adam", loss="mse", metrics=[NMEMetric()])
    return model.fit(ds, epochs=2, verbose=0).history


def test_fit_with_worker_threads(helen_test):
    history = _fit_with_workers(helen_test[:16], False)
    assert np.isfinite(history["loss"]).all()
    assert 0 < history["nme"][-1] < 10


WORKER_SCRIPT = """
import sys, json
sys.path.insert(0, {tests!r})
from zoo.data import dataset_path, load_landmark_folder
from data.test_dataset import _fit_with_workers
h = _fit_with_workers(load_landmark_folder(dataset_path("300w"), "helen_testset_*")[:16], True)
print(json.dumps({{k: [float(x) for x in v] for k, v in h.items()}}))
"""


def test_fit_with_worker_processes():
    """Worker processes fork; JAX warns that forking a multithreaded process can deadlock, so
    this runs in a fresh interpreter with a time limit: a hang fails the test, never CI."""
    import json
    import os
    import subprocess
    import sys

    tests = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", WORKER_SCRIPT.format(tests=tests)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    history = json.loads(proc.stdout.strip().splitlines()[-1])
    assert np.isfinite(history["loss"]).all() and 0 < history["nme"][-1] < 10


def test_flags_target(helen_test):
    s = helen_test[0]
    s2 = type(s)(s.name, s.image_path, s.points, np.eye(68, dtype=np.uint8)[36])
    ds = LandmarkDataset([s2], batch_size=1, image_size=32, with_flags=True)
    _, y = ds[0]
    assert y["visibility"].shape == (1, 68) and y["visibility"][0, 36] == 0 and y["visibility"].sum() == 67

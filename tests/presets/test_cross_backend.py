"""A `.keras` saved under this backend loads under the other two with the same outputs.

Each run compares its backend with the next one around a ring (TensorFlow -> JAX -> PyTorch ->
TensorFlow): CI runs the suite once per backend, so its three runs together save under every
backend, load under every other one's neighbour and compare every pair of backends on the shipped
presets, at one subprocess per test instead of two.
"""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from zoo.layers import SelfAttention2D
from zoo.models import DecorruptAutoencoder, GANIAGenerator, GlobalDiscriminator, LocalDiscriminator

BACKENDS = ("tensorflow", "jax", "torch")
RING = {"tensorflow": "jax", "jax": "torch", "torch": "tensorflow"}
HERE = os.path.dirname(os.path.abspath(__file__))


def _models():
    return {
        "generator": GANIAGenerator(image_size=32, base_filters=4, attention_at=(8, 2)),
        "generator_masked": GANIAGenerator(image_size=32, base_filters=4, attention_at=(8, 2), masked_attention=True),
        "autoencoder": DecorruptAutoencoder(image_size=32, base_filters=4),
        "global_d": GlobalDiscriminator(image_size=32, base_filters=4),
        "local_d": LocalDiscriminator(patch_size=16, base_filters=4, attention_at=(4,)),
    }


@pytest.mark.cross_backend
@pytest.mark.parametrize("other", [RING[keras.backend.backend()]])
def test_saved_model_loads_under_other_backend(other, tmp_path, rng):
    expected = {}
    for stem, model in _models().items():
        for layer in model.layers:  # make attention matter, so it is compared too
            if isinstance(layer, SelfAttention2D):
                layer.gamma.assign(0.5)
        size = model.inputs[0].shape[1]
        if stem in ("generator", "generator_masked", "autoencoder"):
            mask = np.zeros((2, size, size, 1), "float32")
            mask[:, 5:20, 8:24] = 1
            x = {"image": rng.uniform(-1, 1, (2, size, size, 3)).astype("float32"), "mask": mask}
            np.savez(tmp_path / f"inputs_{stem}.npz", **x)
        else:
            x = rng.uniform(-1, 1, (2, size, size, 3)).astype("float32")
            np.savez(tmp_path / f"inputs_{stem}.npz", x=x)
        out = model.predict(x, verbose=0)
        expected[stem] = out if isinstance(out, dict) else {"out": out}
        model.save(tmp_path / f"{stem}.keras")

    env = dict(os.environ, KERAS_BACKEND=other, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "_cross_backend_worker.py"), str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"loading under {other} failed:\n{proc.stderr[-3000:]}"
    for stem, outs in expected.items():
        got = np.load(tmp_path / f"{stem}.{other}.npz")
        for key, value in outs.items():
            diff = np.abs(np.asarray(value) - got[key]).max()
            assert diff <= 1e-5, f"{stem}[{key}]: {keras.backend.backend()} -> {other} max abs diff {diff}"


@pytest.mark.cross_backend
def test_presets_predict_the_same_on_every_backend(tmp_path, helen_test):
    """Regressors agree to 0.01 px, occluder maps to 1e-3, restorers to a tenth of a grey level, the detector to 5e-3 (pixels,
    logits), between this backend and the next one of the ring."""
    import cv2

    from _cross_backend_worker import preset_outputs
    from zoo.presets import list_presets, preset_record, preset_task

    names = list_presets()
    assert names, "no preset shipped"
    faces = [s.load_image() for s in helen_test[:4]]
    # every regressor's input size (each worker resizes the same faces the same way)
    for size in {int(preset_record(n)["model_config"].get("input_size", 112)) for n in names if preset_task(preset_record(n)) in ("regressor", "occluder")}:
        x = np.stack([np.asarray(cv2.resize(f, (size, size)), np.float32) / 255.0 for f in faces])
        np.savez(tmp_path / f"faces_{size}.npz", x=x)
    np.savez(tmp_path / "faces.npz", x=np.stack([np.asarray(cv2.resize(f, (112, 112)), np.float32) / 255.0 for f in faces]))
    for size in {int(preset_record(n)["model_config"].get("image_size", 256)) for n in names
                 if preset_task(preset_record(n)) == "restorer"}:
        img = np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_AREA) for f in faces]) / 127.5 - 1.0
        mask = np.zeros((4, size, size, 1), np.float32)
        mask[:, size // 2 : 3 * size // 4, size // 4 : 3 * size // 4] = 1.0
        np.savez(tmp_path / f"restore_{size}.npz", image=img.astype(np.float32), mask=mask)
    mine = preset_outputs(str(tmp_path))
    for other in (RING[keras.backend.backend()],):
        env = dict(os.environ, KERAS_BACKEND=other, TF_CPP_MIN_LOG_LEVEL="3")
        proc = subprocess.run([sys.executable, os.path.join(HERE, "_cross_backend_worker.py"), "--presets", str(tmp_path)],
                              env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        got = np.load(tmp_path / f"presets.{other}.npz")
        for n in names:
            if preset_task(preset_record(n)) == "detector":  # raw box offsets in input pixels and logits
                diff = np.abs(mine[n] - got[n]).max()
                assert diff < 5e-3, f"{n}: {keras.backend.backend()} vs {other} differ by {diff:.5f}"
            elif preset_task(preset_record(n)) == "occluder":  # probabilities
                diff = np.abs(mine[n] - got[n]).max()
                assert diff < 1e-3, f"{n}: {keras.backend.backend()} vs {other} differ by {diff:.5f}"
            elif preset_task(preset_record(n)) == "restorer":
                diff = np.abs(mine[n] - got[n]).max() * 127.5
                assert diff < 0.1, f"{n}: {keras.backend.backend()} vs {other} differ by {diff:.4f} grey levels"
            else:
                diff = np.abs(mine[n] - got[n]).max() * int(preset_record(n)["model_config"].get("input_size", 112))
                assert diff < 0.01, f"{n}: {keras.backend.backend()} vs {other} differ by {diff:.4f} px"

"""Recipe configs train regressors with `fit` on every backend; swapping the regressor is one
field; checkpoints are atomic and resumable; a NaN loss stops without overwriting a good
checkpoint."""

import os

import keras
import numpy as np
import pytest

import zoo
from zoo.training.checkpoint import NonFiniteLossError
from zoo.training.recipes import load_recipe
from zoo.training.supervised import split_train_val, train

# The checkpoint tests run a handful of steps: under TensorFlow tracing the step costs far more than
# running it eagerly, under JAX the reverse (eager JAX compiles op by op); the swap test keeps the
# compiled path on every backend.
EAGER = keras.backend.backend() == "tensorflow"


def _small(config):
    config = dict(config)
    config.update(batch_size=8, epochs=1, occlusion=0.3, workers=1)
    config["model_kwargs"] = dict(config.get("model_kwargs", {}), input_size=64)
    if config["model"] == "drn":
        config["model_kwargs"].update(hidden=16)
    return config


@pytest.fixture(scope="module")
def small_samples(staged):
    from zoo.data import load_landmark_folder

    s = load_landmark_folder(staged("300w"), "afw_1*")[:24]
    return s[:16], s[16:24]


# PFLD trains per backend in test_resume_continues_from_the_checkpoint; DRN's swap runs on every backend
@pytest.mark.parametrize("regressor", [pytest.param("pfld_0.25x", marks=pytest.mark.once), "drn"])
def test_swapping_the_regressor_is_one_field(regressor, small_samples, tmp_path):
    config = _small(load_recipe("pfld_1x_300w"))
    config["model"] = regressor  # the whole swap
    config = _small(config)
    result = train(config, str(tmp_path), epochs=1, samples=small_samples, verbose=0)
    hist = result["state"]["history"]
    assert len(hist) == 1 and all(np.isfinite(h["loss"]) for h in hist)
    assert all(np.isfinite(h["val_nme"]) for h in hist)
    fresh = zoo.create_model(config["model"], **config["model_kwargs"])
    trained = result["regressor"]
    moved = [a.path for a, b in zip(trained.trainable_weights, fresh.trainable_weights) if not np.allclose(np.asarray(a), np.asarray(b))]
    assert len(moved) > 0.5 * len(trained.trainable_weights)
    assert os.path.isfile(tmp_path / "best.weights.h5") and os.path.isfile(tmp_path / "last.weights.h5")
    assert type(result["regressor"]).__name__ == ("DRN" if regressor == "drn" else "PFLD")


def test_resume_continues_from_the_checkpoint(small_samples, tmp_path):
    config = dict(_small(load_recipe("pfld_0.25x_300w")), run_eagerly=EAGER)
    train(config, str(tmp_path), epochs=1, samples=small_samples, verbose=0)
    first = (tmp_path / "last.weights.h5").read_bytes()
    result = train(config, str(tmp_path), epochs=2, resume=True, samples=small_samples, verbose=0)
    state = result["state"]
    assert state["epoch"] == 1 and [h["epoch"] for h in state["history"]] == [1, 2]
    assert (tmp_path / "last.weights.h5").read_bytes() != first
    opt = np.load(tmp_path / "optimizer.npz")
    assert int(opt["arr_0"]) == 2 * 2  # iterations: two epochs of two batches
    # Resuming a finished run trains nothing more.
    again = train(config, str(tmp_path), epochs=2, resume=True, samples=small_samples, verbose=0)
    assert len(again["state"]["history"]) == 2


def test_nan_loss_stops_and_keeps_the_good_checkpoint(small_samples, tmp_path):
    config = dict(_small(load_recipe("pfld_0.25x_300w")), run_eagerly=EAGER)
    train(config, str(tmp_path), epochs=1, samples=small_samples, verbose=0)
    good = (tmp_path / "last.weights.h5").read_bytes()
    train_s, val_s = small_samples
    bad = [type(s)(s.name, s.image_path, np.full_like(s.points, np.nan), s.flags) for s in train_s]
    config["occlusion"] = 0.0
    with pytest.raises(NonFiniteLossError, match="last good one"):
        train(config, str(tmp_path), epochs=2, resume=True, samples=(bad, val_s), verbose=0)
    assert (tmp_path / "last.weights.h5").read_bytes() == good


def test_split_is_deterministic_and_disjoint(small_samples):
    train_s, val_s = small_samples
    all_s = train_s + val_s
    a = split_train_val(all_s, 0.25)
    b = split_train_val(all_s, 0.25)
    assert [s.name for s in a[1]] == [s.name for s in b[1]]
    assert not {s.name for s in a[0]} & {s.name for s in a[1]}
    assert len(a[0]) + len(a[1]) == len(all_s)


def test_init_weights_starts_from_a_run_whole_or_not_at_all(tmp_path):
    from zoo.training.supervised import initialise

    parent = zoo.create_model("pfld_0.25x", input_size=64)
    path = str(tmp_path / "best.weights.h5")
    parent.save_weights(path)
    child = zoo.create_model("pfld_0.25x", input_size=64)
    initialise(child, {"init_weights": path, "init_preset": "pfld_1x_300w"})  # the file wins over a preset
    for a, b in zip(child.weights, parent.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    other = zoo.create_model("pfld_1x", input_size=64)
    with pytest.raises(ValueError, match="best.weights.h5"):
        initialise(other, {"init_weights": path})

"""Resume cannot lie: a checkpoint is one unit (a run stopped between writing its files resumes
from a complete set, never a mixed one), `--resume` on a folder without a checkpoint starts as a
fresh run would, and a resumed restorer run sees the same data as an uninterrupted one."""

import os

import keras
import numpy as np
import pytest

import zoo
from zoo.training.checkpoint import commit_checkpoint, verified_checkpoint
from zoo.training.recipes import load_recipe
from zoo.training.supervised import train

EAGER = keras.backend.backend() == "tensorflow"  # tracing costs more than these few steps on TensorFlow


class Stop(Exception):
    """Stands for the process being killed at that point."""


def _writer(text):
    def write(path):
        with open(path, "w") as f:
            f.write(text)

    return write


@pytest.mark.once
def test_a_checkpoint_is_one_unit_wherever_it_stops(tmp_path, monkeypatch):
    """Stopped at every point of a commit (each file move, the state's write), the folder resumes
    from one whole generation: all old files or all new, never a mix, and no temp file is left."""
    names = ("a.weights.h5", "b.npz")
    real_replace = os.replace
    for stop_at in range(5):
        d = tmp_path / f"run{stop_at}"
        d.mkdir()
        state = commit_checkpoint(str(d), {n: _writer(f"old {n}") for n in names}, {"epoch": 0})
        calls = []

        def replace(src, dst, calls=calls, stop_at=stop_at):
            calls.append(dst)
            if len(calls) > stop_at:
                raise Stop(dst)
            return real_replace(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(Stop):
            commit_checkpoint(str(d), {n: _writer(f"new {n}") for n in names}, {"epoch": 1})
        monkeypatch.setattr(os, "replace", real_replace)
        state = zoo.runs.read_json(str(d / "state.json"))
        files = verified_checkpoint(str(d), state, log=lambda m: None)
        generation = {open(p).read().split()[0] for p in files.values()}
        assert generation == {"old"} and state["epoch"] == 0, (stop_at, generation, state)
        assert not [f for f in os.listdir(d) if ".new" in f or f.endswith(".tmp")], os.listdir(d)
    with open(d / "a.weights.h5", "w") as f:  # damaged afterwards, both sets: refused, naming the folder
        f.write("junk")
    with open(d / "prev.a.weights.h5", "w") as f:
        f.write("junk")
    with pytest.raises(ValueError, match="run4"):
        verified_checkpoint(str(d), zoo.runs.read_json(str(d / "state.json")), log=lambda m: None)


@pytest.fixture(scope="module")
def small_samples(staged):
    from zoo.data import load_landmark_folder

    s = load_landmark_folder(staged("300w"), "afw_1*")[:24]
    return s[:16], s[16:24]


def _small(config):
    config = dict(config, batch_size=8, occlusion=0.3, workers=1, run_eagerly=EAGER)
    config["model_kwargs"] = dict(config.get("model_kwargs", {}), input_size=64)
    return config


def test_a_run_stopped_between_its_files_resumes_from_the_last_complete_checkpoint(small_samples, tmp_path, monkeypatch, capsys):
    config = _small(load_recipe("pfld_0.25x_300w"))
    whole = train(config, str(tmp_path / "whole"), epochs=2, samples=small_samples, verbose=0)["regressor"]
    run = str(tmp_path / "stopped")
    real_replace = os.replace
    state_writes = []

    def replace(src, dst):  # the second epoch's files are in place when the run stops: its state is not
        if os.path.basename(dst) == "state.json":
            state_writes.append(dst)
            if len(state_writes) == 2:
                raise Stop(dst)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Stop):
        train(config, run, epochs=2, samples=small_samples, verbose=0)
    monkeypatch.setattr(os, "replace", real_replace)
    resumed = train(config, run, epochs=2, resume=True, samples=small_samples, verbose=0)
    assert "previous complete one" in capsys.readouterr().out
    assert [h["epoch"] for h in resumed["state"]["history"]] == [1, 2]
    for a, b in zip(resumed["regressor"].weights, whole.weights):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=1e-6)


@pytest.mark.once
def test_resume_without_a_checkpoint_starts_as_a_fresh_run(small_samples, tmp_path, capsys):
    """`--resume` on an empty folder of a recipe that starts from a preset starts from the preset."""
    config = dict(load_recipe("pfld_0.25x_wing_300w"), batch_size=8, workers=1, run_eagerly=True)
    result = train(config, str(tmp_path), epochs=0, resume=True, samples=small_samples, verbose=0)
    assert "no checkpoint" in capsys.readouterr().out
    parent = zoo.load_preset("pfld_0.25x_300w")
    for a, b in zip(result["regressor"].weights, parent.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_a_resumed_restorer_run_sees_the_same_data(tmp_path):
    """3 steps + resume + 3 steps = 6 steps uninterrupted, bit for bit (the data is a function of the
    step; the optimiser state and the weights come back whole)."""
    from zoo.training.restorer import train_restorer

    config = {"name": "t", "task": "restorer", "model": "gania_generator", "adversarial": False,
              "model_kwargs": {"image_size": 32, "base_filters": 4},
              "data": {"landmark_sets": [["aligned_300w", "afw_1*"]]}, "batch_size": 2,
              "schedule": {"t_g": 6, "patch": 16, "checkpoint_every": 100}}
    whole = train_restorer(config, str(tmp_path / "whole"), limit=4)["model"]  # 2 batches an epoch: 3 epochs
    train_restorer(config, str(tmp_path / "split"), limit=4, max_steps=3)
    split = train_restorer(config, str(tmp_path / "split"), limit=4, resume=True)
    assert split["state"]["step"] == 6
    for a, b in zip(split["model"].weights, whole.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))

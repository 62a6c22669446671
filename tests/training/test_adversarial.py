"""GAN-IA training on the active backend: the three phases on real faces, freezing and
hand-over, masked L2 falling, atomic checkpoints, resume, and NaN handling."""

import os

import numpy as np
import pytest

import zoo
from zoo.training.adversarial import AdversarialRun, phase_at
from zoo.training.checkpoint import NonFiniteLossError
from zoo.data.inpaint_dataset import InpaintDataset


@pytest.fixture(scope="module")
def faces(staged):
    from zoo.data import load_landmark_folder

    return [(s.image_path, s.points) for s in load_landmark_folder(staged("aligned_300w"), "afw_1*")[:16]]


def _nets():
    g = zoo.create_model("gania_generator", image_size=32, base_filters=4)
    dg = zoo.create_model("global_discriminator", image_size=32, base_filters=4)
    dl = zoo.create_model("local_discriminator", patch_size=16, base_filters=4, attention_at=(4,))
    return g, dg, dl


def _snap(net):
    return [np.array(v) for v in net.trainable_variables]


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_phase_schedule():
    assert [phase_at(s, 2, 3) for s in range(7)] == ["generator"] * 2 + ["discriminator"] * 3 + ["joint"] * 2


def test_three_phases_freeze_and_hand_over(faces, tmp_path):
    ds = InpaintDataset(faces, batch_size=4, image_size=32, patch=16, occluder_bank=None, seed=1)
    g, dg, dl = _nets()
    cfg = dict(t_g=12, t_d=3, t_joint=3, patch=16, checkpoint_every=100, g_lr=2e-3, d_lr=1e-3)
    run = AdversarialRun(g, dg, dl, cfg, str(tmp_path))
    run.run(ds, max_steps=12, log_every=1)  # phase 1: generator alone with MSE
    hist = run.state["history"]
    assert {h["phase"] for h in hist} == {"generator"}
    first, last = np.mean([h["l_rec"] for h in hist[:3]]), np.mean([h["l_rec"] for h in hist[-3:]])
    assert last < first, f"masked L2 did not fall: {first:.4f} -> {last:.4f}"
    run.steps.sync()
    g1, d1 = _snap(g), _snap(dg) + _snap(dl)
    run.run(ds, max_steps=3, log_every=1)  # phase 2: discriminators alone, generator frozen
    run.steps.sync()
    assert _same(g1, _snap(g)), "generator changed during the discriminator phase"
    assert not _same(d1, _snap(dg) + _snap(dl))
    assert os.path.isfile(tmp_path / "generator.weights.h5")  # written at the phase change
    d2 = _snap(dg) + _snap(dl)
    state = run.run(ds, log_every=1)  # phase 3: jointly
    run.steps.sync()
    assert state["step"] == 18 and state["phase"] == "joint"
    assert not _same(g1, _snap(g)) and not _same(d2, _snap(dg) + _snap(dl))
    joint = [h for h in state["history"] if h["phase"] == "joint"]
    assert joint and all(np.isfinite([h["g_total"], h["d_global"], h["d_local"]]).all() for h in joint)


def test_resume_and_nan(faces, tmp_path):
    ds = InpaintDataset(faces, batch_size=4, image_size=32, patch=16, seed=2)
    cfg = dict(t_g=3, t_d=2, t_joint=2, patch=16, checkpoint_every=2)
    run = AdversarialRun(*_nets(), cfg, str(tmp_path))
    run.run(ds, max_steps=4)  # into the discriminator phase; checkpoint at step 4 (every 2)
    saved = (tmp_path / "generator.weights.h5").read_bytes()
    fresh = AdversarialRun(*_nets(), cfg, str(tmp_path))
    assert fresh.restore() and fresh.state["step"] == 4 and fresh.state["phase"] == "discriminator"
    assert _same(_snap(fresh.generator), _snap(run.generator))
    # A NaN batch stops the run before anything is written over the good checkpoint.
    bad = ds[0]
    bad["image"] = np.full_like(bad["image"], np.nan)

    class Bad:
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return bad

        def on_epoch_end(self):
            pass

    with pytest.raises(NonFiniteLossError, match="intact"):
        fresh.run(Bad())
    assert (tmp_path / "generator.weights.h5").read_bytes() == saved
    state = AdversarialRun(*_nets(), cfg, str(tmp_path)).run(ds, resume=True)
    assert state["step"] == 7


@pytest.mark.once  # what a SIGKILL leaves on disk does not depend on the backend (resume per backend: test_resume_and_nan)
def test_kill_9_loses_at_most_one_checkpoint_interval(faces, tmp_path):
    """SIGKILL a training process mid-run (in the joint phase), then resume: the checkpoint is
    readable and no more than `checkpoint_every` (2) steps are lost."""
    import json
    import re
    import signal
    import subprocess
    import sys
    import time

    worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_adversarial_worker.py")
    proc = subprocess.Popen([sys.executable, worker, str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    steps, lines, deadline = [], [], time.time() + 300
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.match(r"step (\d+) ", line)
        if m:
            steps.append(int(m.group(1)))
            if steps[-1] >= 11:  # in the joint phase, between two checkpoints
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert steps and steps[-1] >= 11, "worker did not reach step 11:\n" + "".join(lines[-30:])
    done = steps[-1] + 1
    with open(tmp_path / "state.json") as f:
        saved = json.load(f)["step"]
    assert done - 2 <= saved <= done, f"{done} steps done, checkpoint at {saved}"
    run = AdversarialRun(*_nets(), dict(t_g=4, t_d=4, t_joint=saved - 8 + 2, patch=16, checkpoint_every=2), str(tmp_path))
    assert run.restore() and run.state["step"] == saved and run.state["phase"] == "joint"
    ds = InpaintDataset(faces, batch_size=4, image_size=32, patch=16, seed=3)
    state = run.run(ds, resume=True, log_every=1)
    assert state["step"] == saved + 2 and np.isfinite(state["history"][-1]["g_total"])


def test_generator_learning_rate_cosine_decay(faces, tmp_path):
    import keras

    from zoo.training.adversarial import generator_learning_rate

    assert generator_learning_rate({"g_lr": 1e-3, "t_g": 5}) == 1e-3
    sched = generator_learning_rate({"g_lr": 1e-3, "g_lr_decay": "cosine", "t_g": 4, "t_joint": 6, "g_lr_floor": 0.1})
    lrs = [float(keras.ops.convert_to_numpy(sched(s))) for s in (0, 5, 10, 20)]
    np.testing.assert_allclose(lrs, [1e-3, 1e-4 + 0.9e-3 * 0.5, 1e-4, 1e-4], rtol=1e-5)
    # the autoencoder (no discriminators) decays over its t_g alone
    ae = generator_learning_rate({"g_lr": 1e-3, "g_lr_decay": "cosine", "t_g": 4, "t_joint": 6}, adversarial=False)
    assert float(keras.ops.convert_to_numpy(ae(4))) == pytest.approx(5e-5)
    with pytest.raises(ValueError, match="g_lr_decay"):
        generator_learning_rate({"g_lr_decay": "linear", "t_g": 3})
    # a run's generator optimiser follows it, and a resumed run picks it up where it stopped
    ds = InpaintDataset(faces, batch_size=4, image_size=32, patch=16, seed=3)
    cfg = dict(t_g=2, t_d=1, t_joint=2, patch=16, checkpoint_every=1, g_lr=1e-3, g_lr_decay="cosine")
    run = AdversarialRun(*_nets(), cfg, str(tmp_path))
    run.run(ds, max_steps=3)
    again = AdversarialRun(*_nets(), cfg, str(tmp_path))
    again.restore()
    assert int(keras.ops.convert_to_numpy(again.g_opt.iterations)) == 2  # generator updates, not steps
    assert float(keras.ops.convert_to_numpy(again.g_opt.learning_rate)) == pytest.approx(
        float(keras.ops.convert_to_numpy(sched.__class__(1e-3, 4, alpha=0.05)(2))), rel=1e-5)


def test_restorer_run_starts_from_another_runs_generator(tmp_path):
    import keras

    from zoo.training.restorer import train_restorer

    config = {"name": "t", "task": "restorer", "model": "gania_generator", "adversarial": False,
              "model_kwargs": {"image_size": 32, "base_filters": 4},
              "data": {"landmark_sets": [["aligned_300w", "afw_1*"]]}, "batch_size": 2,
              "schedule": {"t_g": 2, "patch": 16, "checkpoint_every": 1}}
    train_restorer(config, str(tmp_path / "a"), limit=4)
    from zoo.tasks import Restorer

    assert isinstance(zoo.load(str(tmp_path / "a")), Restorer)  # a restorer run folder loads as its task
    parent = str(tmp_path / "a" / "generator.weights.h5")
    train_restorer(dict(config, init_weights=parent, init_preset="gania_128"), str(tmp_path / "b"), limit=4, max_steps=0)
    a, b = (zoo.create_model("gania_generator", image_size=32, base_filters=4) for _ in range(2))
    a.load_weights(parent)
    b.load_weights(str(tmp_path / "b" / "generator.weights.h5"))
    for x, y in zip(a.weights, b.weights):  # the file wins over the preset, and is loaded whole
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(x), keras.ops.convert_to_numpy(y))
    wider = dict(config, model_kwargs={"image_size": 32, "base_filters": 8}, init_weights=parent)
    with pytest.raises(ValueError, match="generator.weights.h5"):
        train_restorer(wider, str(tmp_path / "c"), limit=4, max_steps=0)

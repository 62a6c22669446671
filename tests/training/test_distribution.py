"""`python -m zoo train ... --distribution data-parallel` (issue 23): JAX's
`keras.distribution.DataParallel` over 2 forced host devices trains as one device does; batches
split evenly; the backends without a single-process path say so."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from zoo.data.batching import batch_count, batch_slice

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WORKER = r"""
import json, sys
import keras
import numpy as np
from zoo.training import train
from zoo.training.adversarial_jax import _shard
from zoo.training.distribution import data_parallel
from zoo.training.recipes import load_recipe

out = {"devices": [str(d) for d in keras.distribution.list_devices()]}
with data_parallel(2):
    x = _shard({"x": np.zeros((4, 8), np.float32)})["x"]
    out["shards"] = [list(s.data.shape) for s in x.addressable_shards]
# a regressor (Keras's own fit step) ...
cfg = load_recipe("pfld_0.25x_300w")
cfg.update(batch_size=8, epochs=1, seed=0, workers=1, augment={}, occlusion=0.0)
for label, kw in (("one", {}), ("two", {"distribution": "data-parallel", "devices": 2})):
    r = train(cfg, sys.argv[1] + "/" + label, limit=16, verbose=0, **kw)
    out[label] = r["state"]["history"][-1]
    out[label + "_config"] = json.load(open(sys.argv[1] + "/" + label + "/config.json")).get("distribution")
# ... and GAN-IA (the project's own JAX steps): two steps of each phase
cfg = load_recipe("gania_128")
cfg.update(batch_size=4)
cfg["schedule"] = dict(cfg["schedule"], t_g=2, t_d=2, t_joint=2, log_every=1)
for label, kw in (("gan_one", {}), ("gan_two", {"distribution": "data-parallel", "devices": 2})):
    out[label] = train(cfg, sys.argv[1] + "/" + label, limit=16, **kw)["state"]["history"]
print("RESULT " + json.dumps(out))
"""


@pytest.mark.once  # it starts its own JAX process whatever the suite's backend
def test_jax_data_parallel_on_two_devices_matches_one_device(tmp_path):
    """Two CPU devices (XLA_FLAGS=--xla_force_host_platform_device_count=2), the same recipe,
    data and seed: a regressor's epoch (training loss, validation loss and NME) agrees with one
    device's within 1 %, and GAN-IA's six steps (generator, discriminator, joint phases) within
    1e-4 relative (the same global batch; only the reduction order differs). Each batch is split:
    two shards of half the batch."""
    env = dict(os.environ, KERAS_BACKEND="jax", XLA_FLAGS="--xla_force_host_platform_device_count=2", TF_CPP_MIN_LOG_LEVEL="3")
    res = subprocess.run([sys.executable, "-c", WORKER, str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    lines = [line for line in res.stdout.splitlines() if line.startswith("RESULT ")]
    assert res.returncode == 0 and lines, res.stderr[-3000:]
    out = json.loads(lines[-1][len("RESULT "):])
    assert len(out["devices"]) == 2 and out["shards"] == [[2, 8], [2, 8]]
    one, two = out["one"], out["two"]
    assert out["one_config"] is None
    assert out["two_config"]["engine"] == "keras.distribution.DataParallel" and len(out["two_config"]["devices"]) == 2
    for key in ("loss", "val_loss", "val_nme"):
        assert np.isfinite(two[key])
        assert abs(two[key] - one[key]) <= 0.01 * abs(one[key]), (key, one[key], two[key])
    gan_one, gan_two = out["gan_one"], out["gan_two"]
    assert [h["phase"] for h in gan_two] == ["generator"] * 2 + ["discriminator"] * 2 + ["joint"] * 2
    for a, b in zip(gan_one, gan_two):
        for key in a:
            if key not in ("step", "phase", "seconds"):
                assert abs(a[key] - b[key]) <= 1e-4 * max(1.0, abs(a[key])), (a["step"], key, a[key], b[key])
    assert gan_one[-1]["l_rec"] < gan_one[0]["l_rec"]  # it learns


def test_batches_split_evenly_over_devices():
    assert batch_count(29, 8, 1) == 4 and batch_slice(3, 29, 8, 1) == (24, 29)
    assert batch_count(29, 8, 2) == 4 and batch_slice(3, 29, 8, 2) == (24, 28)  # the odd one out waits for the next epoch
    assert batch_count(25, 8, 2) == 3  # a last batch of 1 cannot be split: dropped
    assert [batch_slice(i, 32, 8, 4) for i in range(batch_count(32, 8, 4))] == [(0, 8), (8, 16), (16, 24), (24, 32)]


def test_distribution_arguments_are_checked(tmp_path):
    from zoo.training import train
    from zoo.training.distribution import check_batch, data_parallel
    from zoo.training.recipes import load_recipe

    cfg = load_recipe("pfld_0.25x_300w")
    with pytest.raises(ValueError, match="`distribution` must be one of"):
        train(cfg, str(tmp_path), distribution="model-parallel")
    with pytest.raises(ValueError, match="--devices needs --distribution data-parallel"):
        train(cfg, str(tmp_path), devices=2)
    with pytest.raises(ValueError, match="does not divide by 3"):
        check_batch(32, 3)
    if keras.backend.backend() == "torch":
        with pytest.raises(ValueError, match="no single-process data parallelism on the torch backend"):
            with data_parallel(1):
                pass
    else:
        with pytest.raises(ValueError, match="device\\(s\\)"):
            with data_parallel(99):
                pass


def test_train_cli_refuses_devices_without_distribution(capsys):
    from zoo.cli.main import main

    assert main(["train", "pfld_0.25x_300w", "--out", "/tmp/never_written_zoo_run", "--devices", "2"]) == 2
    assert "--devices needs --distribution data-parallel" in capsys.readouterr().err
    assert not os.path.exists("/tmp/never_written_zoo_run")

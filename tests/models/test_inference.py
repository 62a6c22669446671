"""The tasks' inference path (`zoo.tasks.inference`, issue 23): on every backend it gives what the
model's `predict_on_batch` gives; on torch it is a checked `torch.jit.trace` per input shape that
keeps reading the model's live weights, and falls back to the eager call when a trace is wrong."""

import keras
import numpy as np
import pytest

import zoo
from zoo.tasks import inference
from zoo.tasks.inference import inference_function, inference_path


def _feed(model, batch, rng):
    feed = {}
    for t in model.inputs:
        shape = (batch, *[int(d) for d in t.shape[1:]])
        key = t.name.split(":")[0]
        feed[key] = (rng.random(shape) > 0.7).astype("float32") if "mask" in key else rng.uniform(-1, 1, shape).astype("float32")
    return feed if len(feed) > 1 else next(iter(feed.values()))


def _reference(model, x):
    out = model.predict_on_batch(x)
    out = out if isinstance(out, dict) else {"output": out}
    return {k: keras.ops.convert_to_numpy(v) for k, v in out.items()}


@pytest.mark.parametrize("preset", ["pfld_0.25x_300w", "gania_128"])
def test_inference_function_gives_what_predict_on_batch_gives(preset, rng):
    """A single-input regressor (several outputs) and a two-input restorer (a dict in), at two
    batch sizes (two traces on torch), twice each (the second call replays the trace)."""
    model = zoo.load_preset(preset)
    f = inference_function(model)
    assert inference_function(model) is f  # made once per model
    for batch in (1, 3):
        x = _feed(model, batch, rng)
        want = _reference(model, x)
        for _ in range(2):
            got = f(x)
            assert set(got) == set(want)
            for k in want:
                np.testing.assert_allclose(got[k], want[k], atol=1e-5, err_msg=k)
    if keras.backend.backend() == "torch":
        assert inference_path(model) == "torch.jit.trace"
        assert len(f.traces) == 2
    else:
        assert inference_path(model) == "predict_on_batch"


def test_the_trace_reads_the_live_weights(rng, monkeypatch):
    """Weights changed after the first call (a fine-tuning step, `load_weights`) are what the next
    call uses: the torch trace holds the model's parameters, not copies."""
    monkeypatch.setattr(inference, "TRACE_AFTER", 1)  # the first call traces
    model = zoo.create_model("pfld_0.25x", input_size=64)
    x = _feed(model, 2, rng)
    f = inference_function(model)
    before = f(x)
    for w in model.weights:
        if w.trainable:
            w.assign(keras.ops.convert_to_numpy(w) * 1.01 + 0.01)
    after, want = f(x), _reference(model, x)
    for k in want:
        np.testing.assert_allclose(after[k], want[k], atol=1e-5, err_msg=k)
    assert not np.allclose(after["landmarks"], before["landmarks"])


def test_a_model_that_ran_still_saves_and_loads(rng, tmp_path):
    """The inference path kept on the model (its traces) is not part of what Keras saves."""
    model = zoo.create_model("pfld_0.25x", input_size=64)
    x = _feed(model, 2, rng)
    want = inference_function(model)(x)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    got = inference_function(loaded)(x)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], atol=1e-5)


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="the trace and its check exist on torch only; "
                    "TensorFlow and JAX run Keras's compiled predict step (tested above)")
def test_a_trace_that_disagrees_is_dropped_for_the_eager_call(rng, monkeypatch):
    """A trace whose outputs differ from the eager call's is never used: the model runs eagerly,
    gives the right numbers, and `inference_path` says why."""
    monkeypatch.setattr(inference, "TRACE_TOLERANCE", -1.0)  # no trace can pass
    monkeypatch.setattr(inference, "TRACE_AFTER", 1)
    model = zoo.create_model("pfld_0.25x", input_size=64)
    x = _feed(model, 2, rng)
    got, want = inference_function(model)(x), _reference(model, x)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], atol=1e-5)
    assert inference_path(model).startswith("eager (ValueError: the trace's")


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="the trace cache exists on torch only")
def test_traces_are_kept_for_the_last_shapes_only(rng, monkeypatch):
    monkeypatch.setattr(inference, "TRACE_CACHE", 2)
    model = zoo.create_model("pfld_0.25x", input_size=64)
    f = inference_function(model)
    x = _feed(model, 1, rng)
    f(x)
    assert not f.traces  # a one-off call runs eagerly (TRACE_AFTER = 2)
    f(x)
    assert [k[0][0] for k in f.traces] == [1]
    monkeypatch.setattr(inference, "TRACE_AFTER", 1)
    for batch in (2, 3, 2):
        f(_feed(model, batch, rng))
    assert [k[0][0] for k in f.traces] == [3, 2]  # batch 1 dropped, batch 2 the most recent

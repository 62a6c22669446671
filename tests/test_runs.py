"""zoo.runs: one model-spec schema, strict run loading with errors naming the file."""

import json

import numpy as np
import pytest

import zoo
from zoo.runs import CONFIG, MODEL, build_model, frozen_spec, load_run, model_spec


def test_specs_build_the_same_model():
    by_name = build_model({"model": "pfld_0.25x", "model_kwargs": {"input_size": 64}})
    frozen = frozen_spec(by_name)
    assert frozen["class"] == "zoo>PFLD" and frozen["model_config"]["input_size"] == 64
    again = build_model(frozen)
    assert [tuple(w.shape) for w in again.weights] == [tuple(w.shape) for w in by_name.weights]
    # runs written before the one schema still read
    assert model_spec({"regressor": "drn", "regressor_kwargs": {"hidden": 8}, "input_size": 64}) == \
        {"model": "drn", "model_kwargs": {"hidden": 8, "input_size": 64}}
    assert model_spec({"generator": "gania_generator", "generator_kwargs": {"image_size": 64}})["model"] == "gania_generator"
    with pytest.raises(ValueError, match="no model"):
        model_spec({"task": "regressor"})
    with pytest.raises(ValueError, match="no registered Keras class"):
        build_model({"class": "zoo>Nope", "model_config": {}})


def test_load_run_is_strict_and_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        load_run(tmp_path)
    model = zoo.create_model("pfld_0.25x", input_size=64)
    (tmp_path / CONFIG).write_text(json.dumps({"task": "regressor", "model": "pfld_0.25x", "model_kwargs": {"input_size": 64}}))
    (tmp_path / MODEL).write_text(json.dumps(frozen_spec(model)))
    with pytest.raises(FileNotFoundError, match="last.weights.h5"):
        load_run(tmp_path)
    model.save_weights(str(tmp_path / "best.weights.h5"))
    loaded, config = load_run(tmp_path)
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    other = zoo.create_model("pfld_1x", input_size=64)
    other.save_weights(str(tmp_path / "best.weights.h5"))
    with pytest.raises(ValueError, match="best.weights.h5"):
        load_run(tmp_path)
    (tmp_path / MODEL).write_text("{not json")
    with pytest.raises(ValueError, match="model.json"):
        load_run(tmp_path)

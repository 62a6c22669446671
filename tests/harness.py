"""The shared test harness (after keras-hub's `run_layer_test` / `run_model_saving_test`).

Every layer and model test of the zoo goes through these, so each component gets the same
checks: a config JSON round trip, a symbolic and an eager call, one compiled `fit` step, and a
`.keras` save/load that gives equal outputs.
"""

import json
import os

import keras
import numpy as np
from keras import tree


def _shapes(x):
    return tree.map_structure(lambda t: tuple(keras.ops.shape(t)), x)


def _to_numpy(x):
    return tree.map_structure(lambda t: keras.ops.convert_to_numpy(t), x)


def _symbolic_inputs(input_data):
    return tree.map_structure(lambda a: keras.Input(shape=a.shape[1:], dtype=str(a.dtype)), input_data)


def run_layer_test(
    cls,
    init_kwargs,
    input_data,
    expected_output_shape,
    run_training_check=True,
    expected_num_trainable_weights=None,
):
    """Config round trip (through JSON), symbolic call, eager call, one compiled fit step.

    Returns the eagerly-called layer.
    """
    layer = cls(**init_kwargs)
    config = layer.get_config()
    restored = cls.from_config(json.loads(json.dumps(config)))
    assert restored.get_config() == config, "get_config/from_config round trip changed the config"

    # Symbolic call.
    sym_in = _symbolic_inputs(input_data)
    sym_layer = cls(**init_kwargs)
    sym_out = sym_layer(sym_in)
    got = tuple(sym_out.shape)[1:]
    assert got == tuple(expected_output_shape)[1:], f"symbolic output shape {got} != {expected_output_shape}"

    # Eager call.
    out = layer(input_data)
    assert _shapes(out) == tuple(expected_output_shape), f"eager shape {_shapes(out)} != {expected_output_shape}"
    assert np.all(np.isfinite(_to_numpy(out)))
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights

    if run_training_check:
        run_fit_step(keras.Model(sym_in, sym_out), input_data, np.zeros(expected_output_shape, "float32"))
    return layer


def run_fit_step(model, x, y, loss="mse", optimizer="sgd"):
    """One compiled `fit` step; asserts a finite loss and returns the history."""
    model.compile(optimizer=optimizer, loss=loss)
    history = model.fit(x, y, batch_size=len(tree.flatten(x)[0]), epochs=1, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)), f"non-finite loss {losses}"
    return history


def run_model_saving_test(model, input_data, tmp_path, atol=1e-6):
    """Save as `.keras`, reload without custom_objects, and compare outputs."""
    path = os.path.join(str(tmp_path), "model.keras")
    expected = _to_numpy(model(input_data, training=False))
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    as_json = lambda c: json.loads(json.dumps(c))  # noqa: E731  (tuples and lists alike)
    assert as_json(loaded.get_config()) == as_json(model.get_config())
    got = _to_numpy(loaded(input_data, training=False))
    for a, b in zip(tree.flatten(expected), tree.flatten(got)):
        np.testing.assert_allclose(a, b, atol=atol, rtol=0)
    return loaded


def trainable_snapshot(model):
    return {v.path: keras.ops.convert_to_numpy(v).copy() for v in model.trainable_weights}


def assert_every_weight_moved(before, model):
    """Every trainable weight changed (so a gradient reached it)."""
    after = trainable_snapshot(model)
    frozen = [k for k in before if np.array_equal(before[k], after[k])]
    assert not frozen, f"no gradient reached: {frozen}"

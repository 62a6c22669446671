"""Every shipped preset predicts what it predicted when its outputs were recorded
(`tests/fixtures/preset_outputs.npz`, made by `tests/fixtures/make_preset_outputs.py` under
TensorFlow before the package was restructured): the same raw outputs on the same three
staged HELEN-test faces, on every backend (float32 round-off across backends aside)."""

import os
import sys

import numpy as np
import pytest

from zoo.presets import list_presets, load_preset

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
sys.path.insert(0, FIXTURES)
RECORDED = np.load(os.path.join(FIXTURES, "preset_outputs.npz"))


def test_every_shipped_preset_was_recorded():
    recorded = {k.split("/")[0] for k in RECORDED.files}
    assert recorded == set(list_presets()), "record the new preset: python tests/fixtures/make_preset_outputs.py"


@pytest.fixture(scope="module")
def faces(staged):
    from make_preset_outputs import faces as recorded_faces

    return recorded_faces()


@pytest.mark.backend
@pytest.mark.parametrize("name", sorted({k.split("/")[0] for k in RECORDED.files}))
def test_preset_predicts_what_it_predicted_before(name, faces):
    from make_preset_outputs import model_feed

    model = load_preset(name)
    out = model.predict_on_batch(model_feed(name, model, faces))
    keys = [k.split("/", 1)[1] for k in RECORDED.files if k.startswith(name + "/")]
    assert keys
    for key in keys:
        want = RECORDED[f"{name}/{key}"]
        got = np.asarray(out[key], np.float32)
        assert got.shape == want.shape, (key, got.shape, want.shape)
        scale = max(1.0, float(np.abs(want).max()))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-4 * scale, err_msg=f"{name} {key}")

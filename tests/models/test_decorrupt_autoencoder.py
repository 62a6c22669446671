import keras
import numpy as np
from harness import run_fit_step, run_model_saving_test

import zoo
from zoo.layers import DilatedBlock, SelfAttention2D, UpBlock
from zoo.models import DecorruptAutoencoder, GANIAGenerator


def test_autoencoder_is_the_generator_without_skip_dilation_attention(rng, tmp_path):
    ae = DecorruptAutoencoder(image_size=32, base_filters=4)
    assert not [l for l in ae.layers if isinstance(l, (SelfAttention2D, DilatedBlock))]
    for l in (l for l in ae.layers if isinstance(l, UpBlock)):
        assert l.conv.kernel.shape[2] == l.filters  # no skip concatenation
    g = GANIAGenerator(image_size=32, base_filters=4)
    assert ae.count_params() < g.count_params()

    image = rng.uniform(-1, 1, size=(2, 32, 32, 3)).astype("float32")
    mask = np.zeros((2, 32, 32, 1), "float32")
    mask[:, 4:12, 4:12] = 1
    x = {"image": image, "mask": mask}
    out = keras.ops.convert_to_numpy(ae(x)["composite"])
    np.testing.assert_array_equal(out[mask[..., 0] == 0], image[mask[..., 0] == 0])
    run_fit_step(ae, x, {"restored": image}, loss={"restored": "mse"})
    run_model_saving_test(ae, x, tmp_path)


def test_registered():
    assert "decorrupt_autoencoder" in zoo.list_models()
    assert zoo.create_model("decorrupt_autoencoder_128").get_config()["image_size"] == 128

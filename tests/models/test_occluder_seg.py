"""The occluder segmenter: model, training data, training, the task and its ROC/IoU metrics."""

import json
import os

import keras
import numpy as np
import pytest
from harness import run_model_saving_test

import zoo
from zoo.data.augment import Augmenter
from zoo.data.occluder_dataset import OccluderDataset
from zoo.data.shape68 import COMPONENT_NAMES
from zoo.metrics import mask_iou, roc_auc
from zoo.models import OccluderSegNet
from zoo.data.components import component_masks
from zoo.tasks import OccluderSegmenter


@pytest.mark.once
def test_roc_auc_and_iou_against_brute_force(rng):
    scores = np.round(rng.uniform(size=60), 1)  # many ties
    labels = rng.uniform(size=60) < 0.4
    pos, neg = scores[labels], scores[~labels]
    brute = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert roc_auc(scores, labels) == pytest.approx(brute)
    assert roc_auc(scores, labels) == pytest.approx(1.0 - roc_auc(-scores, labels))
    assert np.isnan(roc_auc([0.1, 0.2], [0, 0]))
    a = np.zeros((10, 10)); a[:5] = 1
    b = np.zeros((10, 10)); b[:, :5] = 1
    assert mask_iou(a, b) == pytest.approx(25 / 75) and mask_iou(np.zeros((3, 3)), np.zeros((3, 3))) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        mask_iou(a, b[:5])


def test_segnet_is_registered_and_saves(rng, tmp_path):
    m = zoo.create_model("occluder_seg_mnv2", input_size=64)
    x = rng.uniform(size=(2, 64, 64, 3)).astype("float32")
    out = m(x)
    assert tuple(out["occlusion"].shape) == (2, 8, 8, 1) and tuple(out["logits"].shape) == (2, 8, 8, 1)
    p = keras.ops.convert_to_numpy(out["occlusion"])
    assert (p > 0).all() and (p < 1).all()
    run_model_saving_test(m, x, tmp_path, atol=1e-5)
    with pytest.raises(ValueError, match="multiple of 32"):
        OccluderSegNet(input_size=100)
    with pytest.raises(ValueError, match="width 1.0 only"):
        OccluderSegNet(input_size=64, width=0.5).load_imagenet_backbone()


@pytest.mark.once
def test_training_data_masks_follow_the_crop(helen_test):
    faces = helen_test[:6]
    clean = OccluderDataset(faces, batch_size=6, image_size=64, occlusion=0.0)
    x, y = clean[0]
    assert x.shape == (6, 64, 64, 3) and y.shape == (6, 8, 8, 1) and not y.any()
    assert 0.0 <= x.min() and x.max() <= 1.0
    occ = OccluderDataset(faces, batch_size=6, image_size=64, occlusion=1.0, second=0.0)
    x2, y2 = occ[0]
    assert (y2.reshape(6, -1).max(1) > 0.25).all(), "every face got an occluder on the grid"
    assert ((y2 >= 0) & (y2 <= 1)).all()
    # the pasted occluder changed the pixels where the target says so
    changed = np.abs(x2 - x).mean(-1)
    cells = changed.reshape(6, 8, 8, 8, 8).mean((2, 4))
    assert cells[y2[..., 0] > 0.5].mean() > 3 * cells[y2[..., 0] == 0].mean()
    # a flip mirrors crop and mask together (the occluder is drawn before the augmentation)
    plain = OccluderDataset(faces, image_size=64, occlusion=1.0, second=0.0,
                            augmenter=Augmenter(flip=0.0, rotate=0, scale=None, translate=0, color=0, blur=0))
    flip = OccluderDataset(faces, image_size=64, occlusion=1.0, second=0.0,
                           augmenter=Augmenter(flip=1.0, rotate=0, scale=None, translate=0, color=0, blur=0))
    c1, m1 = plain.load(2, np.random.default_rng(5))
    c2, m2 = flip.load(2, np.random.default_rng(5))
    assert m1.any()
    assert np.abs(m2[:, ::-1] - m1).mean() < 0.02 * m1.mean() + 1e-3
    assert np.abs(c2[:, ::-1].astype(float) - c1).mean() < 4.0


def test_training_runs_checkpoints_and_resumes(tmp_path, staged):
    from zoo.data import load_landmark_folder
    from zoo.training.occluder import train_occluder
    from zoo.training.recipes import load_recipe

    cfg = load_recipe("occluder_seg_mnv2")
    cfg.update(batch_size=4, init_backbone="", model_kwargs={"input_size": 64, "width": 0.35, "head_channels": 16},
               run_eagerly=keras.backend.backend() == "tensorflow")  # tracing would cost more than the 2 steps
    cfg["data"] = dict(cfg["data"], extra_sources=[])
    out = str(tmp_path / "run")
    afw = load_landmark_folder(staged("300w"), "afw_1*")[:10]
    data = (afw[:8], afw[8:10])
    r = train_occluder(cfg, out, epochs=1, verbose=0, samples=data)
    assert r["state"]["epoch"] == 0 and np.isfinite(r["state"]["best"])
    for f in ("best.weights.h5", "last.weights.h5", "optimizer.npz", "state.json", "config.json", "model.json"):
        assert os.path.isfile(os.path.join(out, f)), f
    with open(os.path.join(out, "state.json")) as f:
        state = json.load(f)
    assert [h["epoch"] for h in state["history"]] == [1] and state["train_seconds"] > 0
    from zoo.tasks import OccluderSegmenter

    assert isinstance(zoo.load(out), OccluderSegmenter)  # the run folder loads as its task
    # resuming a finished run loads its checkpoint and trains no further
    r2 = train_occluder(cfg, out, resume=True, epochs=1, verbose=0, samples=data)
    assert r2["state"]["epoch"] == 0
    for a, b in zip(r["model"].weights, r2["model"].weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def _green_segmenter(size=128):
    """A stand-in segmenter: occlusion = how pure-green each 8 x 8 cell is."""
    x = keras.Input((size, size, 3))
    g = keras.layers.Lambda(lambda t: keras.ops.relu(t[..., 1:2] - t[..., 0:1] - 0.5) * 2.0)(x)
    occ = keras.layers.AveragePooling2D(8, name="occlusion")(g)
    return keras.Model(x, {"occlusion": occ})


@pytest.mark.once
def test_task_scores_components_from_the_map(helen_test):
    seg = OccluderSegmenter(_green_segmenter(), name="green")
    s = helen_test[0]
    img = s.load_image()
    regions = component_masks(s.points, img.shape)
    occluded = img.copy()
    occluded[regions["mouth"]] = (0, 255, 0)
    maps = seg.predict([img, occluded])
    assert maps.shape == (2, *img.shape[:2])
    scores = seg.component_scores([img, occluded], [s.points, s.points], maps=maps)
    mouth = COMPONENT_NAMES.index("mouth")
    assert scores.shape == (2, 7) and scores[0].max() < 0.05
    assert scores[1, mouth] > 0.5 and np.delete(scores[1], mouth).max() < 0.3
    inp = keras.Input((8, 8, 3))
    with pytest.raises(ValueError, match="not an occluder segmenter"):
        OccluderSegmenter(keras.Model(inp, {"landmarks": keras.layers.Reshape((96, 2))(inp)}))


@pytest.mark.once
def test_landmarker_segmentation_mode_restores_only_what_the_map_marks(helen_test):
    from zoo.pipeline.landmarker import Landmarker
    from zoo.tasks import load

    seg = OccluderSegmenter(_green_segmenter(), name="green")
    s = helen_test[1]
    img = s.load_image()
    regions = component_masks(s.points, img.shape)
    occluded = img.copy()
    occluded[regions["left_eye"] | regions["left_brow"]] = (0, 255, 0)
    lm = Landmarker(detector=None, regressor="drn_300w", restorer="autoencoder_128", occlusion="segmentation", segmenter=seg)
    (clean,), (occ,) = lm([img], return_restored=True), lm([occluded], return_restored=True)
    assert not any(clean[0]["occluded"].values())
    alone = load("drn_300w").predict_images([img])[0]
    np.testing.assert_allclose(clean[0]["landmarks"], alone, atol=1e-3)
    flagged = {c for c, d in occ[0]["occluded"].items() if d}
    assert "left_eye" in flagged and not {"mouth", "jaw", "right_eye"} & flagged
    green = (occ[0]["input_crop"][..., 1].astype(int) - occ[0]["input_crop"][..., 0]) > 200
    assert (occ[0]["restored"][green][:, 1].astype(int) - occ[0]["restored"][green][:, 0]).mean() < 150, "the green was painted over"
    with pytest.raises(ValueError, match="occluder"):
        Landmarker(detector=None, regressor="drn_300w", occlusion="segmentation", segmenter="drn_300w")

"""Shipped presets: load everywhere, are really trained, and refuse mismatched weights."""

import json
import os

import numpy as np
import pytest

import zoo
from zoo.presets import PRESET_DIR, list_presets, load_weights_strict, preset_record

REGRESSOR_PRESETS = ("pfld_0.25x_300w", "pfld_1x_300w", "drn_300w", "pfld_0.25x_vis_300w", "pipnet_mnv2_300w", "pipnet_mnv2_s8_300w")
RESTORER_PRESETS = ("gania_128", "autoencoder_128")


def test_regressor_presets_ship_with_their_records():
    shipped = list_presets()
    for name in REGRESSOR_PRESETS:
        assert name in shipped, f"preset {name} is not shipped"
        rec = preset_record(name)
        for key in ("model", "class", "model_config", "weights", "weights_sha256", "recipe", "data", "training", "metrics"):
            assert key in rec, f"{name}.json lacks {key!r}"
        assert {"helen_test_clean", "helen_test_synthetic_occlusion"} <= set(rec["metrics"])
        size = os.path.getsize(os.path.join(PRESET_DIR, "weights", rec["weights"]))
        assert size == rec["weights_bytes"] and size < 16 * 2**20
    assert "pfld_0.25x_300w" in [e.name for e in zoo.registry.entries("preset")]


@pytest.mark.parametrize("name", REGRESSOR_PRESETS)
def test_preset_is_trained_and_matches_its_record(name, helen_test):
    from zoo.metrics import nme
    from zoo.pipeline import predict_landmarks

    model = zoo.load_preset(name)
    faces = helen_test[:40]
    pred = predict_landmarks(model, [s.load_image() for s in faces])
    got = float(nme(pred, np.stack([s.points for s in faces])).mean())
    recorded = preset_record(name)["metrics"]["helen_test_clean"]["nme"]
    assert got < 0.25, f"{name} predicts like an untrained model (NME {got:.3f})"
    assert got < 1.6 * recorded + 0.01


def test_unknown_preset_lists_the_shipped_ones():
    with pytest.raises(KeyError, match="pfld_0.25x_300w"):
        zoo.load_preset("pfld_2x_300w")


def test_mismatched_weights_are_refused(tmp_path):
    small = zoo.create_model("pfld_0.25x")
    path = str(tmp_path / "small.weights.h5")
    small.save_weights(path)
    big = zoo.create_model("pfld_1x")
    before = [np.array(v) for v in big.weights]
    with pytest.raises(ValueError, match="small.weights.h5"):
        load_weights_strict(big, path)
    assert all(np.array_equal(a, np.array(v)) for a, v in zip(before, big.weights)), "partial load happened"
    (tmp_path / "junk.weights.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="junk.weights.h5"):
        load_weights_strict(big, str(tmp_path / "junk.weights.h5"))
    with pytest.raises(FileNotFoundError, match="nope"):
        load_weights_strict(big, str(tmp_path / "nope.weights.h5"))


def test_records_are_json_with_test_numbers():
    for name in list_presets(task="regressor"):
        rec = json.loads(open(os.path.join(PRESET_DIR, f"{name}.json")).read())
        for m in rec["metrics"].values():
            assert 0 < m["nme"] < 1 and m["n"] == 230
    for name in list_presets(task="restorer"):
        rec = json.loads(open(os.path.join(PRESET_DIR, f"{name}.json")).read())
        m = rec["metrics"]["helen_test_synthetic_occlusion"]
        for key in ("occluded_input", "restored", "restored_poisson_blend"):
            assert m[key]["n"] == 230 and 0 < m[key]["ssim_mask"] < 1 and m[key]["psnr_mask_db"] > 0


def test_restorer_presets_ship_with_their_records():
    shipped = list_presets(task="restorer")
    for name in RESTORER_PRESETS:
        assert name in shipped, f"restorer preset {name} is not shipped"
        rec = preset_record(name)
        for key in ("model", "class", "model_config", "weights", "weights_sha256", "recipe", "recipe_config", "data", "training", "metrics"):
            assert key in rec, f"{name}.json lacks {key!r}"
        assert rec["training"]["steps"] >= 1000 and rec["training"]["backend"] in ("tensorflow", "jax", "torch")
        assert "helen_testset" in rec["data"]["never_seen"]
        size = os.path.getsize(os.path.join(PRESET_DIR, "weights", rec["weights"]))
        assert size == rec["weights_bytes"] and size < 16 * 2**20
    assert set(RESTORER_PRESETS).isdisjoint(list_presets(task="regressor"))


def _occluded_faces(faces, n, seed=0):
    """`n` held-out faces with a synthetic occluder each: (clean, occluded, mask) lists."""
    from zoo.data import OccluderBank
    from zoo.data.occlusion import occlude

    rng = np.random.default_rng(seed)
    bank = OccluderBank.from_data_root(max_holes=20)
    clean, occluded, masks = [], [], []
    for s in faces[:n]:
        img = s.load_image()
        occ, mask, _ = occlude(img, s.points, rng=rng, bank=bank)
        clean.append(img)
        occluded.append(occ)
        masks.append(mask > 0)
    return clean, occluded, masks


@pytest.mark.parametrize("name", RESTORER_PRESETS)
def test_restorer_preset_is_trained_and_matches_its_record(name, helen_test):
    from zoo.pipeline import inpainting_metrics, restore_images

    clean, occluded, masks = _occluded_faces(helen_test[::23], 10)
    model = zoo.load_preset(name)
    restored = restore_images(model, occluded, masks, blend=False)
    for img, out, m in zip(occluded, restored, masks):
        np.testing.assert_array_equal(out[~m], img[~m])
    before = inpainting_metrics(clean, occluded, masks)["psnr_mask_db"]
    got = inpainting_metrics(clean, restored, masks)["psnr_mask_db"]
    recorded = preset_record(name)["metrics"]["helen_test_synthetic_occlusion"]["restored"]["psnr_mask_db"]
    assert got > before + 3.0, f"{name} barely restores (masked PSNR {before:.1f} -> {got:.1f} dB)"
    assert got > recorded - 3.0, f"{name}: masked PSNR {got:.1f} dB, recorded {recorded:.1f} dB"


def test_restore_cli_with_a_preset_and_a_regressor_refused(helen_test, tmp_path):
    from zoo.cli.main import main
    from zoo.pipeline import resolve_restorer
    from zoo.data import read_image, write_image

    clean, occluded, masks = _occluded_faces(helen_test[5:], 1, seed=3)
    write_image(tmp_path / "face.png", occluded[0])
    write_image(tmp_path / "mask.png", masks[0].astype(np.uint8) * 255)
    assert main(["restore", str(tmp_path / "face.png"), "--mask", str(tmp_path / "mask.png"), "--restorer", "gania_128",
                 "--out", str(tmp_path / "out.png")]) == 0
    out = read_image(tmp_path / "out.png")
    m = masks[0]
    np.testing.assert_array_equal(out[~m], occluded[0][~m])
    err_before = np.abs(occluded[0][m].astype(float) - clean[0][m]).mean()
    err_after = np.abs(out[m].astype(float) - clean[0][m]).mean()
    assert err_after < 0.7 * err_before, f"restored region is not closer to the face ({err_before:.1f} -> {err_after:.1f})"
    with pytest.raises(ValueError, match="not a restorer"):
        resolve_restorer("drn_300w")


OCCLUDER_PRESETS = ("occluder_seg_mnv2",)


@pytest.mark.parametrize("name", OCCLUDER_PRESETS)
def test_occluder_preset_finds_occluders_on_held_out_faces(name, helen_test):
    """On held-out faces with fresh synthetic occluders the shipped segmenter's map overlaps the
    occluder, flags the covered component above the others, and stays low on the clean faces."""
    from zoo.data.shape68 import COMPONENT_NAMES
    from zoo.metrics import mask_iou, roc_auc
    from zoo.data.components import component_coverage
    from zoo.tasks import OccluderSegmenter

    assert name in list_presets(task="occluder")
    rec = preset_record(name)
    for key in ("model", "class", "model_config", "weights", "weights_sha256", "recipe", "recipe_config", "data", "training", "metrics"):
        assert key in rec, f"{name}.json lacks {key!r}"
    assert "helen_testset" in rec["data"]["never_seen"]
    seg = zoo.load(name)
    assert isinstance(seg, OccluderSegmenter)
    faces = helen_test[::12][:20]
    clean, occluded, masks = _occluded_faces(faces, 20, seed=3)
    maps = seg.predict(occluded + clean)
    shapes = [s.points for s in faces] * 2
    scores = seg.component_scores(occluded + clean, shapes, maps=maps)
    labels = [[component_coverage(s.points, m)[c] > 0.5 for c in COMPONENT_NAMES] for s, m in zip(faces, masks)]
    labels = np.array(labels + [[False] * 7] * len(clean))
    iou = np.mean([mask_iou(p, m) for p, m in zip(maps[: len(occluded)], masks)])
    auc = roc_auc(scores.ravel(), labels.ravel())
    recorded = rec["metrics"]["helen_test_synthetic_occlusion"]
    assert iou > 0.3 and iou > recorded["mask_iou"] - 0.25, f"map IoU {iou:.2f} (recorded {recorded['mask_iou']:.2f})"
    assert auc > 0.85, f"component ROC AUC {auc:.3f}"
    assert float(np.mean([m > 0.5 for m in maps[len(occluded):]])) < 0.02, "clean faces marked as occluded"


def test_presets_are_what_they_claim_to_be(tmp_path, monkeypatch):
    """A damaged weights file, weights outside the presets folder and two presets of one name are
    refused, each naming the cause."""
    import shutil

    import zoo.presets as presets

    fake = tmp_path / "presets"
    (fake / "weights").mkdir(parents=True)
    rec = preset_record("pfld_0.25x_300w")
    src = os.path.join(PRESET_DIR, "weights", rec["weights"])
    shutil.copyfile(src, fake / "weights" / rec["weights"])
    (fake / "p.json").write_text(json.dumps(rec))
    monkeypatch.setattr(presets, "PRESET_DIR", str(fake))
    monkeypatch.setattr(presets, "WEIGHTS_DIR", str(fake / "weights"))
    assert presets.load_preset("pfld_0.25x_300w") is not None
    data = bytearray((fake / "weights" / rec["weights"]).read_bytes())
    data[len(data) // 2: len(data) // 2 + 256] = bytes(256)
    (fake / "weights" / rec["weights"]).write_bytes(bytes(data))
    with pytest.raises(ValueError, match="sha256"):
        presets.load_preset("pfld_0.25x_300w")
    (fake / "p.json").write_text(json.dumps(dict(rec, weights="../../outside.weights.h5")))
    with pytest.raises(ValueError, match="outside"):
        presets.load_preset("pfld_0.25x_300w")
    (fake / "p.json").write_text(json.dumps(rec))
    (fake / "q.json").write_text(json.dumps(rec))
    with pytest.raises(ValueError, match="two presets named"):
        presets.list_presets()

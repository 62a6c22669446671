"""Recipes are configuration: TOML files named after the recipe, read (never executed) by the
loader, a variant naming its base; `train` takes a name from the recipes folder or a path to a
user's own file."""

import os

import pytest

import zoo
from zoo.training import TRAINERS
from zoo.training.recipes import list_recipes, load_recipe, merge, recipe_path, recipes_dir

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# reading recipe files, and a CLI round trip whose training step the swap tests cover per backend
pytestmark = pytest.mark.once


def test_the_recipes_folder_holds_only_recipes():
    folder = os.path.join(ROOT, "recipes")
    assert recipes_dir() == folder
    files = sorted(os.listdir(folder))
    assert files and all(f.endswith(".toml") for f in files), [f for f in files if not f.endswith(".toml")]
    assert set(list_recipes()) == {f[:-5] for f in files}


@pytest.mark.parametrize("name", sorted(list_recipes()))
def test_every_recipe_loads_and_names_a_model(name):
    config = load_recipe(name)
    assert config["name"] == name and config["task"] in TRAINERS
    assert config["model"] in zoo.list_models(), f"{name}: unknown model {config['model']!r}"
    assert isinstance(config.get("model_kwargs", {}), dict)
    if "base_recipe" in config:  # one level of derivation
        assert "base_recipe" not in load_recipe(config["base_recipe"]), f"{name}: its base has a base"
    for legacy in ("regressor", "regressor_kwargs", "generator", "generator_kwargs", "input_size"):
        assert legacy not in config, f"{name}: {legacy!r} (one schema: model + model_kwargs)"


def test_a_variant_changes_only_what_it_names():
    base, variant = load_recipe("pfld_1x_300w"), load_recipe("pfld_0.25x_300w")
    assert variant["base_recipe"] == "pfld_1x_300w" and variant["model"] == "pfld_0.25x"
    for key in ("data", "augment", "loss", "optimizer", "batch_size", "epochs"):
        assert variant[key] == base[key]


def test_merge_is_by_table():
    base = {"a": 1, "t": {"x": 1, "y": 2}, "l": [1, 2]}
    assert merge(base, {"t": {"y": 3}, "l": [9]}) == {"a": 1, "t": {"x": 1, "y": 3}, "l": [9]}
    assert base == {"a": 1, "t": {"x": 1, "y": 2}, "l": [1, 2]}


def test_loader_errors_name_the_file(tmp_path):
    with pytest.raises(KeyError, match="pfld_1x_300w"):
        recipe_path("no_such_recipe")
    bad = tmp_path / "bad.toml"
    bad.write_text("task = [")
    with pytest.raises(ValueError, match="bad.toml"):
        load_recipe(str(bad))
    named = tmp_path / "mine.toml"
    named.write_text('name = "other"\ntask = "regressor"\nmodel = "drn"\n')
    with pytest.raises(ValueError, match="named by its file"):
        load_recipe(str(named))
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('base = "b"\n')
    b.write_text('base = "a"\n')
    with pytest.raises(ValueError, match="loop"):
        load_recipe(str(a))
    empty = tmp_path / "empty.toml"
    empty.write_text('description = "x"\n')
    with pytest.raises(ValueError, match="task"):
        load_recipe(str(empty))
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        load_recipe(str(tmp_path / "nope.toml"))


def test_a_users_recipe_trains_from_its_own_folder_and_ships(tmp_path, staged):
    """Copy a recipe, change the regressor, train it by path with `python -m zoo train`; the run
    folder loads with `zoo.load`; `export-preset` ships it as a preset record that rebuilds the
    same model (class + config) with checked weights."""
    from zoo.cli.main import main
    from zoo.tasks import LandmarkRegressor

    mine = tmp_path / "my_recipes"
    mine.mkdir()
    (mine / "my_small_drn.toml").write_text(
        f'base = "{os.path.join(ROOT, "recipes", "pfld_0.25x_300w.toml")}"\n'
        'description = "a user recipe: the PFLD recipe with DRN, small"\n'
        'model = "drn"\nbatch_size = 4\nepochs = 1\nrun_eagerly = true\n'
        '[model_kwargs]\ninput_size = 64\nhidden = 16\nstages = 1\n'
        '[data]\ntrain_patterns = ["afw_1*"]\n')
    run = tmp_path / "run"
    assert main(["train", str(mine / "my_small_drn.toml"), "--out", str(run), "--limit", "8"]) == 0
    for f in ("config.json", "model.json", "state.json", "best.weights.h5", "last.weights.h5", "optimizer.npz"):
        assert (run / f).is_file(), f
    task = zoo.load(str(run))
    assert isinstance(task, LandmarkRegressor) and task.input_size == 64
    assert type(task.model).__name__ == "DRN"

    import json

    import numpy as np

    from zoo.presets import preset_spec
    from zoo.runs import build_model, load_weights_strict

    presets = tmp_path / "presets"
    assert main(["export-preset", str(run), "--name", "my_drn", "--presets-dir", str(presets), "--no-measure"]) == 0
    rec = json.loads((presets / "my_drn.json").read_text())
    assert rec["class"] == "zoo>DRN" and rec["model_config"]["hidden"] == 16 and rec["recipe"] == "my_small_drn"
    assert rec["training"]["steps"] == 2 and rec["weights_bytes"] == (presets / "weights" / "my_drn.weights.h5").stat().st_size
    rebuilt = load_weights_strict(build_model(preset_spec(rec)), str(presets / "weights" / "my_drn.weights.h5"))
    x = np.random.default_rng(0).uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    np.testing.assert_allclose(rebuilt.predict_on_batch(x)["landmarks"], task.model.predict_on_batch(x)["landmarks"], atol=1e-6)


def test_each_training_family_has_a_segmenter_recipe_without_it():
    """`benchmarks/unseen_occluders.py --lofo` measures each training family with a segmenter that
    never saw it: the recipe names the other four and changes nothing else but the epochs."""
    from zoo.data.occluder_families import TRAINING_FAMILIES

    base = load_recipe("occluder_seg_mnv2")
    for fam in TRAINING_FAMILIES:
        r = load_recipe(f"occluder_seg_mnv2_without_{fam}")
        assert r["occluder_families"] == [f for f in TRAINING_FAMILIES if f != fam]
        assert r["init_backbone"] == base["init_backbone"] == "imagenet" and not r.get("init_preset")  # nothing that saw `fam`
        for key in ("data", "augment", "model", "model_kwargs", "occlusion", "second_occluder", "batch_size"):
            assert r[key] == base[key], key

import subprocess
import sys

import pytest

import zoo
from zoo import registry
from zoo.cli.main import main


def test_list_models_and_create_model():
    names = zoo.list_models()
    for name in ("gania_generator", "global_discriminator", "local_discriminator", "decorrupt_autoencoder"):
        assert name in names
    assert zoo.list_models("gania_*") == [n for n in names if n.startswith("gania_")]
    g = zoo.create_model("gania_generator", image_size=64, base_filters=4)
    assert g.get_config()["image_size"] == 64


def test_unknown_model_names_the_known_ones():
    with pytest.raises(KeyError, match="gania_generator"):
        zoo.create_model("no_such_model")


def test_register_rejects_bad_entries():
    with pytest.raises(ValueError, match="kind"):
        registry.register("widget", "x", "a widget", object)
    with pytest.raises(ValueError, match="one non-empty line"):
        registry.register("layer", "x", "two\nlines", object)


def test_cli_list_in_process(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("SelfAttention2D", "DownBlock", "DilatedBlock", "UpBlock", "PatchBlock", "gania_generator", "decorrupt_autoencoder"):
        assert name in out
    assert "layers:" in out and "models:" in out
    assert main(["list", "no_such_*"]) == 1


def test_python_m_zoo_list_subprocess():
    proc = subprocess.run([sys.executable, "-m", "zoo", "list", "--kind", "model"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "local_discriminator" in proc.stdout and "SelfAttention2D" not in proc.stdout

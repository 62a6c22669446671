"""Bad arguments and outputs are refused before any work, one line each: a table of cases, each
run through `python -m zoo`'s entry point in-process; every case asserts the exit code, exactly
one `error:` line naming the flag or file, and no traceback."""

import json
import os

import numpy as np
import pytest

from zoo.cli.main import main
from zoo.data import write_image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECIPE = os.path.join(ROOT, "recipes", "pfld_0.25x_300w.toml")


@pytest.fixture
def files(tmp_path):
    """Small files the cases point at, generated here (nothing binary is committed)."""
    rng = np.random.default_rng(0)
    face = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
    f = {"dir": tmp_path, "face": tmp_path / "face.png", "mask": tmp_path / "mask.png", "small_mask": tmp_path / "small.png",
         "file": tmp_path / "a_file.txt", "corrupt": tmp_path / "corrupt.png", "bad_toml": tmp_path / "bad.toml",
         "src": tmp_path / "src", "out": tmp_path / "out"}
    write_image(f["face"], face)
    write_image(f["mask"], np.full((64, 64), 255, np.uint8))
    write_image(f["small_mask"], np.zeros((8, 8), np.uint8))
    f["file"].write_text("not a folder")
    f["corrupt"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    f["bad_toml"].write_text("task = [")
    f["src"].mkdir()
    write_image(f["src"] / "x.png", face)
    return f


# (case, argv with {placeholders}, exit code, what the one error line names)
CASES = [
    ("train: negative epochs", ["train", RECIPE, "--out", "{out}", "--epochs", "-1"], 2, "--epochs"),
    ("train: zero epochs", ["train", RECIPE, "--out", "{out}", "--epochs", "0"], 2, "--epochs"),
    ("train: epochs not a number", ["train", RECIPE, "--out", "{out}", "--epochs", "many"], 2, "--epochs"),
    ("train: negative limit", ["train", RECIPE, "--out", "{out}", "--limit", "-3"], 2, "--limit"),
    ("train: negative max-steps", ["train", RECIPE, "--out", "{out}", "--max-steps", "-1"], 2, "--max-steps"),
    ("train: unknown recipe", ["train", "no_such_recipe", "--out", "{out}"], 2, "no_such_recipe"),
    ("train: recipe file missing", ["train", "{dir}/nope.toml", "--out", "{out}"], 2, "nope.toml"),
    ("train: recipe not TOML", ["train", "{bad_toml}", "--out", "{out}"], 2, "bad.toml"),
    ("train: --out is a file", ["train", RECIPE, "--out", "{file}"], 2, "a_file.txt"),
    ("predict: batch size 0", ["predict", "{face}", "--out", "{out}", "--batch-size", "0"], 2, "--batch-size"),
    ("predict: threshold nan", ["predict", "{face}", "--out", "{out}", "--threshold", "nan"], 2, "--threshold"),
    ("predict: threshold above 1", ["predict", "{face}", "--out", "{out}", "--threshold", "1.5"], 2, "--threshold"),
    ("predict: negative iterations", ["predict", "{face}", "--out", "{out}", "--iterations", "-1"], 2, "--iterations"),
    ("predict: unknown occlusion mode", ["predict", "{face}", "--out", "{out}", "--occlusion", "magic"], 2, "--occlusion"),
    ("predict: nothing to do", ["predict", "--out", "{out}"], 2, "--demo"),
    ("predict: --out is a file", ["predict", "{face}", "--out", "{file}"], 2, "a_file.txt"),
    ("predict: --out would overwrite an input", ["predict", "{src}", "--out", "{src}"], 2, "overwrite"),
    ("eval: batch size 0", ["eval", "--data", "{src}", "--regressor", "pfld_0.25x_300w", "--out", "{out}", "--batch-size", "0"], 2,
     "--batch-size"),
    ("eval: negative recrop", ["eval", "--data", "{src}", "--regressor", "pfld_0.25x_300w", "--out", "{out}", "--recrop", "-1"], 2,
     "--recrop"),
    ("eval: no data folder", ["eval", "--data", "{dir}/nope", "--regressor", "pfld_0.25x_300w", "--out", "{out}"], 2, "nope"),
    ("eval: --out is a file", ["eval", "--data", "{src}", "--regressor", "pfld_0.25x_300w", "--out", "{file}"], 2, "a_file.txt"),
    ("restore: box with nan", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{dir}/r.png",
                               "--box", "nan,0,100,100"], 2, "--box"),
    ("restore: box of zero width", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{dir}/r.png",
                                    "--box", "0,0,0,10"], 2, "--box"),
    ("restore: box outside the image", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{dir}/r.png",
                                        "--box", "5000,5000,10,10"], 2, "--box"),
    ("restore: unknown output format", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{dir}/r.xyz"],
     2, "r.xyz"),
    ("restore: --out is a folder", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{src}"], 2, "src"),
    ("restore: --out in a missing folder", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128",
                                           "--out", "{dir}/none/r.png"], 2, "none"),
    ("restore: --out is the input", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{face}"], 2,
     "overwrite"),
    ("restore: corrupt image", ["restore", "{corrupt}", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{dir}/r.png"], 2,
     "corrupt.png"),
    ("restore: missing image", ["restore", "{dir}/gone.png", "--mask", "{mask}", "--restorer", "gania_128", "--out", "{dir}/r.png"], 2,
     "gone.png"),
    ("restore: mask of another size", ["restore", "{face}", "--mask", "{small_mask}", "--restorer", "gania_128",
                                       "--out", "{dir}/r.png"], 2, "small.png"),
    ("restore: an untrained architecture", ["restore", "{face}", "--mask", "{mask}", "--restorer", "gania_generator",
                                            "--out", "{dir}/r.png"], 2, "gania_generator"),
    ("restore: unknown restorer", ["restore", "{face}", "--mask", "{mask}", "--restorer", "no_such", "--out", "{dir}/r.png"], 2,
     "no_such"),
    ("data occlude: destination is the source", ["data", "occlude", "{src}", "{src}"], 2, "same as"),
    ("data occlude: destination inside the source", ["data", "occlude", "{src}", "{src}/sub"], 2, "inside"),
    ("data occlude: no source", ["data", "occlude", "{dir}/nope", "{out}"], 2, "nope"),
    ("data occlude: destination is a file", ["data", "occlude", "{src}", "{file}"], 2, "a_file.txt"),
    ("data check: no folder", ["data", "check", "{dir}/nope"], 2, "nope"),
    ("data check: --out is a file", ["data", "check", "{src}", "--out", "{file}"], 2, "a_file.txt"),
    ("export-preset: not a run", ["export-preset", "{src}", "--name", "x"], 2, "config.json"),
    ("list: unknown kind", ["list", "--kind", "widget"], 2, "--kind"),
    ("unknown command", ["fly"], 2, "fly"),
]


@pytest.mark.parametrize("case, argv, code, names", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_in_one_line(case, argv, code, names, files, capsys):
    argv = [a.format(**{k: str(v) for k, v in files.items()}) for a in argv]
    try:
        rc = main(argv)
    except SystemExit as e:  # argparse
        rc = e.code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert rc == code, (case, rc, err)
    assert len(lines) == 1 and names in lines[0], (case, err)
    assert "Traceback" not in err, (case, err)
    assert not os.path.exists(os.path.join(files["src"], "sub")) and sorted(os.listdir(files["src"])) == ["x.png"]


def test_predict_keeps_every_input_apart_and_goes_on_after_a_bad_one(tmp_path, capsys):
    """Inputs with one stem in several folders get one output each (named by their path), each
    JSON names its input, and a corrupt file among them fails alone."""
    rng = np.random.default_rng(1)
    for rel in ("dirA/face.jpg", "dirA/face.png", "dirB/face.jpg", "dirB/other.png"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        write_image(tmp_path / rel, rng.integers(0, 255, (96, 96, 3), dtype=np.uint8))
    (tmp_path / "dirB" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(10))
    out = tmp_path / "out"
    rc = main(["predict", str(tmp_path / "dirA"), str(tmp_path / "dirB"), "--out", str(out), "--detector", "none",
               "--restorer", "none", "--occlusion", "none", "--regressor", "pfld_0.25x_300w"])
    assert rc == 1
    written = sorted(f for f in os.listdir(out) if f.endswith(".json"))
    assert written == ["dirA__face.jpg.json", "dirA__face.png.json", "dirB__face.jpg.json", "other.json"]
    for name in written:
        record = json.loads((out / name).read_text())
        assert os.path.isfile(record["image"]) and len(record["faces"]) == 1
    assert len({json.loads((out / n).read_text())["image"] for n in written}) == 4
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("failed:")] == [line for line in err.splitlines() if "broken.png" in line]
    assert "Traceback" not in err

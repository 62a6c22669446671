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
    # a 4000 x 4000 PNG of a few KB: over the pixel limit the tests set (ZOO_MAX_PIXELS, below)
    f["huge"] = tmp_path / "huge.png"
    write_image(f["huge"], np.zeros((4000, 4000), np.uint8))
    # a JPEG cut in half with its end marker put back: libjpeg only warns ("Corrupt JPEG data")
    import cv2

    ok, buf = cv2.imencode(".jpg", rng.integers(0, 255, (64, 64, 3), dtype=np.uint8))
    data = buf.tobytes()
    f["half_jpeg"] = tmp_path / "half.jpg"
    f["half_jpeg"].write_bytes(data[: len(data) // 2] + b"\xff\xd9")
    # a 200 MB file (sparse: nothing written) with a JPEG's first bytes: refused from its size, unread
    f["giant"] = tmp_path / "giant.jpg"
    with open(f["giant"], "wb") as g:
        g.write(b"\xff\xd8\xff\xe0")
        g.truncate(200 << 20)
    f["wrong_pts"] = tmp_path / "pts"
    f["wrong_pts"].mkdir()
    write_image(f["wrong_pts"] / "a.png", face)
    (f["wrong_pts"] / "a.pts").write_text("version: 1\nn_points: 5\n{\n" + "1 2\n" * 5 + "}\n")
    return f


@pytest.fixture(autouse=True)
def _pixel_limit(monkeypatch):
    monkeypatch.setenv("ZOO_MAX_PIXELS", "10000000")


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
    ("restore: image over the pixel limit", ["restore", "{huge}", "--mask", "{mask}", "--restorer", "gania_128", "--out",
                                            "{dir}/r.png"], 2, "ZOO_MAX_PIXELS"),
    ("restore: a file larger than any allowed image", ["restore", "{giant}", "--mask", "{mask}", "--restorer", "gania_128",
                                                       "--out", "{dir}/r.png"], 2, "giant.jpg"),
    ("restore: corrupt JPEG with its end marker", ["restore", "{half_jpeg}", "--mask", "{mask}", "--restorer", "gania_128",
                                                   "--out", "{dir}/r.png"], 2, "Corrupt JPEG"),
    ("eval: a .pts with the wrong point count", ["eval", "--data", "{wrong_pts}", "--regressor", "pfld_0.25x_300w", "--out", "{out}"],
     2, "a.pts"),
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
    captured = capsys.readouterr()
    err = captured.err
    assert [line for line in err.splitlines() if line.startswith("failed:")] == [line for line in err.splitlines() if "broken.png" in line]
    assert "Traceback" not in err
    summary = captured.out.strip().splitlines()[-1]
    assert summary.startswith("5 images, 4 faces, 1 failed, ") and "ms/face" in summary, summary


# (case, call, exception type, what its message names): the Python entry point's refusals
LOAD_CASES = [
    ("zoo.load: unknown name", lambda f: __import__("zoo").load("no_such_model"), KeyError, "no_such_model"),
    ("zoo.load: missing .keras file", lambda f: __import__("zoo").load(str(f["dir"] / "gone.keras")), FileNotFoundError, "gone.keras"),
    ("zoo.load: a text file named .keras", lambda f: __import__("zoo").load(str(f["file"].rename(f["dir"] / "t.keras"))), ValueError,
     "t.keras"),
    ("zoo.load: a folder that is no run", lambda f: __import__("zoo").load(str(f["src"])), FileNotFoundError, "src"),
    ("zoo.load: a preset of another task", lambda f: __import__("zoo").load("gania_128", task="regressor"), ValueError, "gania_128"),
    ("zoo.load: an untrained architecture where weights are meant",
     lambda f: __import__("zoo").load("gania_generator", task="restorer", trained=True), ValueError, "gania_generator"),
    ("zoo.load: not a name or a path", lambda f: __import__("zoo").load(42), TypeError, "int"),
]


@pytest.mark.parametrize("case, call, error, names", LOAD_CASES, ids=[c[0] for c in LOAD_CASES])
def test_zoo_load_refuses_in_one_message(case, call, error, names, files):
    with pytest.raises(error) as info:
        call(files)
    message = str(info.value.args[0]) if isinstance(info.value, KeyError) else str(info.value)
    assert names in message and "\n" not in message.strip(), (case, message)


def test_the_corpus_is_complete(capsys):
    n = len(CASES) + len(LOAD_CASES) + 1  # + the predict scenario
    with capsys.disabled():
        print(f"\nbad-input corpus: {n} cases ({len(CASES)} command lines, {len(LOAD_CASES)} zoo.load calls, 1 predict scenario)")
    assert n >= 45


def test_a_tiny_image_has_no_face(helen_test, tmp_path):
    """A face squeezed into 20 x 20 pixels is below the detector's minimum face size: no face, and
    the JSON says why."""
    import cv2

    image = cv2.resize(helen_test[0].load_image(), (20, 20), interpolation=cv2.INTER_AREA)
    write_image(tmp_path / "tiny.png", image)
    assert main(["predict", str(tmp_path / "tiny.png"), "--out", str(tmp_path / "out")]) == 0
    record = json.loads((tmp_path / "out" / "tiny.json").read_text())
    assert record["faces"] == [] and record["note"].startswith("no face")


def test_disk_full_while_checkpointing_loses_nothing(tmp_path, monkeypatch, capsys):
    """A disk that fills during the second epoch's checkpoint: one error line naming the run folder
    and the cause, a non-zero exit, the first epoch's checkpoint intact and resumable, no temp files."""
    import errno

    import zoo.training.checkpoint as ck

    calls = {"n": 0}
    real = ck.save_optimizer

    def full_disk(optimizer, path, atomic=True):
        calls["n"] += 1
        if calls["n"] == 2:
            with open(path, "wb") as f:  # part of the file written, then no space
                f.write(b"x" * 100)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(optimizer, path, atomic)

    monkeypatch.setattr(ck, "save_optimizer", full_disk)
    # the shipped recipe at 64 px, eager: what is checked is the checkpoint, not the network
    recipe = tmp_path / "small.toml"
    recipe.write_text(f'base = "{RECIPE}"\nbatch_size = 4\nrun_eagerly = true\n[model_kwargs]\ninput_size = 64\n')
    out = tmp_path / "run"
    rc = main(["train", str(recipe), "--out", str(out), "--limit", "8", "--epochs", "2"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert rc != 0 and len(lines) == 1 and str(out) in lines[0] and "No space left" in lines[0], err
    assert "Traceback" not in err
    assert not [n for n in os.listdir(out) if ".new" in n or n.endswith(".tmp")], os.listdir(out)
    state = json.loads((out / "state.json").read_text())
    assert state["epoch"] == 0  # the first epoch (0-based) is the checkpoint kept
    paths = ck.verified_checkpoint(str(out), state)
    assert all(os.path.isfile(p) for p in paths.values())
    monkeypatch.setattr(ck, "save_optimizer", real)
    assert main(["train", str(recipe), "--out", str(out), "--limit", "8", "--epochs", "2", "--resume"]) == 0
    assert json.loads((out / "state.json").read_text())["epoch"] == 1

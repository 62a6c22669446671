"""`python -m zoo predict` on a folder, as a new user runs it (a fresh process, no log settings):
no backend start-up noise unless `--verbose`, and a summary line at the end (issue 24)."""

import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOISE = ("All log messages before absl", "oneDNN custom operations", "I0000", "E0000", "W0000", "cpu_feature_guard")


def _run(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_CPP", "TF_ENABLE_ONEDNN"))}
    return subprocess.run([sys.executable, "-m", "zoo", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def test_predict_on_a_folder_is_quiet_and_ends_with_a_summary(tmp_path):
    import matplotlib.cbook as cbook

    from zoo.data.demo import DEMO_IMAGE

    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(DEMO_IMAGE, folder / "astronaut.jpg")
    shutil.copy(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False), folder / "hopper.jpg")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    res = _run(["predict", str(folder), "--out", str(tmp_path / "out"), "--restorer", "none", "--iterations", "0"], tmp_path)
    assert res.returncode == 1, res.stderr  # one corrupt file: reported, the others written
    noisy = [line for line in res.stderr.splitlines() if any(n in line for n in NOISE)]
    assert noisy == [], noisy
    assert [line for line in res.stderr.splitlines() if line.strip()] == [line for line in res.stderr.splitlines()
                                                                        if line.startswith("failed: ")]
    last = res.stdout.strip().splitlines()[-1]
    assert re.match(r"3 images, 2 faces, 1 failed, \d+ ms/face", last), last
    rec = json.load(open(tmp_path / "out" / "hopper.json"))
    assert len(rec["faces"]) == 1


def test_verbose_shows_what_the_backend_prints(tmp_path):
    import keras

    res = _run(["predict", "--demo", "--out", str(tmp_path), "--restorer", "none", "--iterations", "0", "--verbose"], tmp_path)
    assert res.returncode == 0, res.stderr
    if keras.backend.backend() == "tensorflow":  # TensorFlow always logs its oneDNN / CPU lines at start-up
        assert any(n in res.stderr for n in NOISE), res.stderr[-2000:]

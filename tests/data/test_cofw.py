import os

import numpy as np
import pytest
import scipy.io

from zoo.data import load_landmark_folder, read_image, write_pts
from zoo.data.cofw import convert_cofw68, load_cofw_images


def _annotations(tmp_path, n, rng):
    ann = tmp_path / "ann"
    (ann / "pts").mkdir(parents=True)
    flags = []
    for i in range(1, n + 1):
        write_pts(ann / "pts" / f"{i:03d}.pts", rng.uniform(5, 50, (68, 2)))
        flags.append([f"{i:03d}", str(i)] + [str(int(v)) for v in rng.integers(0, 2, 68)])
    (ann / "occlusion.csv").write_text(
        "name,cofw_test_index," + ",".join(f"occ_{k}" for k in range(68)) + "\n" + "\n".join(",".join(r) for r in flags) + "\n"
    )
    (ann / "bboxes.csv").write_text("name,cofw_test_index,x,y,w,h\n" + "\n".join(f"{i:03d},{i},1,1,50,50" for i in range(1, n + 1)) + "\n")
    return ann, flags


def test_convert_small_synthetic_mat(tmp_path, rng):
    images = np.empty((3, 1), dtype=object)
    images[0, 0] = rng.integers(0, 255, (60, 64, 3), dtype=np.uint8)
    images[1, 0] = rng.integers(0, 255, (64, 60), dtype=np.uint8)  # COFW has grey images too
    images[2, 0] = rng.integers(0, 255, (70, 70, 3), dtype=np.uint8)
    scipy.io.savemat(tmp_path / "COFW_test_color.mat", {"IsT": images})
    ann, flags = _annotations(tmp_path, 3, rng)
    assert convert_cofw68(tmp_path / "COFW_test_color.mat", ann, tmp_path / "out") == 3
    samples = load_landmark_folder(tmp_path / "out")
    assert [s.name for s in samples] == ["001", "002", "003"]
    np.testing.assert_array_equal(read_image(samples[0].image_path), images[0, 0])
    assert read_image(samples[1].image_path).shape == (64, 60, 3)
    np.testing.assert_array_equal(samples[2].flags, [int(v) for v in flags[2][2:]])
    assert os.path.isfile(tmp_path / "out" / "bboxes.csv")


def test_count_mismatch_and_missing_file(tmp_path, rng):
    images = np.empty((2, 1), dtype=object)
    for i in range(2):
        images[i, 0] = rng.integers(0, 255, (60, 60, 3), dtype=np.uint8)
    scipy.io.savemat(tmp_path / "c.mat", {"IsT": images})
    ann, _ = _annotations(tmp_path, 3, rng)
    with pytest.raises(ValueError, match="2 images but 3 annotations"):
        convert_cofw68(tmp_path / "c.mat", ann, tmp_path / "out")
    with pytest.raises(FileNotFoundError, match="nope.mat"):
        load_cofw_images(tmp_path / "nope.mat")
    with pytest.raises(KeyError, match="IsTr"):
        load_cofw_images(tmp_path / "c.mat", key="IsTr")

import numpy as np
import pytest

from zoo.data import AnnotationError, read_pts, write_pts


def test_reads_real_pts_as_zero_based(staged):
    path = f"{staged('300w')}/afw_1051618982_1.pts"
    pts = read_pts(path)
    assert pts.shape == (68, 2) and pts.dtype == np.float32
    first = open(path).read().splitlines()[3].split()
    np.testing.assert_allclose(pts[0], [float(first[0]) - 1, float(first[1]) - 1], atol=1e-5)


def test_write_read_round_trip_is_one_based(tmp_path, rng):
    pts = rng.uniform(0, 255, (68, 2)).astype(np.float32)
    write_pts(tmp_path / "a.pts", pts)
    text = (tmp_path / "a.pts").read_text().splitlines()
    assert text[:3] == ["version: 1", "n_points: 68", "{"] and text[-1] == "}"
    assert float(text[3].split()[0]) == pytest.approx(pts[0, 0] + 1, abs=1e-5)
    np.testing.assert_allclose(read_pts(tmp_path / "a.pts"), pts, atol=1e-5)


def test_headerless_variant(tmp_path):
    (tmp_path / "b.pts").write_text("".join(f"{i + 1} {i + 2}\n" for i in range(68)))
    assert read_pts(tmp_path / "b.pts")[5].tolist() == [5.0, 6.0]


def _pts(lines, n=68):
    return "version: 1\nn_points: {}\n{{\n{}}}\n".format(n, "".join(l + "\n" for l in lines))


GOOD = [f"{10 + i}.5 {20 + i}.25" for i in range(68)]


@pytest.mark.parametrize(
    "text, message",
    [
        (_pts(GOOD[:67], 67), "expected 68 points, found 67"),
        (_pts(GOOD[:67], 68), "n_points 68 but the file has 67"),
        (_pts(GOOD[:10] + ["12.0"] + GOOD[11:]), r":14: expected 'x y'"),
        (_pts(GOOD[:10] + ["12.0 abc"] + GOOD[11:]), r":14: coordinates are not numbers"),
        (_pts(GOOD[:3] + ["nan 4.0"] + GOOD[4:]), r":7: non-finite"),
        ("version: 1\nn_points: 68\n{\n" + "".join(l + "\n" for l in GOOD[:30]), "missing closing brace"),
        ("", "found 0"),
    ],
)
def test_bad_pts_names_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.pts"
    path.write_text(text)
    with pytest.raises(AnnotationError, match=message) as e:
        read_pts(path)
    assert "bad.pts" in str(e.value)


def test_binary_file(tmp_path):
    (tmp_path / "x.pts").write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(AnnotationError, match="x.pts"):
        read_pts(tmp_path / "x.pts")


def test_write_refuses_nan(tmp_path):
    with pytest.raises(ValueError, match="non-finite"):
        write_pts(tmp_path / "n.pts", np.full((68, 2), np.nan))
    assert not (tmp_path / "n.pts").exists()

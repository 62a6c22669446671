"""zoo.io: atomic writes leave the old file or the new one, never a half, and no temp file."""

import json
import os

import pytest

from zoo.io import atomic_write, atomic_write_json, sha256_file


def test_atomic_write_replaces_whole_and_cleans_up(tmp_path):
    path = tmp_path / "a.json"
    atomic_write_json(path, {"x": 1})
    assert json.loads(path.read_text()) == {"x": 1}

    def fails(tmp):
        with open(tmp, "w") as f:
            f.write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write(path, fails)
    assert json.loads(path.read_text()) == {"x": 1}  # the old file, whole
    assert os.listdir(tmp_path) == ["a.json"]  # no temp file left


def test_temp_names_are_unique_per_call(tmp_path):
    seen = []
    atomic_write(tmp_path / "b", lambda tmp: (seen.append(tmp), open(tmp, "w").write("1")))
    atomic_write(tmp_path / "b", lambda tmp: (seen.append(tmp), open(tmp, "w").write("2")))
    assert len(set(seen)) == 2 and (tmp_path / "b").read_text() == "2"
    assert len(sha256_file(tmp_path / "b")) == 64

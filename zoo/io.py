"""Atomic file writes: the one way the zoo writes a file that someone may be reading.

Every writer writes a temp file beside the target (a name unique to the process and the call, so
two processes never share one), then `os.replace`s it into place: a reader sees the old file or
the new one, never half of one. On any failure the temp file is removed and the target is left
as it was. This module imports nothing of the zoo (the lowest layer)."""

import hashlib
import json
import os
import shutil
import uuid

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_json", "atomic_write_text", "atomic_copy",
           "atomic_save_weights", "sha256_file"]


def _temp_name(path, suffix):
    folder, base = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{base}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp{suffix}")


def atomic_write(path, write, suffix=""):
    """Call `write(temp_path)`, then move the temp file onto `path`.

    Args:
        path: the target file.
        write: a function that writes the whole file at the path it is given.
        suffix: the temp file's ending, for writers that pick the format from it (e.g.
            `".weights.h5"`, `".png"`).
    """
    path = os.fspath(path)
    tmp = _temp_name(path, suffix)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def atomic_write_bytes(path, data):
    def write(tmp):
        with open(tmp, "wb") as f:
            f.write(data)

    return atomic_write(path, write)


def atomic_write_text(path, text):
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path, payload, indent=2):
    """`payload` as JSON (non-JSON values such as numpy numbers written with `str`)."""
    return atomic_write_text(path, json.dumps(payload, indent=indent, default=str) + "\n")


def atomic_copy(src, dst):
    return atomic_write(dst, lambda tmp: shutil.copyfile(src, tmp))


def atomic_save_weights(model, path):
    """`model.save_weights(path)`, atomically."""
    return atomic_write(path, model.save_weights, suffix=".weights.h5")


def sha256_file(path, chunk=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()

"""What every command checks before it works: argument types (argparse `type=` functions, so a bad
value exits 2 with one line naming the flag and what is accepted) and output paths (an output
that cannot be written, or would overwrite an input, is refused before any model loads)."""

import argparse
import math
import os


def _int(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"an integer is expected. Received: {text!r}") from None


def positive_int(text):
    v = _int(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"an integer >= 1 is expected. Received: {text!r}")
    return v


def non_negative_int(text):
    v = _int(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"an integer >= 0 is expected. Received: {text!r}")
    return v


def positive_float(text):
    """A finite number > 0 (a duration)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number > 0 is expected. Received: {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"a number > 0 is expected. Received: {text!r}")
    return v


def unit_float(text):
    """A finite number in [0, 1] (a probability or a score threshold)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number in [0, 1] is expected. Received: {text!r}") from None
    if not math.isfinite(v) or not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"a number in [0, 1] is expected. Received: {text!r}")
    return v


def box(text):
    """`X,Y,W,H`: four finite numbers, W and H positive."""
    try:
        v = tuple(float(t) for t in text.split(","))
    except ValueError:
        v = ()
    if len(v) != 4 or not all(math.isfinite(t) for t in v) or v[2] <= 0 or v[3] <= 0:
        raise argparse.ArgumentTypeError(f"X,Y,W,H (four finite numbers, W and H > 0) is expected. Received: {text!r}")
    return v


def output_folder(path, flag="--out"):
    """Make sure `path` can be a folder we write into (created if missing), or raise naming it."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"{flag} {path}: exists and is not a folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise ValueError(f"{flag} {path}: cannot create the folder ({e.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValueError(f"{flag} {path}: the folder is not writable")
    return path


def output_file(path, flag="--out", extensions=None):
    """Make sure `path` can be written as a file (its folder exists and is writable; not a folder;
    an extension among `extensions` when given), or raise naming it."""
    if os.path.isdir(path):
        raise ValueError(f"{flag} {path}: is a folder; give a file name")
    ext = os.path.splitext(path)[1].lower()
    if extensions and ext not in extensions:
        raise ValueError(f"{flag} {path}: the file name must end in one of {', '.join(extensions)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"{flag} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{flag} {path}: the folder {folder} is not writable")
    return path


def not_inside(dst, src, what="the destination"):
    """Refuse `dst` equal to or inside the folder `src` (it would write over what it reads)."""
    a, b = os.path.realpath(dst), os.path.realpath(src)
    if a == b or a.startswith(b.rstrip(os.sep) + os.sep):
        raise ValueError(f"{what} {dst} is {'the same as' if a == b else 'inside'} the source {src}: choose a folder outside it")

"""iBUG `.pts` files. The 1-based file convention is converted to 0-based pixel coordinates
here and nowhere else: `read_pts` subtracts 1, `write_pts` adds 1."""

import math
import os

import numpy as np

from zoo.data.shape68 import N_POINTS
from zoo.io import atomic_write_text


class AnnotationError(ValueError):
    """A landmark file that cannot be trusted (the message names the file and line)."""


def read_pts(path, n_points=N_POINTS):
    """Read an iBUG `.pts` file -> `(n_points, 2)` float32, 0-based pixel coordinates.

    Accepts the standard header (`version:`, `n_points:`, `{ ... }`) and the header-less
    variant of bare `x y` lines. Raises `AnnotationError` naming the file (and line) for a
    wrong point count, a broken line, text or non-finite coordinates.
    """
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except UnicodeDecodeError:
        raise AnnotationError(f"{path}: not a text .pts file") from None
    declared = None
    points = []
    in_braces = None
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        low = line.lower()
        if low.startswith("version"):
            continue
        if low.startswith("n_points"):
            try:
                declared = int(line.split(":", 1)[1])
            except (IndexError, ValueError):
                raise AnnotationError(f"{path}:{lineno}: bad n_points line {raw!r}") from None
            continue
        if line == "{":
            in_braces = True
            continue
        if line == "}":
            in_braces = False
            continue
        if in_braces is False:
            raise AnnotationError(f"{path}:{lineno}: text after the closing brace: {raw!r}")
        parts = line.replace(",", " ").split()
        if len(parts) != 2:
            raise AnnotationError(f"{path}:{lineno}: expected 'x y', got {raw!r}")
        try:
            x, y = float(parts[0]), float(parts[1])
        except ValueError:
            raise AnnotationError(f"{path}:{lineno}: coordinates are not numbers: {raw!r}") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise AnnotationError(f"{path}:{lineno}: non-finite coordinate {raw!r}")
        points.append((x, y))
    if in_braces:
        raise AnnotationError(f"{path}: missing closing brace (truncated file?)")
    if declared is not None and declared != len(points):
        raise AnnotationError(f"{path}: header says n_points {declared} but the file has {len(points)} points")
    if n_points is not None and len(points) != n_points:
        raise AnnotationError(f"{path}: expected {n_points} points, found {len(points)}")
    if not points:
        raise AnnotationError(f"{path}: no points")
    return np.asarray(points, dtype=np.float32) - 1.0


def write_pts(path, points):
    """Write `(N, 2)` 0-based points as a 1-based iBUG `.pts` file (atomically)."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2). Received: shape={points.shape}")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"refusing to write non-finite points to {path}")
    path = os.fspath(path)
    body = "".join(f"{x + 1:.6f} {y + 1:.6f}\n" for x, y in points)
    atomic_write_text(path, f"version: 1\nn_points: {len(points)}\n{{\n{body}}}\n")

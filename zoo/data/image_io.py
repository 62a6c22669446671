"""Image reading with clear errors: unreadable, empty, truncated or non-image files name the file."""

import os

import cv2
import numpy as np

from zoo.io import atomic_write_bytes

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


class ImageError(ValueError):
    """An image file that cannot be decoded (the message names the file and the cause)."""


def _check_complete(path, data):
    head = data[:8]
    if head.startswith(b"\xff\xd8"):
        # A complete JPEG ends with the EOI marker (trailing padding is tolerated).
        if b"\xff\xd9" not in data[-64:]:
            raise ImageError(f"{path}: truncated JPEG (no end-of-image marker)")
    elif head == b"\x89PNG\r\n\x1a\n":
        if b"IEND" not in data[-32:]:
            raise ImageError(f"{path}: truncated PNG (no IEND chunk)")


def read_image(path, color="rgb"):
    """Read an image file -> uint8 array, `(H, W, 3)` RGB (or `(H, W)` for color="gray").

    Raises `ImageError` naming the file for a missing, empty, truncated or undecodable file.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ImageError(f"{path}: no such image file")
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        raise ImageError(f"{path}: empty file")
    _check_complete(path, data)
    flag = cv2.IMREAD_GRAYSCALE if color == "gray" else cv2.IMREAD_COLOR
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None or image.size == 0:
        raise ImageError(f"{path}: not a decodable image")
    if color == "gray":
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def read_rgba(path):
    """Read an image with its alpha channel -> `(H, W, 4)` uint8 RGBA (alpha 255 if absent)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ImageError(f"{path}: no such image file")
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ImageError(f"{path}: not a decodable image")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGRA)
    elif image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)
    return cv2.cvtColor(image, cv2.COLOR_BGRA2RGBA)


def write_image(path, image):
    """Write an RGB (or gray) uint8 image atomically; the format follows the extension."""
    path = os.fspath(path)
    image = np.asarray(image)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ext = os.path.splitext(path)[1] or ".png"
    ok, buf = cv2.imencode(ext, image)
    if not ok:
        raise ImageError(f"{path}: could not encode image")
    atomic_write_bytes(path, buf.tobytes())

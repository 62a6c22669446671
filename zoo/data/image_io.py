"""Image reading with clear errors: unreadable, empty, truncated, corrupt, oversized or non-image
files name the file.

- The pixel count is read from the header before anything is decoded: above `max_pixels()`
  (default 50 megapixels; `$ZOO_MAX_PIXELS`) the file is refused (a 20000 x 20000 PNG of a few
  hundred KB would take GBs of memory).
- A damaged file's decoder warnings are errors: libjpeg's "Corrupt JPEG data" (a truncated JPEG
  with an end marker appended decodes to a half-grey image and only prints that line) or a libpng
  error refuse the file, naming the decoder's message (benign notes, such as libpng's about an
  sRGB profile, do not).
"""

import io
import os
import tempfile
import threading

import cv2
import numpy as np

from zoo.io import atomic_write_bytes

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
MAX_PIXELS_VAR = "ZOO_MAX_PIXELS"
DEFAULT_MAX_PIXELS = 50_000_000
# what a decoder prints (to stderr, not as an error) about a damaged file
_DECODER_COMPLAINTS = ("corrupt jpeg", "premature end", "extraneous bytes", "libpng error", "invalid jpeg", "bad huffman")
_DECODE_LOCK = threading.Lock()


def max_pixels():
    """The largest image (width x height) read: `$ZOO_MAX_PIXELS`, default 50 megapixels."""
    raw = os.environ.get(MAX_PIXELS_VAR)
    if not raw:
        return DEFAULT_MAX_PIXELS
    try:
        value = int(float(raw))
    except ValueError:
        raise ValueError(f"${MAX_PIXELS_VAR}={raw!r}: expected a number of pixels") from None
    if value <= 0:
        raise ValueError(f"${MAX_PIXELS_VAR}={raw!r}: expected a positive number of pixels")
    return value


def image_size(path, data):
    """`(width, height)` from the file's header (nothing decoded); None when the header is not one
    Pillow reads."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:  # noqa: BLE001 - an unreadable header is left to the decoder to refuse
        return None


def _decode(data, flag):
    """`cv2.imdecode` with what the decoder prints to stderr captured (libjpeg and libpng warn
    there, they do not fail): `(image or None, message)`."""
    with _DECODE_LOCK, tempfile.TemporaryFile() as sink:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr to capture
            return cv2.imdecode(np.frombuffer(data, np.uint8), flag), ""
        os.dup2(sink.fileno(), 2)
        try:
            image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        message = sink.read(4000).decode("utf-8", "replace").strip()
    return image, message


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

    Raises `ImageError` naming the file for a missing, empty, truncated, corrupt, oversized (see
    `max_pixels`) or undecodable file.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ImageError(f"{path}: no such image file")
    limit = max_pixels()
    size_bytes = os.path.getsize(path)
    if size_bytes > 8 * limit + (1 << 20):  # more than any image of the allowed pixels could take (16-bit RGBA)
        raise ImageError(f"{path}: {size_bytes:,} bytes is larger than any image of at most {limit:,} pixels "
                         f"(set ${MAX_PIXELS_VAR} to read larger images)")
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        raise ImageError(f"{path}: empty file")
    _check_complete(path, data)
    size = image_size(path, data)
    if size is not None and size[0] * size[1] > limit:
        raise ImageError(f"{path}: {size[0]} x {size[1]} pixels is more than the {limit:,} allowed "
                         f"(set ${MAX_PIXELS_VAR} to read larger images)")
    flag = cv2.IMREAD_GRAYSCALE if color == "gray" else cv2.IMREAD_COLOR
    image, message = _decode(data, flag)
    if message and any(k in message.lower() for k in _DECODER_COMPLAINTS):
        raise ImageError(f"{path}: corrupt image data ({message.splitlines()[0]})")
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

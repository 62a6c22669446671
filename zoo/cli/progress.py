"""A one-line progress display for commands that go through many images: images done, faces
found, failures, ms per face, updated in place on a terminal (nothing when stderr is not one:
logs get the command's summary line only)."""

import sys


class Progress:
    """`Progress(total)`; `update(images=1, faces=0, failed=0, seconds=0.0)` after each batch;
    `close()` ends the line. `stream` defaults to stderr."""

    def __init__(self, total, stream=None, enabled=None):
        self.total = int(total)
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)()) if enabled is None else bool(enabled)
        self.images = self.faces = self.failed = 0
        self.seconds = 0.0
        self._width = 0

    def line(self):
        width = len(str(self.total))
        parts = [f"{self.images:>{width}}/{self.total} images", f"{self.faces} faces"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.faces:
            parts.append(f"{1000.0 * self.seconds / self.faces:.0f} ms/face")
        return " | ".join(parts)

    def update(self, images=1, faces=0, failed=0, seconds=0.0):
        self.images += int(images)
        self.faces += int(faces)
        self.failed += int(failed)
        self.seconds += float(seconds)
        if self.enabled:
            text = self.line()
            self.stream.write("\r" + text + " " * max(0, self._width - len(text)))
            self.stream.flush()
            self._width = len(text)

    def close(self):
        if self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

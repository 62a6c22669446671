"""Shared helpers of the benchmark scripts: per-backend subprocesses, tables, JSON results."""

import contextlib
import json
import os
import platform
import subprocess
import sys
import time

from zoo.io import atomic_write_json, atomic_write_text

BACKENDS = ("tensorflow", "jax", "torch")
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def run_worker(script, backend, args, timeout=3600):
    """Run `script --worker ...` under KERAS_BACKEND=backend; it prints one JSON line last."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, script, "--worker", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{os.path.basename(script)} under {backend} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed(fn, repeats, warmup=1):
    """Median wall time of `fn()` in ms after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    return times[len(times) // 2]


def machine():
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
    }


def print_table(rows, columns):
    widths = [max(len(str(c)), *(len(_fmt(r.get(c))) for r in rows)) for c in columns]
    print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(_fmt(r.get(c)).ljust(w) for c, w in zip(columns, widths)))


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 100 else f"{v:.1f}"
    return str(v)


def write_json(name, payload):
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, name)
    return atomic_write_json(path, payload)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
DOCS = (os.path.join(ROOT, "docs", "results.md"), README)


def update_readme(marker, markdown, docs=DOCS):
    """Replace the text between `<!-- {marker}:start -->` and `<!-- {marker}:end -->` in the
    document that holds the markers (`docs/results.md`, else the README); False when none does."""
    a, b = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    for path in docs:
        text = open(path).read() if os.path.isfile(path) else ""
        if a in text and b in text:
            text = text[: text.index(a) + len(a)] + "\n" + markdown.rstrip("\n") + "\n" + text[text.index(b):]
            atomic_write_text(path, text)
            return True
    return False


def attention_layers(model):
    """Every `SelfAttention2D` inside a restorer (a model or a task holding one in `.model`)."""
    from zoo.layers import SelfAttention2D

    inner = getattr(model, "model", model)
    return [layer for layer in inner._flatten_layers() if isinstance(layer, SelfAttention2D)]


@contextlib.contextmanager
def kept_gammas(layers):
    """Let the body set the attention layers' gammas; their trained values are put back after."""
    import keras

    saved = [keras.ops.convert_to_numpy(layer.gamma) for layer in layers]
    try:
        yield
    finally:
        for layer, value in zip(layers, saved):
            layer.gamma.assign(value)

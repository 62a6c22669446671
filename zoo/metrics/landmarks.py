"""Landmark metrics of the field: NME, failure rate, AUC, CED (numpy arrays in, numbers out)."""

import numpy as np

from zoo.data.shape68 import LEFT_EYE, OUTER_EYE_CORNERS, RIGHT_EYE

NORMALIZATIONS = ("inter_ocular", "inter_pupil", "box_diagonal")


def _as_batch(a, name):
    a = np.asarray(a, np.float64)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.shape[-1] != 2:
        raise ValueError(f"`{name}` must have shape (N, K, 2) or (K, 2). Received: shape={a.shape}")
    return a


def normalizer(target, normalization="inter_ocular"):
    """Per-image normalising distance of `(N, 68, 2)` ground truth.

    inter_ocular: outer eye corners (0-based 36 and 45; the 300-W / seed NRMSE);
    inter_pupil: centres of the two eyes' six points; box_diagonal: diagonal of the points' box.
    """
    t = _as_batch(target, "target")
    if normalization == "inter_ocular":
        a, b = OUTER_EYE_CORNERS
        d = np.linalg.norm(t[:, a] - t[:, b], axis=-1)
    elif normalization == "inter_pupil":
        d = np.linalg.norm(t[:, list(RIGHT_EYE)].mean(1) - t[:, list(LEFT_EYE)].mean(1), axis=-1)
    elif normalization == "box_diagonal":
        d = np.linalg.norm(t.max(1) - t.min(1), axis=-1)
    else:
        raise ValueError(f"`normalization` must be one of {NORMALIZATIONS}. Received: normalization={normalization!r}")
    if np.any(d <= 0):
        raise ValueError("a target shape has a zero normalising distance")
    return d


def nme(pred, target, normalization="inter_ocular", mask=None):
    """Per-image normalised mean error: mean point-to-point distance / normaliser.

    Args:
        pred, target: `(N, K, 2)` (or `(K, 2)`) landmarks in the same frame.
        normalization: "inter_ocular" (default), "inter_pupil" or "box_diagonal".
        mask: optional `(N, K)` weights (1 = include the point), e.g. visible points only.

    Returns:
        `(N,)` float64 array.
    """
    p, t = _as_batch(pred, "pred"), _as_batch(target, "target")
    if p.shape != t.shape:
        raise ValueError(f"pred and target shapes differ: {p.shape} vs {t.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("pred contains NaN or inf")
    err = np.linalg.norm(p - t, axis=-1)
    if mask is None:
        per_image = err.mean(1)
    else:
        m = np.asarray(mask, np.float64).reshape(err.shape)
        per_image = (err * m).sum(1) / np.maximum(m.sum(1), 1)
    return per_image / normalizer(t, normalization)


def failure_rate(nmes, threshold=0.10):
    """Fraction of images whose NME exceeds `threshold`."""
    nmes = np.asarray(nmes, np.float64)
    return float(np.mean(nmes > threshold)) if nmes.size else float("nan")


def ced_curve(nmes, threshold=0.10, steps=1001):
    """Cumulative error distribution: `(x, y)` with x = NME in [0, threshold], y = fraction of
    images with NME <= x."""
    nmes = np.sort(np.asarray(nmes, np.float64))
    x = np.linspace(0.0, threshold, steps)
    y = np.searchsorted(nmes, x, side="right") / max(len(nmes), 1)
    return x, y


def auc(nmes, threshold=0.10, steps=1001):
    """Area under the CED curve up to `threshold`, divided by `threshold` (in [0, 1])."""
    x, y = ced_curve(nmes, threshold, steps)
    return float(np.trapezoid(y, x) / threshold)


def summarize(nmes, thresholds=(0.08, 0.10)):
    """The standard dict: n, nme (mean), and fr_/auc_ at each threshold (keys like `fr_0.10`)."""
    nmes = np.asarray(nmes, np.float64)
    out = {"n": int(nmes.size), "nme": float(nmes.mean()) if nmes.size else float("nan"),
           "nme_median": float(np.median(nmes)) if nmes.size else float("nan")}
    for t in thresholds:
        out[f"fr_{t:.2f}"] = failure_rate(nmes, t)
        out[f"auc_{t:.2f}"] = auc(nmes, t)
    return out


def plot_ced(curves, path, threshold=0.10, title="Cumulative error distribution"):
    """Plot several methods' CEDs on one axes (like the seed's Figures 6 and 8) to a PNG.

    Args:
        curves: `{label: per-image NMEs}`.
        path: output PNG path.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=120)
    for label, nmes in curves.items():
        x, y = ced_curve(nmes, threshold)
        ax.plot(x, y, label=f"{label} (AUC {auc(nmes, threshold):.3f}, FR {failure_rate(nmes, threshold):.3f})")
    ax.set_xlim(0, threshold)
    ax.set_ylim(0, 1)
    ax.set_xlabel("NME (inter-ocular)")
    ax.set_ylabel("fraction of images")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path

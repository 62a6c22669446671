"""Landmark losses in keras.ops (every backend). Coordinates are normalised crop coordinates;
`scale` converts them to pixels where a loss has pixel-unit parameters (Wing)."""

import math

import numpy as np
from keras import ops


def _point_sq_err(y_true, y_pred):
    return ops.sum(ops.square(ops.cast(y_pred, "float32") - ops.cast(y_true, "float32")), axis=-1)  # (B, K)


def l2_landmark_loss(y_true, y_pred):
    """Per-sample sum over points of squared error, averaged over the batch -> scalar."""
    return ops.mean(ops.sum(_point_sq_err(y_true, y_pred), axis=-1))


def per_sample_l2(y_true, y_pred):
    """`(B,)` sum over points of squared error."""
    return ops.sum(_point_sq_err(y_true, y_pred), axis=-1)


def per_sample_wing(y_true, y_pred, w=10.0, epsilon=2.0, scale=112.0):
    """`(B,)` Wing loss (Feng et al., CVPR 2018) summed over coordinates, in pixel units at `scale`."""
    x = ops.abs(ops.cast(y_pred, "float32") - ops.cast(y_true, "float32")) * scale
    c = w - w * math.log(1.0 + w / epsilon)
    loss = ops.where(x < w, w * ops.log(1.0 + x / epsilon), x - c)
    return ops.sum(ops.reshape(loss, (ops.shape(loss)[0], -1)), axis=-1) / scale


def wing_loss(y_true, y_pred, w=10.0, epsilon=2.0, scale=112.0):
    return ops.mean(per_sample_wing(y_true, y_pred, w, epsilon, scale))


def angle_weight(angles_true, angles_pred):
    """PFLD's geometric weight `sum_k (1 - cos(theta_k))` over the three Euler-angle errors, `(B,)`."""
    d = ops.cast(angles_pred, "float32") - ops.cast(angles_true, "float32")
    return ops.sum(1.0 - ops.cos(d), axis=-1)


def pfld_loss(y_true, y_pred, landmark_loss="l2", plus_one=True, scale=112.0):
    """The PFLD loss: `mean_n( w_attr_n * W_angle_n * L_n )` where `W_angle = sum_k(1 - cos
    theta_k)` and `L_n` is the landmark loss of sample n (L2, or Wing).

    `y_true`: dict with "landmarks" `(B, K, 2)`, "pose" `(B, 3)` (radians) and optionally
    "weight" `(B,)` (per-attribute class weights; 1 when absent). `y_pred`: dict with
    "landmarks" and "pose".

    With `plus_one=True` (default) the angle weight is `1 + W_angle` and the angle term is
    also added on its own: in the paper's product form the landmark gradient vanishes as the
    pose branch becomes accurate; `plus_one=False` gives the paper's form exactly.
    """
    if "pose" not in y_pred or "pose" not in y_true:
        raise ValueError("pfld_loss needs 'pose' in both y_true and y_pred")
    return regressor_loss(y_true, {k: y_pred[k] for k in ("landmarks", "pose")}, landmark_loss, plus_one=plus_one, scale=scale)


def cascade_loss(y_true, y_pred, landmark_loss="l2", stage_weight=0.5, scale=112.0):
    """Deep supervision of a cascade: the final shape's loss plus `stage_weight` x each
    intermediate stage's (`y_pred` keys "stage_0" ... ), all against `y_true["landmarks"]`."""
    stages = {k: v for k, v in y_pred.items() if k == "landmarks" or k.startswith("stage_")}
    return regressor_loss({k: v for k, v in y_true.items() if k != "pose"}, stages, landmark_loss, stage_weight=stage_weight, scale=scale)


def visibility_loss(visibility_true, visibility_pred):
    """Binary cross-entropy of the per-landmark visibility head, `(B, K)` -> scalar."""
    p = ops.clip(ops.cast(visibility_pred, "float32"), 1e-6, 1 - 1e-6)
    t = ops.cast(visibility_true, "float32")
    return -ops.mean(t * ops.log(p) + (1 - t) * ops.log(1 - p))


def adaptive_wing(target, pred, omega=14.0, theta=0.5, epsilon=1.0, alpha=2.1):
    """Adaptive Wing loss (Wang, Bo & Fuxin, ICCV 2019), elementwise, for heatmap values in [0, 1]:
    its exponent `alpha - target` makes it wing-like (strong small-error gradient) on the
    foreground and L2-like (gradient vanishing at 0) on the background."""
    target = ops.cast(target, "float32")
    diff = ops.abs(target - ops.cast(pred, "float32"))
    power = alpha - target
    ratio = theta / epsilon
    a = omega * (1.0 / (1.0 + ops.power(ratio, power))) * power * ops.power(ratio, power - 1.0) / epsilon
    c = theta * a - omega * ops.log(1.0 + ops.power(ratio, power))
    small = omega * ops.log(1.0 + ops.power(diff / epsilon, power))
    return ops.where(diff < theta, small, a * diff - c)


HEATMAP_SCORE_LOSSES = ("ce", "awing", "l2")


def heatmap_loss(y_true, y_pred, scale=160.0, border=0.0, offset_weight=5.0, data_format="channels_last", score_loss="ce",
                 sigma=1.0, neighbours=None, neighbour_weight=None):
    """PIPNet-style loss of a heatmap + offset head, `(B,)` per sample: a loss on the `G x G` cell
    scores plus `offset_weight` x the L1 error of the x / y offsets predicted at the cell holding
    each point (in cell units).

    `score_loss`: `"ce"` (PIPNet's: softmax cross-entropy against the cell holding the point),
    `"awing"` (adaptive Wing of the sigmoid scores against a Gaussian of `sigma` cells around the
    true sub-cell position, foreground cells (target >= 0.2) weighted 10x more, as Wang et al.) or
    `"l2"` (the same Gaussian target with squared error, the simple-baselines loss). Decoding is
    the same for all three (the best cell + its offsets).

    `y_true["landmarks"]` `(B, K, 2)` normalised to the `scale`-pixel input; `y_pred` holds
    `"heatmap"`, `"offset_x"`, `"offset_y"` `(B, G, G, K)` (or channels-first) on the input
    less `border` pixels each side. Points outside the grid count in the nearest border cell
    (their offsets then leave [0, 1]).

    With `neighbours` (`(N, K)` indices, PIPNet's neighbour regression) and `y_pred` holding
    `"neighbour_x"` / `"neighbour_y"` (`N * K` channels), each landmark's cell is also trained to
    give its neighbours' offsets from that cell's origin: `neighbour_weight` (default
    `offset_weight`) x their L1 error, averaged over the K neighbours.
    """
    if score_loss not in HEATMAP_SCORE_LOSSES:
        raise ValueError(f"`score_loss` must be one of {HEATMAP_SCORE_LOSSES}. Received: {score_loss!r}")

    def flat(t):
        t = ops.cast(t, "float32")
        if data_format == "channels_last":
            t = ops.transpose(t, (0, 3, 1, 2))
        return ops.reshape(t, (ops.shape(t)[0], ops.shape(t)[1], -1))  # (B, K, G*G)

    heat = y_pred["heatmap"]
    g = heat.shape[1] if data_format == "channels_last" else heat.shape[2]
    stride = (scale - 2.0 * border) / g
    grid = (ops.cast(y_true["landmarks"], "float32") * scale - border) / stride  # (B, K, 2) in cells
    cell = ops.clip(ops.floor(grid), 0.0, g - 1.0)
    offset = grid - cell
    idx = ops.cast(cell[..., 1] * g + cell[..., 0], "int32")  # (B, K)
    onehot = ops.one_hot(idx, g * g)
    logits = flat(heat)
    if score_loss == "ce":
        score = -ops.sum(onehot * ops.log_softmax(logits, axis=-1), axis=-1)  # (B, K)
    else:
        centres = ops.arange(g, dtype="float32") + 0.5  # cell centres, in cells
        dx = ops.square(centres[None, None, None, :] - grid[..., 0][..., None, None])  # (B, K, 1, G)
        dy = ops.square(centres[None, None, :, None] - grid[..., 1][..., None, None])  # (B, K, G, 1)
        target = ops.reshape(ops.exp(-(dx + dy) / (2.0 * sigma**2)), (ops.shape(logits)[0], ops.shape(logits)[1], -1))
        prob = ops.sigmoid(logits)
        if score_loss == "awing":
            weight = 1.0 + 10.0 * ops.cast(target >= 0.2, "float32")
            score = ops.mean(weight * adaptive_wing(target, prob), axis=-1)
        else:
            score = ops.sum(ops.square(prob - target), axis=-1)
    ox = ops.sum(onehot * flat(y_pred["offset_x"]), axis=-1)
    oy = ops.sum(onehot * flat(y_pred["offset_y"]), axis=-1)
    l1 = ops.abs(ox - offset[..., 0]) + ops.abs(oy - offset[..., 1])
    total = score + offset_weight * l1
    if neighbours is not None and "neighbour_x" in y_pred:
        nb = np.asarray(neighbours, "int32")
        n, k = nb.shape
        b = ops.shape(grid)[0]
        target = ops.reshape(ops.take(grid, nb.reshape(-1), axis=1), (b, n, k, 2)) - cell[:, :, None, :]  # (B, N, K, 2)
        hot = onehot[:, :, None, :]
        nx = ops.sum(hot * ops.reshape(flat(y_pred["neighbour_x"]), (b, n, k, -1)), axis=-1)  # (B, N, K)
        ny = ops.sum(hot * ops.reshape(flat(y_pred["neighbour_y"]), (b, n, k, -1)), axis=-1)
        l1_nb = ops.mean(ops.abs(nx - target[..., 0]) + ops.abs(ny - target[..., 1]), axis=-1)
        total = total + (offset_weight if neighbour_weight is None else neighbour_weight) * l1_nb
    return ops.mean(total, axis=-1)


def regressor_loss(y_true, y_pred, landmark_loss="l2", stage_weight=0.5, visibility_weight=0.1, plus_one=True, scale=112.0,
                   heatmap=None):
    """The loss of any registered regressor, composed from what its outputs hold, so a recipe
    swaps regressors without touching its loss:

    - "landmarks": the landmark loss (L2 or Wing), per sample, times the attribute weight
      `y_true["weight"]` when given;
    - "pose" (PFLD): times the angle weight `1 + sum(1 - cos)` (`pfld_loss`), plus the angle term;
    - "stage_*" (DRN): plus `stage_weight` x each intermediate stage's loss (`cascade_loss`);
    - "visibility": plus `visibility_weight` x its cross-entropy against `y_true["visibility"]`;
    - "heatmap" (PIPNet): `heatmap_loss` (keyword arguments `heatmap`: border, offset_weight,
      data_format) replaces the coordinate loss, times the attribute weight.
    """
    if "heatmap" in y_pred:
        per = heatmap_loss(y_true, y_pred, scale=scale, **(heatmap or {}))
        w = ops.cast(y_true["weight"], "float32") if "weight" in y_true else ops.ones_like(per)
        return ops.mean(w * per)
    per_fn = per_sample_l2 if landmark_loss == "l2" else (lambda a, b: per_sample_wing(a, b, scale=scale))
    if landmark_loss not in ("l2", "wing"):
        raise ValueError(f"`landmark_loss` must be 'l2' or 'wing'. Received: {landmark_loss!r}")
    target = y_true["landmarks"]
    per = per_fn(target, y_pred["landmarks"])
    w = ops.cast(y_true["weight"], "float32") if "weight" in y_true else ops.ones_like(per)
    total = 0.0
    if "pose" in y_pred and "pose" in y_true:
        w_angle = angle_weight(y_true["pose"], y_pred["pose"])
        if plus_one:
            total = ops.mean(w * (1.0 + ops.stop_gradient(w_angle)) * per) + ops.mean(w_angle)
        else:
            total = ops.mean(w * w_angle * per)
    else:
        total = ops.mean(w * per)
    stages = sorted(k for k in y_pred if k.startswith("stage_"))
    for k in stages[:-1]:
        total = total + stage_weight * ops.mean(w * per_fn(target, y_pred[k]))
    if "visibility" in y_pred and "visibility" in y_true:
        total = total + visibility_weight * visibility_loss(y_true["visibility"], y_pred["visibility"])
    return total

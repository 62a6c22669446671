"""GAN-IA's losses in keras.ops (every backend): masked L2 reconstruction, the adversarial
losses of both discriminators (non-saturating logistic, or hinge), and the total
`L = Lr + lambda1 * L_local + lambda2 * L_global`."""

from keras import ops

ADVERSARIAL_KINDS = ("nonsaturating", "hinge")


def reconstruction_loss(target, output, mask, outside_weight=0.0):
    """L2 between output and original, over the mask (1 = occluded) and with `outside_weight`
    on the rest: `sum(w * (o - t)^2) / (sum(w) * C)` with `w = m + outside_weight * (1 - m)`."""
    target = ops.cast(target, "float32")
    output = ops.cast(output, "float32")
    m = ops.cast(mask, "float32")
    w = m + outside_weight * (1.0 - m)
    channels = ops.cast(ops.shape(target)[-1], "float32")
    return ops.sum(w * ops.square(output - target)) / (ops.sum(w) * channels + 1e-8)


def discriminator_loss(real_logits, fake_logits, kind="nonsaturating"):
    """The discriminator side of equation (3): `-log D(x) - log(1 - D(G(z)))` as softplus of
    logits (or the hinge loss)."""
    real_logits, fake_logits = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
    if kind == "nonsaturating":
        return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))
    if kind == "hinge":
        return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))
    raise ValueError(f"`kind` must be one of {ADVERSARIAL_KINDS}. Received: kind={kind!r}")


def generator_adversarial_loss(fake_logits, kind="nonsaturating"):
    """The generator side: non-saturating `-log D(G(z))` (or `-D(G(z))` for hinge)."""
    fake_logits = ops.cast(fake_logits, "float32")
    if kind == "nonsaturating":
        return ops.mean(ops.softplus(-fake_logits))
    if kind == "hinge":
        return -ops.mean(fake_logits)
    raise ValueError(f"`kind` must be one of {ADVERSARIAL_KINDS}. Received: kind={kind!r}")


def gania_generator_loss(l_rec, l_local, l_global, lambda1=0.002, lambda2=0.002):
    """`L = Lr + lambda1 * L_local + lambda2 * L_global`."""
    return l_rec + lambda1 * l_local + lambda2 * l_global


def crop_patches(images, offsets, size):
    """`(B, size, size, C)` patches of channels-last `images` at integer top-left `offsets`
    `(B, 2)` = (y0, x0), gathered in keras.ops (each sample its own position)."""
    shape = ops.shape(images)
    b, h, w, c = shape[0], shape[1], shape[2], shape[3]
    offsets = ops.cast(offsets, "int32")
    r = ops.arange(size, dtype="int32")
    ys = offsets[:, 0:1] + r[None, :]  # (B, P)
    xs = offsets[:, 1:2] + r[None, :]
    idx = (ops.arange(b, dtype="int32")[:, None, None] * (h * w) + ys[:, :, None] * w + xs[:, None, :])
    flat = ops.reshape(images, (-1, c))
    return ops.reshape(ops.take(flat, ops.reshape(idx, (-1,)), axis=0), (b, size, size, c))


def generator_objective(g_out, batch, d_global, d_local, cfg, adversarial):
    """GAN-IA's generator loss and logs for one batch: `Lr` alone (the generator phase, or no
    discriminators), else `Lr + lambda1 L_local + lambda2 L_global`.

    Args:
        g_out: the generator's outputs (`"restored"`, `"composite"`).
        batch: `"image"`, `"mask"`, `"fake_offsets"` (where the local patches are cut).
        d_global, d_local: functions mapping images / patches to logits (or None).
        cfg: the schedule (`patch`, `lambda1`, `lambda2`, `adversarial`, `outside_weight`).
    """
    l_rec = reconstruction_loss(batch["image"], g_out["restored"], batch["mask"], cfg.get("outside_weight", 0.0))
    logs = {"l_rec": l_rec}
    if not adversarial or d_global is None:
        return l_rec, logs
    comp = g_out["composite"]
    kind = cfg.get("adversarial", "nonsaturating")
    l_global = generator_adversarial_loss(d_global(comp), kind)
    l_local = generator_adversarial_loss(d_local(crop_patches(comp, batch["fake_offsets"], cfg["patch"])), kind)
    total = gania_generator_loss(l_rec, l_local, l_global, cfg.get("lambda1", 0.002), cfg.get("lambda2", 0.002))
    logs.update(g_local=l_local, g_global=l_global, g_total=total)
    return total, logs


def discriminator_objective(composite, batch, d_global, d_local, cfg):
    """Both discriminators' loss (global on whole faces, local on patches) and logs;
    `composite` carries no gradient."""
    composite = ops.stop_gradient(composite)
    kind = cfg.get("adversarial", "nonsaturating")
    real, p = batch["image"], cfg["patch"]
    d_g = discriminator_loss(d_global(real), d_global(composite), kind)
    d_l = discriminator_loss(d_local(crop_patches(real, batch["real_offsets"], p)),
                             d_local(crop_patches(composite, batch["fake_offsets"], p)), kind)
    return d_g + d_l, {"d_global": d_g, "d_local": d_l}


def occluder_loss(positive_weight=2.0):
    """The occluder segmenter's loss: binary cross-entropy on logits against the cells'
    coverage (soft targets); covered cells weigh `1 + (positive_weight - 1) * coverage`
    (occluders cover a minority of cells)."""

    def loss(y_true, logits):
        y_true = ops.cast(y_true, logits.dtype)
        bce = ops.binary_crossentropy(y_true, logits, from_logits=True)
        w = 1.0 + (positive_weight - 1.0) * y_true
        return ops.mean(w * bce)

    return loss

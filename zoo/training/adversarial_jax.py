"""GAN-IA gradient steps on JAX: `stateless_call` -> `jax.value_and_grad` ->
`optimizer.stateless_apply`, with the state of both networks and both optimisers carried
explicitly through jitted steps, and written back to the Keras variables by `sync()`."""

import jax

from zoo.losses import discriminator_objective, generator_objective
from zoo.training.steps import AdversarialSteps


def _net_state(net):
    return ([v.value for v in net.trainable_variables], [v.value for v in net.non_trainable_variables])


def _caller(net, holder, key):
    """A logits function over the traced state in `holder[key]`; non-trainable updates (the
    spectral-norm vectors) are written back into `holder` so the step can return them."""

    def call(x):
        tv, ntv = holder[key]
        out, new_ntv = net.stateless_call(tv, ntv, x, training=True)
        holder[key] = (tv, new_ntv)
        return out

    return call


class Steps(AdversarialSteps):
    def __init__(self, run):
        super().__init__(run)
        self.reload()
        r = run
        adversarial_nets = r.global_d is not None

        def g_loss(g_tv, g_ntv, dg, dl, batch, adversarial):
            out, g_ntv = r.generator.stateless_call(g_tv, g_ntv, {"image": batch["image"], "mask": batch["mask"]}, training=True)
            holder = {"dg": dg, "dl": dl}
            d_g = _caller(r.global_d, holder, "dg") if adversarial_nets else None
            d_l = _caller(r.local_d, holder, "dl") if adversarial_nets else None
            loss, logs = generator_objective(out, batch, d_g, d_l, r.cfg, adversarial)
            return loss, (logs, g_ntv, holder["dg"][1] if adversarial_nets else None, holder["dl"][1] if adversarial_nets else None)

        def g_step(state, batch, adversarial):
            (g_tv, g_ntv), dg, dl, g_opt, d_opt = state
            (_, (logs, g_ntv, dg_ntv, dl_ntv)), grads = jax.value_and_grad(g_loss, has_aux=True)(
                g_tv, g_ntv, dg, dl, batch, adversarial
            )
            g_tv, g_opt = r.g_opt.stateless_apply(g_opt, grads, g_tv)
            if adversarial_nets:
                dg, dl = (dg[0], dg_ntv), (dl[0], dl_ntv)
            return ((g_tv, g_ntv), dg, dl, g_opt, d_opt), logs

        def d_loss(d_tv, dg_ntv, dl_ntv, composite, batch):
            n = len(r.global_d.trainable_variables)
            holder = {"dg": (d_tv[:n], dg_ntv), "dl": (d_tv[n:], dl_ntv)}
            loss, logs = discriminator_objective(composite, batch, _caller(r.global_d, holder, "dg"), _caller(r.local_d, holder, "dl"), r.cfg)
            return loss, (logs, holder["dg"][1], holder["dl"][1])

        def d_step(state, batch):
            (g_tv, g_ntv), dg, dl, g_opt, d_opt = state
            out, _ = r.generator.stateless_call(g_tv, g_ntv, {"image": batch["image"], "mask": batch["mask"]}, training=False)
            d_tv = dg[0] + dl[0]
            (_, (logs, dg_ntv, dl_ntv)), grads = jax.value_and_grad(d_loss, has_aux=True)(d_tv, dg[1], dl[1], out["composite"], batch)
            d_tv, d_opt = r.d_opt.stateless_apply(d_opt, grads, d_tv)
            n = len(dg[0])
            return ((g_tv, g_ntv), (d_tv[:n], dg_ntv), (d_tv[n:], dl_ntv), g_opt, d_opt), logs

        self._g = jax.jit(g_step, static_argnums=(2,))
        self._d = jax.jit(d_step) if adversarial_nets else None

    def reload(self):
        """Take the state from the Keras variables (after construction or a checkpoint load)."""
        r = self.run
        empty = ([], [])
        self.state = (
            _net_state(r.generator),
            _net_state(r.global_d) if r.global_d is not None else empty,
            _net_state(r.local_d) if r.local_d is not None else empty,
            [v.value for v in r.g_opt.variables],
            [v.value for v in r.d_opt.variables] if r.d_opt is not None else [],
        )

    def generator_step(self, batch, adversarial):
        self.state, logs = self._g(self.state, _shard(batch), bool(adversarial))
        return logs

    def discriminator_step(self, batch):
        self.state, logs = self._d(self.state, _shard(batch))
        return logs

    def sync(self):
        """Write the carried state back into the Keras variables."""
        r = self.run
        (g_tv, g_ntv), (dg_tv, dg_ntv), (dl_tv, dl_ntv), g_opt, d_opt = self.state
        pairs = [(r.generator.trainable_variables, g_tv), (r.generator.non_trainable_variables, g_ntv),
                 (r.g_opt.variables, g_opt)]
        if r.global_d is not None:
            pairs += [(r.global_d.trainable_variables, dg_tv), (r.global_d.non_trainable_variables, dg_ntv),
                      (r.local_d.trainable_variables, dl_tv), (r.local_d.non_trainable_variables, dl_ntv),
                      (r.d_opt.variables, d_opt)]
        for variables, values in pairs:
            for v, value in zip(variables, values):
                v.assign(value)


def _shard(batch):
    """Under a `keras.distribution` (e.g. `DataParallel`, `python -m zoo train --distribution
    data-parallel`), each batch array is split along its first axis over the devices, where the
    variables (created under it) are replicated: the jitted steps then run data-parallel (XLA
    all-reduces the gradients). Without one, the batch as is."""
    import keras

    dist = keras.distribution.distribution()
    if dist is None:
        return batch
    return {k: keras.distribution.distribute_tensor(v, dist.get_data_layout(tuple(v.shape))) for k, v in batch.items()}

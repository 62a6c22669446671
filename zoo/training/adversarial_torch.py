"""GAN-IA gradient steps on PyTorch: autograd (`zero_grad` / `backward`) and the Keras
optimiser's `apply`."""

import keras
import torch

from zoo.losses import discriminator_objective, generator_objective
from zoo.training.steps import AdversarialSteps


def _zero_grad(variables):
    for v in variables:
        v.value.grad = None


def _grads(variables):
    return [v.value.grad if v.value.grad is not None else torch.zeros_like(v.value) for v in variables]


class Steps(AdversarialSteps):
    def _batch(self, batch):
        # on the backend's device (a GPU where there is one): `torch.as_tensor` would leave it on the CPU
        return {k: keras.ops.convert_to_tensor(v) for k, v in batch.items()}

    def generator_step(self, batch, adversarial):
        r = self.run
        b = self._batch(batch)
        g_vars = r.generator.trainable_variables
        _zero_grad(g_vars)
        out = r.generator({"image": b["image"], "mask": b["mask"]}, training=True)
        d_g = (lambda x: r.global_d(x, training=True)) if r.global_d is not None else None
        d_l = (lambda x: r.local_d(x, training=True)) if r.local_d is not None else None
        loss, logs = generator_objective(out, b, d_g, d_l, r.cfg, adversarial)
        loss.backward()
        with torch.no_grad():
            r.g_opt.apply(_grads(g_vars), g_vars)
        if r.global_d is not None:  # the discriminators' grads from this step are not used
            _zero_grad(r.global_d.trainable_variables + r.local_d.trainable_variables)
        return {k: v.detach() for k, v in logs.items()}

    def discriminator_step(self, batch):
        r = self.run
        b = self._batch(batch)
        d_vars = r.global_d.trainable_variables + r.local_d.trainable_variables
        with torch.no_grad():
            out = r.generator({"image": b["image"], "mask": b["mask"]}, training=False)
        _zero_grad(d_vars)
        loss, logs = discriminator_objective(
            out["composite"], b, lambda x: r.global_d(x, training=True), lambda x: r.local_d(x, training=True), r.cfg
        )
        loss.backward()
        with torch.no_grad():
            r.d_opt.apply(_grads(d_vars), d_vars)
        return {k: v.detach() for k, v in logs.items()}

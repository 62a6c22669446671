"""GAN-IA gradient steps on TensorFlow: `tf.GradientTape` inside `tf.function`."""

import tensorflow as tf

from zoo.losses import discriminator_objective, generator_objective
from zoo.training.steps import AdversarialSteps


class Steps(AdversarialSteps):
    def __init__(self, run):
        super().__init__(run)
        r = run
        g_vars = r.generator.trainable_variables

        def g_step(batch, adversarial):
            with tf.GradientTape() as tape:
                out = r.generator({"image": batch["image"], "mask": batch["mask"]}, training=True)
                d_g = (lambda x: r.global_d(x, training=True)) if r.global_d is not None else None
                d_l = (lambda x: r.local_d(x, training=True)) if r.local_d is not None else None
                loss, logs = generator_objective(out, batch, d_g, d_l, r.cfg, adversarial)
            r.g_opt.apply(tape.gradient(loss, g_vars), g_vars)
            return logs

        self._g = {adv: tf.function(lambda b, adv=adv: g_step(b, adv)) for adv in (False, True)}
        if r.global_d is not None:
            d_vars = r.global_d.trainable_variables + r.local_d.trainable_variables

            def d_step(batch):
                out = r.generator({"image": batch["image"], "mask": batch["mask"]}, training=False)
                with tf.GradientTape() as tape:
                    loss, logs = discriminator_objective(
                        out["composite"], batch, lambda x: r.global_d(x, training=True), lambda x: r.local_d(x, training=True), r.cfg
                    )
                r.d_opt.apply(tape.gradient(loss, d_vars), d_vars)
                return logs

            self._d = tf.function(d_step)

    def generator_step(self, batch, adversarial):
        return self._g[bool(adversarial)](batch)

    def discriminator_step(self, batch):
        return self._d(batch)

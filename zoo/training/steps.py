"""The interface of one backend's GAN-IA gradient steps.

Keras 3 has no backend-neutral way to take gradients of two networks with two optimisers, so
each backend has one small file (`adversarial_tensorflow.py`, `adversarial_jax.py`,
`adversarial_torch.py`) with a `Steps` class implementing this interface; the losses are
written once in `zoo.losses` (`generator_objective`, `discriminator_objective`) and the
schedule, checkpoints and logging once in `zoo.training.adversarial.AdversarialRun`.
"""

import abc


class AdversarialSteps(abc.ABC):
    """One backend's gradient steps over the networks and optimisers of an `AdversarialRun`.

    Args:
        run: the `AdversarialRun`: `generator`, `global_d` / `local_d` (None for a
            reconstruction-only run), `g_opt` / `d_opt`, and `cfg` (the schedule).

    A step takes one batch (`image`, `mask`, `real_offsets`, `fake_offsets`, numpy) and returns
    its logs (scalars). A backend that carries the state outside the Keras variables (JAX)
    writes it back in `sync()` (before a checkpoint is saved) and reads it again in
    `reload()` (after a checkpoint is loaded).
    """

    def __init__(self, run):
        self.run = run

    @abc.abstractmethod
    def generator_step(self, batch, adversarial):
        """One generator update: reconstruction only, or with the adversarial terms."""

    @abc.abstractmethod
    def discriminator_step(self, batch):
        """One update of both discriminators (the generator frozen)."""

    def sync(self):
        """Write any carried state back into the Keras variables (no-op where updates are in place)."""

    def reload(self):
        """Re-read the state from the Keras variables (no-op where updates are in place)."""

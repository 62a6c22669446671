"""GAN-IA training: the losses and the three-phase schedule, shared by every backend; the
gradient step lives in one small file per backend, picked at import from
`keras.backend.backend()` (`adversarial_tensorflow.py`, `adversarial_jax.py`,
`adversarial_torch.py`).

Phases (the seed's schedule): `generator` (T_G steps, MSE only) -> `discriminator` (T_D steps,
generator frozen, discriminators from scratch) -> `joint` (both, `L = Lr + l1 L_local +
l2 L_global`). Checkpoints of both networks and both optimisers are written atomically every
`checkpoint_every` steps and at each phase change; `resume` continues at the same phase and
step; a non-finite loss stops the run before anything is written.
"""

import importlib
import json
import math
import os
import time

import keras

from zoo.runs import D_OPTIMIZER, G_OPTIMIZER, GENERATOR_WEIGHTS, GLOBAL_D_WEIGHTS, LOCAL_D_WEIGHTS, STATE, load_weights_strict
from zoo.training.checkpoint import NonFiniteLossError, commit_checkpoint, load_optimizer, save_optimizer, verified_checkpoint


def phase_at(step, t_g, t_d):
    if step < t_g:
        return "generator"
    if step < t_g + t_d:
        return "discriminator"
    return "joint"


def backend_steps():
    """The per-backend step class (a `zoo.training.steps.AdversarialSteps`) for the active Keras backend."""
    name = {"tensorflow": "adversarial_tensorflow", "jax": "adversarial_jax", "torch": "adversarial_torch"}[keras.backend.backend()]
    return importlib.import_module(f"zoo.training.{name}").Steps


def generator_learning_rate(cfg, adversarial=True):
    """The generator's learning rate: the constant `g_lr`, or with `g_lr_decay: "cosine"` a
    `keras.optimizers.schedules.CosineDecay` over the generator's updates (counted by the
    optimiser, so a resumed run picks the schedule up where it stopped)."""
    lr = float(cfg.get("g_lr", 2e-4))
    decay = cfg.get("g_lr_decay")
    if decay in (None, "none", "constant"):
        return lr
    if decay != "cosine":
        raise ValueError(f"`g_lr_decay` must be 'cosine' or None. Received: g_lr_decay={decay!r}")
    updates = cfg["t_g"] + (cfg.get("t_joint", 0) if adversarial else 0)
    return keras.optimizers.schedules.CosineDecay(lr, decay_steps=max(1, updates), alpha=float(cfg.get("g_lr_floor", 0.05)))


class AdversarialRun:
    """Owns the networks, optimisers, schedule and checkpoints of one GAN-IA training run.

    Args:
        generator: the restorer (`GANIAGenerator` or `DecorruptAutoencoder`).
        global_d, local_d: discriminators, or None for a reconstruction-only run (the autoencoder).
        cfg: dict with `t_g`, `t_d`, `t_joint` (steps), `patch`, `lambda1`, `lambda2`,
            `adversarial`, `outside_weight`, `g_lr`, `d_lr`, `checkpoint_every`, and optionally
            `g_lr_decay: "cosine"` (the generator's rate follows a cosine from `g_lr` to
            `g_lr_floor` x `g_lr`, default 0.05, over its `t_g + t_joint` updates; the
            discriminators' stays constant).
        out_dir: checkpoint folder.
    """

    def __init__(self, generator, global_d, local_d, cfg, out_dir):
        self.generator, self.global_d, self.local_d = generator, global_d, local_d
        self.cfg = dict(cfg)
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)
        self.g_opt = keras.optimizers.Adam(generator_learning_rate(self.cfg, global_d is not None), beta_1=0.5)
        self.d_opt = keras.optimizers.Adam(cfg.get("d_lr", 2e-4), beta_1=0.5) if global_d is not None else None
        self.g_opt.build(generator.trainable_variables)
        if self.d_opt is not None:
            self.d_opt.build(global_d.trainable_variables + local_d.trainable_variables)
        self.steps = backend_steps()(self)
        self.state = {"step": 0, "phase": "generator", "history": []}

    @property
    def total_steps(self):
        c = self.cfg
        return c["t_g"] + (c.get("t_d", 0) + c.get("t_joint", 0) if self.global_d is not None else 0)

    # --- checkpoints -----------------------------------------------------------------
    def _nets(self):
        nets = {GENERATOR_WEIGHTS: self.generator}
        if self.global_d is not None:
            nets.update({GLOBAL_D_WEIGHTS: self.global_d, LOCAL_D_WEIGHTS: self.local_d})
        return nets

    def _writers(self):
        writers = {name: net.save_weights for name, net in self._nets().items()}
        writers[G_OPTIMIZER] = lambda path: save_optimizer(self.g_opt, path, atomic=False)
        if self.d_opt is not None:
            writers[D_OPTIMIZER] = lambda path: save_optimizer(self.d_opt, path, atomic=False)
        return writers

    def save(self):
        """Write both networks, both optimisers and the progress as one checkpoint
        (`zoo.training.checkpoint.commit_checkpoint`)."""
        self.steps.sync()
        self.state = commit_checkpoint(self.out_dir, self._writers(), self.state)

    def restore(self):
        """Load the last complete checkpoint of `out_dir`; returns False when there is none."""
        path = os.path.join(self.out_dir, STATE)
        if not os.path.isfile(path):
            return False
        with open(path) as f:
            self.state = json.load(f)
        files = verified_checkpoint(self.out_dir, self.state, legacy=tuple(self._writers()), log=lambda m: print(m, flush=True))
        for name, net in self._nets().items():
            load_weights_strict(net, files[name])
        load_optimizer(self.g_opt, files[G_OPTIMIZER], self.generator.trainable_variables)
        if self.d_opt is not None:
            load_optimizer(self.d_opt, files[D_OPTIMIZER], self.global_d.trainable_variables + self.local_d.trainable_variables)
        self.steps.reload()
        return True

    # --- training --------------------------------------------------------------------
    def run(self, dataset, resume=False, log_every=10, max_steps=None):
        """Train until the schedule ends (or `max_steps` more steps). Returns the state."""
        if resume:
            self.restore()
        c = self.cfg
        every = c.get("checkpoint_every", 100)
        log_every = int(c.get("log_every", log_every))
        n = len(dataset)
        done = 0
        t0 = time.time()
        while self.state["step"] < self.total_steps and (max_steps is None or done < max_steps):
            step = self.state["step"]
            phase = phase_at(step, c["t_g"], c.get("t_d", 0)) if self.global_d is not None else "generator"
            if phase != self.state["phase"]:
                self.save()  # checkpoint at each phase change
                self.state["phase"] = phase
            dataset.epoch = step // n  # the data is a function of (seed, epoch, index): the step fixes it, resumed or not
            batch = dataset[step % n]
            if phase == "generator":
                logs = self.steps.generator_step(batch, adversarial=False)
            elif phase == "discriminator":
                logs = self.steps.discriminator_step(batch)
            else:
                logs = {**self.steps.discriminator_step(batch), **self.steps.generator_step(batch, adversarial=True)}
            logs = {k: float(v) for k, v in logs.items()}
            bad = {k: v for k, v in logs.items() if not math.isfinite(v)}
            if bad:
                raise NonFiniteLossError(
                    f"non-finite loss at step {step} ({phase} phase): {bad}; nothing was written, the last good "
                    f"checkpoint in {self.out_dir} is intact (resume with --resume and a lower learning rate)"
                )
            self.state["step"] = step + 1
            done += 1
            if step % log_every == 0:
                self.state["history"].append({"step": step, "phase": phase, **logs, "seconds": round(time.time() - t0, 3)})
                print(f"step {step} [{phase}] " + " ".join(f"{k} {v:.4f}" for k, v in logs.items()), flush=True)
            if self.state["step"] % every == 0:
                self.save()
        self.state["seconds"] = self.state.get("seconds", 0.0) + time.time() - t0
        self.save()
        return self.state


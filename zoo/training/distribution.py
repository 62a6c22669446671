"""Data-parallel training on the engine each backend has (issue 23): `python -m zoo train RECIPE
--distribution data-parallel [--devices N]`.

- **JAX**: `keras.distribution.DataParallel` over the first N of `keras.distribution.list_devices()`
  (GPUs, else CPU devices; `XLA_FLAGS=--xla_force_host_platform_device_count=N` makes N of those
  on a CPU). Variables are replicated, each batch is split along its first axis, gradients are
  all-reduced by XLA. Works for every trainer whose step Keras owns (regressors, occluder
  segmenters) and for the GAN trainer's own JAX step (its batches are sharded the same way).
- **TensorFlow**: `tf.distribute.MirroredStrategy` over the first N GPUs (else the CPU's logical
  devices), the strategy Keras 3's TensorFlow trainer distributes `fit` with. Supervised trainers
  only (the GAN trainer's TensorFlow step is not written for a strategy: refused).
- **PyTorch**: refused with the reason: Keras 3 has no single-process data parallelism for torch;
  torch's own path is one process per device (`torch.distributed` / DDP with `torchrun`), which
  this project's trainers do not launch.

The global batch (the recipe's `batch_size`) is split across devices, so it must divide by N;
the learning rate is the recipe's, unchanged (the same global batch gives the same updates).
"""

import contextlib

import keras

MODES = ("none", "data-parallel")


def available_devices():
    """What the current backend could spread a batch over: `["gpu:0", ...]` or CPU devices
    (JAX: Keras's own list; TensorFlow: the logical devices a `MirroredStrategy` takes)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # the strategy's device names; Keras has no portable list for them

        gpus = tf.config.list_logical_devices("GPU")
        return [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    return list(keras.distribution.list_devices())


def check_batch(batch_size, n_devices):
    if int(batch_size) % int(n_devices):
        raise ValueError(f"data-parallel training splits each batch over {n_devices} devices: the recipe's batch_size "
                         f"{batch_size} does not divide by {n_devices}")


@contextlib.contextmanager
def data_parallel(devices=None, batch_size=None, trainer="supervised"):
    """Run what is inside (model building, compile, fit) data-parallel over `devices` (a count,
    or None for all the backend sees). Yields `{"backend", "engine", "devices"}` for the run's record."""
    backend = keras.backend.backend()
    if backend == "torch":
        raise ValueError("--distribution data-parallel: Keras 3 has no single-process data parallelism on the torch backend "
                         "(torch's own path is DDP, one process per device); use KERAS_BACKEND=jax or tensorflow")
    if backend == "tensorflow" and trainer != "supervised":
        raise ValueError("--distribution data-parallel on TensorFlow covers the regressor and occluder trainers; "
                         "the restorer (GAN) trainer distributes on JAX (KERAS_BACKEND=jax)")
    found = available_devices()
    n = len(found) if devices is None else int(devices)
    if n < 1 or n > len(found):
        raise ValueError(f"--devices {devices}: the {backend} backend sees {len(found)} device(s) ({', '.join(found)})")
    chosen = found[:n]
    if batch_size is not None:
        check_batch(batch_size, n)
    if backend == "jax":
        previous = keras.distribution.distribution()
        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=chosen))
        try:
            yield {"backend": backend, "engine": "keras.distribution.DataParallel", "devices": chosen}
        finally:
            keras.distribution.set_distribution(previous)
    else:
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy(devices=chosen)
        with strategy.scope():
            yield {"backend": backend, "engine": "tf.distribute.MirroredStrategy", "devices": chosen}

"""Batch bounds that a data-parallel run can split: under a distribution over N devices every
batch must divide by N, so the last, partial batch is trimmed to a multiple of N (at most N - 1
items of an epoch are left out, a different few each epoch where the order is shuffled)."""

import numpy as np


def replicas_in_sync():
    """How many devices each batch is split over under the active distribution: a
    `keras.distribution.DataParallel` (JAX) or a `tf.distribute` strategy's scope (TensorFlow);
    1 without one."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        dist = keras.distribution.distribution()
        if dist is None or not hasattr(dist, "device_mesh"):
            return 1
        return int(np.prod(dist.device_mesh.shape))
    if backend == "tensorflow":
        import tensorflow as tf

        return int(tf.distribute.get_strategy().num_replicas_in_sync)
    return 1


def batch_count(n_items, batch_size, multiple=1):
    """Batches of an epoch of `n_items`: full ones, and the last partial one if it keeps at
    least `multiple` items once trimmed to a multiple of `multiple`."""
    full, rest = divmod(int(n_items), int(batch_size))
    return full + (1 if rest - rest % int(multiple) > 0 else 0)


def batch_slice(index, n_items, batch_size, multiple=1):
    """`(start, stop)` of batch `index` (trimmed to a multiple of `multiple`)."""
    start = index * int(batch_size)
    stop = min(start + int(batch_size), int(n_items))
    stop -= (stop - start) % int(multiple)
    return start, stop

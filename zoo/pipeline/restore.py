"""Restoring occluded regions of a face with a trained restorer (GAN-IA or the autoencoder),
with optional Poisson blending (`zoo.data.blend.poisson_blend`), as the seed post-processes."""

from zoo.data.blend import poisson_blend  # noqa: F401  (re-exported)
from zoo.metrics.image import inpainting_metrics  # noqa: F401  (re-exported)


def restore_images(model, images, masks, blend=True, batch_size=8, boxes=None):
    """Restore the masked pixels of each image with a restorer model (or `Restorer` task):
    `zoo.tasks.Restorer(model).restore(...)`, kept as the functional entry point."""
    from zoo.tasks import Restorer

    task = model if isinstance(model, Restorer) else Restorer(model)
    return task.restore(images, masks, blend=blend, batch_size=batch_size, boxes=boxes)


def resolve_restorer(name):
    """A restorer model from a preset name, a `.keras` file, or a training run folder:
    `zoo.load(name, task="restorer").model`."""
    from zoo.tasks import load

    return load(name, task="restorer", trained=True).model

"""occlusion-zoo: occlusion-robust facial landmarks (GAN-IA + deep regression networks) as a
Keras 3 model zoo that runs on TensorFlow, JAX and PyTorch."""

__version__ = "0.1.0"

import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out of the CLI

from zoo import data, layers, losses, metrics, models  # noqa: E402  (registers the components)
from zoo.presets import list_presets, load_preset  # noqa: E402
from zoo.registry import create_model, list_models  # noqa: E402
from zoo.tasks import load  # noqa: E402

__all__ = ["create_model", "data", "layers", "list_models", "list_presets", "load", "load_preset", "losses", "metrics", "models", "__version__"]

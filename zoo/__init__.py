"""occlusion-zoo: occlusion-robust facial landmarks (GAN-IA + deep regression networks) as a
Keras 3 model zoo that runs on TensorFlow, JAX and PyTorch.

Importing `zoo` is cheap: the submodules (and Keras, and the backend under it) are imported on
first use (`zoo.load`, `zoo.data`, ...), and the registry imports the components the first time
it is asked for one. So `python -m zoo --help` and `python -m zoo list` start without a backend.
Loading a `.keras` file with `keras.saving.load_model` needs the zoo's classes registered with
Keras: `zoo.load(path)` does it, or `import zoo.models` first.
"""

__version__ = "0.1.0"

import importlib as _importlib
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out of the CLI

_SUBMODULES = ("data", "layers", "losses", "metrics", "models", "pipeline", "presets", "registry", "tasks", "training")
_FUNCTIONS = {"create_model": "zoo.registry", "list_models": "zoo.registry", "list_presets": "zoo.presets",
              "load_preset": "zoo.presets", "load": "zoo.tasks"}


def __getattr__(name):
    if name in _FUNCTIONS:
        return getattr(_importlib.import_module(_FUNCTIONS[name]), name)
    if name in _SUBMODULES:
        return _importlib.import_module(f"zoo.{name}")
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + list(_FUNCTIONS))


__all__ = ["create_model", "data", "layers", "list_models", "list_presets", "load", "load_preset", "losses", "metrics", "models", "__version__"]

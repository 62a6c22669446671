"""A small timm-style registry of the zoo's components.

Every public component registers itself once, under a kind (``layer``, ``model``,
``regressor``, ``loss``, ``metric``, ``preset``) and a unique name, with a one-line description.
Models are built by name with :func:`create_model`, listed with :func:`list_models`. The
registry's first lookup imports the component modules (`COMPONENT_MODULES`), which register themselves. Recipes are not
registered: they are files (`zoo.training.recipes`), read only by `train` and `list --kind recipe`.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from typing import Any, Callable

KINDS = ("layer", "model", "regressor", "loss", "metric", "preset")
MODEL_KINDS = ("model", "regressor")


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    description: str
    factory: Callable[..., Any] | None = None
    defaults: dict = field(default_factory=dict)


_REGISTRY: dict[tuple[str, str], Entry] = {}
# the modules whose import registers the components; imported on the registry's first lookup
COMPONENT_MODULES = ("zoo.layers", "zoo.models", "zoo.losses", "zoo.metrics", "zoo.presets")
_loaded = False


def import_components():
    """Import the component modules once (they register themselves), so a lookup finds every
    component whether or not the caller imported them."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for name in COMPONENT_MODULES:
        importlib.import_module(name)


def register(kind, name, description, factory=None, **defaults):
    """Register `factory` (a class or function) under `kind`/`name`.

    `defaults` are keyword arguments applied before the caller's overrides, so one class can
    back several named variants (``gania_generator_no_attention`` = ``GANIAGenerator`` with
    ``attention_at=()``).
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown registry kind. Expected one of {KINDS}. Received: kind={kind!r}")
    if not description or "\n" in description:
        raise ValueError(f"A registry description is one non-empty line. Received: {description!r}")
    key = (kind, name)
    if key in _REGISTRY and _REGISTRY[key].factory is not factory:
        raise ValueError(f"{kind} {name!r} is already registered")
    _REGISTRY[key] = Entry(kind, name, description, factory, dict(defaults))
    return factory


def entries(kind=None, pattern="*"):
    """All entries of `kind` (all kinds when None) whose name matches the glob `pattern`."""
    import_components()
    out = [
        e
        for (k, n), e in _REGISTRY.items()
        if (kind is None or k == kind) and fnmatch.fnmatch(n, pattern)
    ]
    return sorted(out, key=lambda e: (KINDS.index(e.kind), e.name))


def list_models(pattern="*"):
    """Names of registered models (regressors, restorers, discriminators) matching `pattern`."""
    return [e.name for kind in MODEL_KINDS for e in entries(kind, pattern)]


def create_model(name, **overrides):
    """Build the registered model `name`, with keyword `overrides` of its default config.

    Example:
    >>> g = create_model("gania_generator", image_size=128)
    """
    import_components()
    entry = _REGISTRY.get(("model", name)) or _REGISTRY.get(("regressor", name))
    if entry is None:
        raise KeyError(
            f"No model named {name!r}. Registered models: {', '.join(list_models()) or 'none'}"
        )
    kwargs = {**entry.defaults, **overrides}
    return entry.factory(**kwargs)


# --- the manifest: what `python -m zoo list` reads without importing Keras ----------------------
MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets", "components.json")


def manifest_rows():
    """`[kind, name, description]` of every registered component except presets (their records are
    files already), from the live registry: what `MANIFEST` must hold."""
    return [[e.kind, e.name, e.description] for e in entries() if e.kind != "preset"]


def read_manifest():
    """The rows of `MANIFEST` (written by `python -m zoo.registry --write-manifest`)."""
    import json

    with open(MANIFEST) as f:
        return json.load(f)["components"]


if __name__ == "__main__":
    import json
    import sys

    import zoo.registry as registry  # the package's module (this file runs as __main__, a second copy with its own table)

    if sys.argv[1:] != ["--write-manifest"]:
        sys.exit("usage: python -m zoo.registry --write-manifest")
    rows = registry.manifest_rows()
    with open(MANIFEST, "w") as f:
        json.dump({"note": "the registry's components for `python -m zoo list` (regenerate: python -m zoo.registry --write-manifest)",
                   "components": rows}, f, indent=0)
        f.write("\n")
    print(f"wrote {MANIFEST}: {len(rows)} components")

"""A small timm-style registry of the zoo's components.

Every public component registers itself once, under a kind (``layer``, ``model``,
``head``, ``loss``, ``recipe``, ``preset``) and a unique name, with a one-line description.
Models are built by name with :func:`create_model`, listed with :func:`list_models`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Callable

KINDS = ("layer", "model", "head", "loss", "metric", "recipe", "preset")


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    description: str
    factory: Callable[..., Any] | None = None
    defaults: dict = field(default_factory=dict)


_REGISTRY: dict[tuple[str, str], Entry] = {}


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
    _import_components()
    out = [
        e
        for (k, n), e in _REGISTRY.items()
        if (kind is None or k == kind) and fnmatch.fnmatch(n, pattern)
    ]
    return sorted(out, key=lambda e: (KINDS.index(e.kind), e.name))


def get(kind, name):
    _import_components()
    try:
        return _REGISTRY[(kind, name)]
    except KeyError:
        known = ", ".join(e.name for e in entries(kind)) or "none"
        raise KeyError(f"No {kind} named {name!r}. Registered {kind}s: {known}") from None


def list_models(pattern="*"):
    """Names of registered models (regressors, restorers, discriminators) matching `pattern`."""
    return [e.name for e in entries("model", pattern)] + [e.name for e in entries("head", pattern)]


def create_model(name, **overrides):
    """Build the registered model `name`, with keyword `overrides` of its default config.

    Example:
    >>> g = create_model("gania_generator", image_size=128)
    """
    _import_components()
    entry = _REGISTRY.get(("model", name)) or _REGISTRY.get(("head", name))
    if entry is None:
        raise KeyError(
            f"No model named {name!r}. Registered models: {', '.join(list_models()) or 'none'}"
        )
    kwargs = {**entry.defaults, **overrides}
    return entry.factory(**kwargs)


_IMPORTED = False


def _import_components():
    """Import the packages whose modules register themselves (once)."""
    global _IMPORTED
    if _IMPORTED:
        return
    _IMPORTED = True
    import importlib

    for mod in ("zoo.layers", "zoo.models", "zoo.losses", "zoo.metrics", "zoo.presets"):
        importlib.import_module(mod)
    from zoo.training.recipe_files import load_recipes

    load_recipes()  # the recipes folder registers its recipes (none in a wheel install)

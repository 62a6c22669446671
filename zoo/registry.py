"""A small timm-style registry of the zoo's components.

Every public component registers itself once, under a kind (``layer``, ``model``,
``regressor``, ``loss``, ``metric``, ``preset``) and a unique name, with a one-line description.
Models are built by name with :func:`create_model`, listed with :func:`list_models`. The
registry imports nothing of the zoo: importing `zoo` registers its components. Recipes are not
registered: they are files (`zoo.training.recipes`), read only by `train` and `list --kind recipe`.
"""

from __future__ import annotations

import fnmatch
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
    entry = _REGISTRY.get(("model", name)) or _REGISTRY.get(("regressor", name))
    if entry is None:
        raise KeyError(
            f"No model named {name!r}. Registered models: {', '.join(list_models()) or 'none'}"
        )
    kwargs = {**entry.defaults, **overrides}
    return entry.factory(**kwargs)

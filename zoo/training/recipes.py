"""Recipes: training configuration as files, read (never imported or executed) by `train`.

A recipe is one TOML file, named after the recipe (`pfld_0.25x_300w.toml` holds the recipe
`pfld_0.25x_300w`): the task, the model (`model` + `model_kwargs`), data, augmentation, loss,
optimiser and schedule. A variant names its base and states only what it changes:

    base = "pfld_1x_300w"            # a recipe in the same folder (or a path, relative to this file)
    description = "PFLD 0.25x: the 1x recipe at width 0.25"
    model = "pfld_0.25x"
    [optimizer]
    learning_rate = 5e-4             # tables merge key by key; everything else replaces

`python -m zoo train NAME_OR_PATH`: a name is looked up in the recipes folder (`$ZOO_RECIPES`,
else `recipes/` of a checkout); a path (`my_recipes/pfld_small.toml`) is read as it is, so a
user can copy a recipe, change it and train it with the installed package.
"""

import copy
import fnmatch
import os

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ENV_VAR = "ZOO_RECIPES"
SUFFIX = ".toml"
MAX_DEPTH = 4  # base chains longer than this are refused (one level is the norm)
_CHECKOUT_RECIPES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "recipes")


def recipes_dir():
    """The recipes folder: `$ZOO_RECIPES`, else `recipes/` beside the `zoo/` package (a checkout;
    a wheel install has none: pass recipe paths, or set the variable)."""
    return os.path.abspath(os.environ.get(ENV_VAR) or _CHECKOUT_RECIPES)


def list_recipes(pattern="*", folder=None):
    """`{name: path}` of the recipe files in the recipes folder whose name matches `pattern`."""
    folder = folder or recipes_dir()
    if not os.path.isdir(folder):
        return {}
    names = sorted(f[: -len(SUFFIX)] for f in os.listdir(folder) if f.endswith(SUFFIX))
    return {n: os.path.join(folder, n + SUFFIX) for n in names if fnmatch.fnmatch(n, pattern)}


def recipe_path(name_or_path, folder=None):
    """The file of a recipe given by name (in the recipes folder) or by path."""
    s = os.fspath(name_or_path)
    if s.endswith(SUFFIX) or os.sep in s or (os.altsep and os.altsep in s):
        if not os.path.isfile(s):
            raise FileNotFoundError(f"{s}: recipe file not found")
        return os.path.abspath(s)
    known = list_recipes(folder=folder)
    if s not in known:
        where = folder or recipes_dir()
        hint = f"in {where}" if known else f"(no recipes folder at {where}: pass a recipe file's path, or set {ENV_VAR})"
        raise KeyError(f"No recipe named {s!r} {hint}. Recipes: {', '.join(known) or 'none'}")
    return known[s]


def merge(base, override):
    """`override` over `base`: tables merge key by key, any other value replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}: not a valid TOML recipe ({e})") from None


def load_recipe(name_or_path, folder=None, _chain=()):
    """The config dict of a recipe (name or path), its `base` merged in. The result carries
    `name` (the file's name) and `recipe_file`; a base is looked up beside the file first."""
    path = recipe_path(name_or_path, folder)
    if path in _chain:
        raise ValueError(f"{path}: recipe bases form a loop ({' -> '.join(_chain + (path,))})")
    if len(_chain) >= MAX_DEPTH:
        raise ValueError(f"{path}: recipe bases nest deeper than {MAX_DEPTH}")
    raw = _read(path)
    name = os.path.basename(path)[: -len(SUFFIX)]
    if "name" in raw and raw["name"] != name:
        raise ValueError(f"{path}: a recipe is named by its file; remove `name = {raw['name']!r}` or rename the file")
    base = raw.pop("base", None)
    if base is not None:
        if not isinstance(base, str):
            raise ValueError(f"{path}: `base` must be a recipe name or path. Received: {base!r}")
        here = os.path.dirname(path)
        beside = os.path.join(here, base if base.endswith(SUFFIX) else base + SUFFIX)
        parent = load_recipe(beside if os.path.isfile(beside) else base, folder, _chain + (path,))
        parent.pop("recipe_file", None)
        raw = merge({k: v for k, v in parent.items() if k not in ("name", "description", "base_recipe")}, raw)
        raw["base_recipe"] = parent["name"]
    raw["name"] = name
    raw["recipe_file"] = path
    for key in ("task", "model"):
        if key not in raw:
            raise ValueError(f"{path}: a recipe states its `{key}` (itself or through its base)")
    return raw


def recipe_description(name_or_path, folder=None):
    return load_recipe(name_or_path, folder).get("description", "")

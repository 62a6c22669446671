"""Recipes are configuration the package *reads*: the `recipes/` folder of a checkout (or
`$ZOO_RECIPES`), one Python file a recipe with `NAME`, `DESCRIPTION` and `get_config()`. The
package never depends on it: without the folder there are simply no recipes to train."""

import importlib
import os
import sys

ENV_VAR = "ZOO_RECIPES"
_DEFAULT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "recipes")


def recipes_dir():
    """The recipes folder: `$ZOO_RECIPES`, else `recipes/` beside the `zoo/` package (a checkout)."""
    return os.path.abspath(os.environ.get(ENV_VAR) or _DEFAULT)


def load_recipes():
    """`{name: module}` of every recipe in the recipes folder (empty when there is none)."""
    folder = recipes_dir()
    if not os.path.isfile(os.path.join(folder, "__init__.py")):
        return {}
    parent, package = os.path.split(folder)
    if parent not in sys.path:
        sys.path.insert(0, parent)
    return dict(importlib.import_module(package).RECIPES)


def get_recipe_config(name):
    """The config dict of recipe `name`; a KeyError lists the recipes (or says where none were found)."""
    recipes = load_recipes()
    if name not in recipes:
        where = f"in {recipes_dir()}" if recipes else f"(no recipes folder at {recipes_dir()}: set {ENV_VAR})"
        raise KeyError(f"No recipe named {name!r} {where}. Recipes: {', '.join(sorted(recipes)) or 'none'}")
    return recipes[name].get_config()

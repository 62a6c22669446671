"""`python -m zoo list [--kind KIND] [PATTERN]`: every registered component and every recipe, one
line each. Reads the registry's manifest, the preset records and the recipe files: no Keras import,
so it answers in a fraction of a second."""

import fnmatch
import glob
import json
import os

from zoo import registry

KINDS = registry.KINDS + ("recipe",)


def _rows(kind, pattern):
    """`(kind, name, description)` of the components (the manifest) and presets (their records)."""
    rows = [tuple(r) for r in registry.read_manifest() if (kind is None or r[0] == kind) and fnmatch.fnmatch(r[1], pattern)]
    if kind in (None, "preset"):
        presets_dir = os.path.join(os.path.dirname(os.path.abspath(registry.__file__)), "presets")  # zoo/presets, unimported
        for path in sorted(glob.glob(os.path.join(presets_dir, "*.json"))):
            with open(path) as f:
                rec = json.load(f)
            if fnmatch.fnmatch(rec["name"], pattern):
                rows.append(("preset", rec["name"], rec.get("description", f"{rec['model']} trained weights")))
    return rows


def add_parser(sub):
    p = sub.add_parser("list", help="list registered layers, models, regressors, losses, metrics, presets and the recipes")
    p.add_argument("pattern", nargs="?", default="*", help="glob on the name (default: all)")
    p.add_argument("--kind", choices=KINDS, help="only this kind (default: all)")
    p.set_defaults(func=run)


def _recipes(pattern):
    """`(name, description)` of the recipe files in the recipes folder (read, never executed)."""
    from zoo.training.recipes import list_recipes, load_recipe

    return [(name, load_recipe(path).get("description", "")) for name, path in list_recipes(pattern).items()]


def run(args):
    rows = _rows(args.kind, args.pattern) if args.kind != "recipe" else []
    if args.kind in (None, "recipe"):
        rows += [("recipe", n, d) for n, d in _recipes(args.pattern)]
    if not rows:
        if args.kind == "recipe":
            from zoo.training.recipes import ENV_VAR, recipes_dir

            print(f"no recipe matches {args.pattern!r} in {recipes_dir()} (set {ENV_VAR} to a recipes folder, or train a "
                  f"recipe file by its path)")
        else:
            print(f"no component matches {args.pattern!r}")
        return 1
    rows.sort(key=lambda r: (KINDS.index(r[0]), r[1]))
    width = max(len(r[1]) for r in rows)
    current = None
    for kind, name, description in rows:
        if kind != current:
            current = kind
            print(f"\n{'losses' if kind == 'loss' else kind + 's'}:")
        print(f"  {name:<{width}}  {description}")
    return 0

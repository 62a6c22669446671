"""The package's imports point one way: io / registry <- data, metrics, losses, layers <- models
<- runs <- presets <- tasks <- (training | pipeline) <- cli. Nothing in `zoo/` imports `recipes/`,
`benchmarks/` or `tests/`, and training and pipeline do not import each other. Every import is
read from the source (AST): module-level, inside functions, and `importlib.import_module` calls
with a constant or f-string name."""

import ast
import os

import pytest

ZOO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "zoo")

# lower number = lower floor; a module may import its own floor or any lower one
RANKS = {
    "zoo.io": 0, "zoo.registry": 0,
    "zoo.data": 1, "zoo.metrics": 1, "zoo.losses": 1, "zoo.layers": 1,
    "zoo.models": 2,
    "zoo.runs": 3,
    "zoo.presets": 4,
    "zoo.tasks": 5,
    "zoo.training": 6, "zoo.pipeline": 6,
    "zoo.cli": 7,
    "zoo.__main__": 8, "zoo": 8,
}
SIBLINGS_APART = {("zoo.training", "zoo.pipeline"), ("zoo.pipeline", "zoo.training")}
FOREIGN = ("recipes", "benchmarks", "tests")


def floor(module):
    """The entry of `RANKS` a dotted module name falls under (the longest prefix)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in RANKS:
            return key
    return None


def module_name(path, root):
    rel = os.path.relpath(path, os.path.dirname(root))[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def imports_of(path, module):
    """`(line, imported module)` of every import in a file."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    package = module if path.endswith("__init__.py") else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            # each name: a submodule (`from zoo import registry`) or an object of `name` (its floor either way)
            out += [(node.lineno, f"{name}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__"):
            if node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.append((node.lineno, arg.value))
                elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                    out.append((node.lineno, arg.values[0].value.rstrip(".")))
    return out


def violations(root=ZOO):
    bad = []
    for folder, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".py"):
                continue
            path = os.path.join(folder, f)
            mod = module_name(path, root)
            src = floor(mod)
            assert src is not None, f"{mod} falls under no floor of RANKS: give it one"
            for line, target in imports_of(path, mod):
                top = target.split(".")[0]
                where = f"{os.path.relpath(path, os.path.dirname(root))}:{line}"
                if top in FOREIGN:
                    bad.append(f"{where}: {mod} imports {target} (outside the package)")
                    continue
                if top != "zoo":
                    continue
                dst = floor(target)
                if dst is None:
                    bad.append(f"{where}: {mod} imports {target}, which falls under no floor")
                elif RANKS[dst] > RANKS[src] or (src, dst) in SIBLINGS_APART:
                    bad.append(f"{where}: {mod} ({src}) imports {target} ({dst}): an upward edge")
    return bad


def test_imports_point_one_way():
    bad = violations()
    assert not bad, "upward imports:\n" + "\n".join(bad)


@pytest.mark.parametrize("planted", [
    "from zoo.pipeline.landmarker import Landmarker\n",
    "def f():\n    import importlib\n    return importlib.import_module(f'zoo.training.{1}')\n",
    "import recipes\n",
    "from ..tasks import load\n",
])
def test_an_upward_import_is_caught(tmp_path, planted):
    """A copy of the package with one upward import planted in a layer fails the walk."""
    import shutil

    copy = tmp_path / "zoo"
    shutil.copytree(ZOO, copy, ignore=shutil.ignore_patterns("*.h5", "*.jpg", "__pycache__"))
    assert violations(str(copy)) == []
    with open(copy / "layers" / "planted.py", "w") as f:
        f.write(planted)
    bad = violations(str(copy))
    assert len(bad) == 1 and "planted.py" in bad[0], bad


def test_creating_a_model_reads_no_recipe(tmp_path, monkeypatch):
    """Loading and creating models never executes (or reads) a recipe file."""
    import subprocess
    import sys

    trap = tmp_path / "recipes"
    trap.mkdir()
    (trap / "__init__.py").write_text("raise SystemExit('recipe code ran')\n")
    (trap / "boom.toml").write_text("this is not toml [[[")
    code = ("import zoo; zoo.create_model('pfld_0.25x'); zoo.load_preset('pfld_0.25x_300w'); "
            "import sys; assert not any(m == 'recipes' or m.startswith('recipes.') or m == 'zoo.training.recipes' for m in sys.modules); print('ok')")
    env = dict(os.environ, ZOO_RECIPES=str(trap), PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                       cwd=os.path.dirname(ZOO))
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]

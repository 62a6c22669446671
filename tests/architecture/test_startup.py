"""Start-up stays cheap (issue 23): `python -m zoo --help` and `list` import no Keras and no
backend; what `list` prints without them (the registry's manifest, the Landmarker's option
defaults) agrees with the live registry and the `Landmarker` signature."""

import inspect
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEAVY = ("keras", "tensorflow", "jax", "torch", "cv2", "numpy")

PROBE = """
import contextlib, io, sys
from zoo.cli.main import main
for argv in (["--help"], ["predict", "--help"], ["train", "--help"], ["list"], ["list", "--kind", "preset"]):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main(argv)
        except SystemExit:
            pass
    assert out.getvalue().strip(), argv
print(",".join(m for m in %r if m in sys.modules))
""" % (HEAVY,)


def test_help_and_list_import_no_backend():
    env = {**os.environ, "PYTHONPATH": ROOT}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    imported = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    assert imported == "", f"`--help` / `list` imported {imported}"


def test_manifest_matches_the_registry():
    from zoo import registry

    live = registry.manifest_rows()
    assert len(live) > 30
    assert registry.read_manifest() == live, "zoo/assets/components.json is stale: python -m zoo.registry --write-manifest"


def test_list_prints_every_component_and_preset(capsys):
    from zoo import registry
    from zoo.cli.main import main
    from zoo.presets import list_presets

    assert main(["list"]) == 0
    text = capsys.readouterr().out
    for kind, name, _ in registry.manifest_rows():
        assert f"  {name} " in text or text.rstrip().endswith(name), (kind, name)
    for name in list_presets():
        assert f"  {name} " in text, name


def test_landmarker_options_match_its_signature():
    from zoo.pipeline.landmarker import Landmarker, landmarker_defaults
    from zoo.pipeline.options import LANDMARKER_DEFAULTS

    params = [p for p in inspect.signature(Landmarker.__init__).parameters if p != "self"]
    assert set(params) == set(LANDMARKER_DEFAULTS), "zoo.pipeline.options.LANDMARKER_DEFAULTS lists other arguments"
    assert landmarker_defaults() == LANDMARKER_DEFAULTS

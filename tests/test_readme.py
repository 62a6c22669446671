"""The README's front door stays true: its two set-up commands are the ones CI runs, and its
composition example runs as written."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()


def _blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README, re.S)


def test_setup_is_two_commands_and_ci_runs_the_test_command():
    setup = _blocks("bash")[0].strip().splitlines()
    assert len(setup) == 2 and "predict --demo" in setup[0]
    assert setup[1] == "KERAS_BACKEND=tensorflow python -m pytest -q -n 2"
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read()
    assert 'KERAS_BACKEND=$backend python -m pytest -q -n 2 "${select[@]}"' in ci and "-m backend" in ci and "-m backend" in README
    assert 'pip install -q -e ".[all,dev,export]"' in ci and '.[all,dev,export]' in setup[0]  # the same extras


def test_the_composition_example_runs():
    code = next(b for b in _blocks("python") if "PIPNetHead" in b)
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert tuple(scope["model"].output["landmarks"].shape) == (None, 68, 2)
    assert scope["g"].input_size == 128

"""The `zoo` command line: `python -m zoo <command> ...`.

Every failure ends in one line on stderr (`error: ...`, naming the file or flag and the cause) and
a non-zero exit: 2 for bad arguments or inputs, 1 for an unexpected error. Set `ZOO_DEBUG=1` for
the traceback instead."""

import argparse
import os
import sys

COMMANDS = ("list_cmd", "data_cmd", "train_cmd", "export_preset_cmd", "export_cmd", "calibrate_cmd", "eval_cmd", "restore_cmd", "predict_cmd")


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage block): `error: argument --epochs: ...`."""

    def error(self, message):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


# commands that never start a backend (their start-up stays free of it)
NO_BACKEND = ("list",)
VERBOSE_HELP = "show the backend's start-up and runtime log lines (TensorFlow, JAX, absl), hidden by default"


def build_parser():
    import importlib

    parser = Parser(prog="python -m zoo", description="occlusion-robust facial landmarks: a Keras 3 model zoo")
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"zoo.cli.{name}").add_parser(sub)
    for command in sub.choices.values():  # `python -m zoo predict ... --verbose` works as well
        command.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    return parser


def quiet_backend():
    """Hide the backends' start-up noise: TensorFlow's C++ log lines (set before it loads; its
    first lines come while its libraries load, so the import itself runs with the process's
    stderr pointed at /dev/null), and the Python loggers of TensorFlow, JAX and absl below
    ERROR. Errors the zoo reports are Python exceptions and still reach stderr."""
    import logging

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for name in ("tensorflow", "jax", "jax._src.xla_bridge", "absl", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if "keras" in sys.modules:
        return
    try:
        saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no stderr to redirect (a detached process): import as is
        saved = None
    if saved is not None:
        sys.stderr.flush()
        os.dup2(null, 2)
    try:
        import keras  # noqa: F401  (the backend loads here, quietly)
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(null)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass


def _message(e):
    if isinstance(e, KeyError) and e.args:
        return str(e.args[0])
    if isinstance(e, OSError) and e.filename and e.strerror:
        return f"{e.filename}: {e.strerror}"
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def main(argv=None):
    args = build_parser().parse_args(argv)
    if not getattr(args, "verbose", False) and args.command not in NO_BACKEND:
        quiet_backend()
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, KeyError, OSError) as e:
        if os.environ.get("ZOO_DEBUG"):
            raise
        print(f"error: {_message(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001  (one line, never a traceback, unless ZOO_DEBUG)
        if os.environ.get("ZOO_DEBUG"):
            raise
        print(f"error: {type(e).__name__}: {_message(e)} (ZOO_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

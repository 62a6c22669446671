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


def build_parser():
    import importlib

    parser = Parser(prog="python -m zoo", description="occlusion-robust facial landmarks: a Keras 3 model zoo")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"zoo.cli.{name}").add_parser(sub)
    return parser


def _message(e):
    if isinstance(e, KeyError) and e.args:
        return str(e.args[0])
    if isinstance(e, OSError) and e.filename and e.strerror:
        return f"{e.filename}: {e.strerror}"
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def main(argv=None):
    args = build_parser().parse_args(argv)
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

"""The `zoo` command line: `python -m zoo <command> ...`."""

import argparse
import sys

COMMANDS = ("list_cmd", "data_cmd", "train_cmd", "export_preset_cmd", "calibrate_cmd", "eval_cmd", "restore_cmd", "predict_cmd")


def build_parser():
    import importlib

    parser = argparse.ArgumentParser(prog="python -m zoo", description="occlusion-robust facial landmarks: a Keras 3 model zoo")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"zoo.cli.{name}").add_parser(sub)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

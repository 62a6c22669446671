"""`python -m zoo data check DIR` and `python -m zoo data occlude SRC DST --seed 0`."""


def check(args):
    from zoo.cli._data_impl import check as run

    return run(args)


def occlude_cmd(args):
    from zoo.cli._data_impl import occlude_cmd as run

    return run(args)


def add_parser(sub):
    p = sub.add_parser("data", help="check a data folder, or write the synthetic-occlusion test set")
    dsub = p.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    c = dsub.add_parser("check", help="counts, per-set statistics, invalid files, contact sheets")
    c.add_argument("dir")
    c.add_argument("--pattern", default="*", help="glob on file names (default: all)")
    c.add_argument("--out", default="data_check", help="folder for the contact sheets (default: ./data_check)")
    c.add_argument("--seed", type=int, default=0)
    c.set_defaults(func=check)
    o = dsub.add_parser("occlude", help="deterministic synthetic occlusion of an annotated folder")
    o.add_argument("src")
    o.add_argument("dst")
    o.add_argument("--seed", type=int, default=0)
    o.add_argument("--pattern", default="*", help="glob on file names, e.g. 'helen_testset_*'")
    o.set_defaults(func=occlude_cmd)



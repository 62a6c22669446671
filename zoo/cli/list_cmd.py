"""`python -m zoo list [--kind KIND] [PATTERN]`: every registered component, one line each."""

from zoo import registry


def add_parser(sub):
    p = sub.add_parser("list", help="list registered layers, models, heads, recipes and presets")
    p.add_argument("pattern", nargs="?", default="*", help="glob on the name (default: all)")
    p.add_argument("--kind", choices=registry.KINDS, help="only this kind")
    p.set_defaults(func=run)


def run(args):
    rows = registry.entries(args.kind, args.pattern)
    if not rows:
        print(f"no component matches {args.pattern!r}")
        return 1
    width = max(len(e.name) for e in rows)
    current = None
    for e in rows:
        if e.kind != current:
            current = e.kind
            print(f"\n{'losses' if e.kind == 'loss' else e.kind + 's'}:")
        print(f"  {e.name:<{width}}  {e.description}")
    return 0

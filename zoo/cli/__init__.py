"""`python -m zoo <command>`: one CLI, one subcommand per module of this package."""

"""Write docs/cli.md from the commands' own --help, so the reference never drifts.

    python -m fogwatch.cli_docs > docs/cli.md

`tests/test_cli_docs.py` fails when docs/cli.md differs from what this prints.
"""

from __future__ import annotations

import click

from fogwatch.cli import main

HEADER = """# CLI reference

Generated from the commands' own `--help` by `python -m fogwatch.cli_docs > docs/cli.md`;
a test keeps it current. Every command takes the global options of `fogwatch` itself
(`--db URL`, `--quiet`) before the command name.
"""


def walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    """Every command under `command`, depth first, in alphabetical order."""
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += walk(command.commands[name], [*path, name])
    return found


def help_text(command: click.Command, path: list[str]) -> str:
    with click.Context(command, info_name=" ".join(path), terminal_width=100,
                       max_content_width=100) as ctx:
        return command.get_help(ctx)


def render() -> str:
    parts = [HEADER]
    for path, command in walk(main, ["fogwatch"]):
        title = " ".join(path)
        parts.append(f"\n## `{title}`\n\n```text\n{help_text(command, path)}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    click.echo(render(), nl=False)

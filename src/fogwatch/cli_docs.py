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
(`--db URL`, `--quiet`, `--debug`) before the command name.
"""


def walk(
    command: click.Command, path: list[str], parent: click.Context | None = None
) -> list[tuple[str, str]]:
    """(title, help) of every command under `command`, depth first, alphabetically.

    Each help is rendered in a context whose parents are the real parent commands, as
    when a user types it, so inherited settings (the -h alias) always apply."""
    settings = {**command.context_settings, "terminal_width": 100, "max_content_width": 100}
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    found = [(" ".join(path), command.get_help(ctx))]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += walk(command.commands[name], [*path, name], ctx)
    return found


def render() -> str:
    parts = [HEADER]
    for title, text in walk(main, ["fogwatch"]):
        parts.append(f"\n## `{title}`\n\n```text\n{text}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    click.echo(render(), nl=False)

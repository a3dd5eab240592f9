"""Commands of the store: `backup` and `restore`.

Registered on the main group in fogwatch.cli (`COMMANDS`); each receives the global
Context (`--db`) through `click.pass_obj`. They take the store URL, not an opened Store:
a backup must not migrate the store it reads, and a restore target may not exist yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def _summary(counts: dict[str, int]) -> str:
    keys = ("documents", "claims", "incidents")
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in keys)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_obj
def backup(ctx: Any, file: Path, force: bool) -> None:
    """Write a consistent backup of the store to FILE, while it stays in use.

    \b
    SQLite: the online backup API (one self-contained file). PostgreSQL: pg_dump's
    custom format (restore with `fogwatch restore`, or pg_restore). The file appears
    only when the backup is complete.

    \b
    Examples:
      fogwatch backup fogwatch-2017-06-06.db
      fogwatch --db postgresql://fw@db/fogwatch backup fogwatch.dump
    """
    from fogwatch.store.backup import BackupError
    from fogwatch.store.backup import backup as run_backup

    try:
        result = run_backup(ctx.db_url, file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not getattr(ctx, "quiet", False):
        click.echo(
            f"backed up {_summary(result.counts)} to {result.path} ({result.bytes:,} bytes)",
            err=True,
        )


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the contents of a store that is not empty.")
@click.pass_obj
def restore(ctx: Any, file: Path, force: bool) -> None:
    """Restore a backup made by `fogwatch backup` into the store (--db).

    \b
    The store must be empty (a new SQLite path or a new PostgreSQL database) unless
    --force is given. A SQLite backup restores into SQLite, a PostgreSQL one into
    PostgreSQL. The schema is migrated afterwards if the backup is older.

    \b
    Examples:
      fogwatch --db restored.db restore fogwatch-2017-06-06.db
      fogwatch --db postgresql://fw@db/fogwatch_new restore fogwatch.dump
    """
    from fogwatch.store.backup import BackupError
    from fogwatch.store.backup import restore as run_restore

    try:
        result = run_restore(ctx.db_url, file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not getattr(ctx, "quiet", False):
        click.echo(f"restored {_summary(result.counts)} from {result.path}", err=True)


COMMANDS = [backup, restore]

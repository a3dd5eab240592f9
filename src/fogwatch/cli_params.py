"""Option callbacks shared by the main CLI and the stages' own commands.

Kept apart from `fogwatch.cli` so a stage's command module can import them without
importing the main group (which imports the stage modules in turn).
"""

from __future__ import annotations

import datetime as dt

import click


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A strict YYYY-MM-DD option value."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2016-09-18") from exc

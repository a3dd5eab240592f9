"""The `fogwatch` command line.

Every command prints a table for people and `--format json`/`jsonl` for scripts, says
what went wrong per input without stopping the batch, and exits 1 when some inputs failed.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from fogwatch import __version__, settings
from fogwatch.cli_params import parse_date, processes_option

err = Console(stderr=True, highlight=False)
# Piped output is not squeezed into 80 columns: scripts and pagers cope with wide tables.
out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:
    out = Console(highlight=False, soft_wrap=True, width=200)

FORMATS = click.Choice(["table", "json", "jsonl"])


class Context:
    """Global options, shared by every command."""

    def __init__(self, db: str | None, quiet: bool):
        self.db_url = db or settings.db_url()
        self.quiet = quiet
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from fogwatch.store import Store

            self._store = Store.open(self.db_url)
        return self._store


pass_ctx = click.make_pass_decorator(Context)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def emit_jsonl(rows: Iterable[dict]) -> None:
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False, default=str))


def emit_table(rows: list[dict], columns: list[str], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    out.print(table)


@functools.lru_cache(maxsize=1)
def shared_extractor():
    """The spaCy pipeline loads once per process, however many commands run in it."""
    from fogwatch.nlp.extractor import Extractor

    try:
        return Extractor()
    except settings.SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def extractor_for(processes: int | None):
    """The shared extractor, parsing with `processes` spaCy processes (else the
    FOGWATCH_PROCESSES setting, else the usable cores).

    A shallow copy: the model, caches and notes are the shared ones (the model loads
    once per process), the process count is this command's own, so one command's
    `--processes` does not carry over to the next run in the same process."""
    try:
        n_process = settings.processes(processes)
    except settings.SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    extractor = copy.copy(shared_extractor())
    extractor.n_process = n_process
    return extractor


def input_options(func: Callable) -> Callable:
    """The options `ingest` and `extract` share: metadata, column mapping, filters, limits."""
    options = [
        click.argument("inputs", nargs=-1, required=True),
        click.option(
            "--published",
            callback=parse_date,
            metavar="YYYY-MM-DD",
            help="Publication date for inputs that carry none (overrides metadata).",
        ),
        click.option(
            "--outlet", help="Outlet name for inputs that carry none (overrides metadata)."
        ),
        click.option("--id-col", default="id", show_default=True, help="CSV/JSONL: id column."),
        click.option(
            "--text-col", default="text", show_default=True, help="CSV/JSONL: text column."
        ),
        click.option(
            "--title-col", default="title", show_default=True, help="CSV/JSONL: title column."
        ),
        click.option(
            "--date-col",
            default="published",
            show_default=True,
            help="CSV/JSONL: publication date column.",
        ),
        click.option(
            "--outlet-col", default="outlet", show_default=True, help="CSV/JSONL: outlet column."
        ),
        click.option("--url-col", default="url", show_default=True, help="CSV/JSONL: URL column."),
        click.option(
            "--include",
            multiple=True,
            metavar="GLOB",
            help="Directories: only files matching GLOB (repeatable), e.g. '*.html'.",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Directories: skip files matching GLOB (repeatable).",
        ),
        click.option(
            "--max-mb",
            type=float,
            default=50.0,
            show_default=True,
            help="Refuse files and downloads larger than this.",
        ),
        click.option(
            "--timeout",
            type=float,
            default=20.0,
            show_default=True,
            help="Seconds to wait for a URL.",
        ),
        click.option(
            "--allow-private",
            is_flag=True,
            help="Allow URLs on private or loopback addresses (off by default).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def read_options(kw: dict):
    from fogwatch.ingest.readers import ReadOptions

    return ReadOptions(
        published=kw["published"],
        outlet=kw["outlet"],
        id_col=kw["id_col"],
        text_col=kw["text_col"],
        title_col=kw["title_col"],
        date_col=kw["date_col"],
        outlet_col=kw["outlet_col"],
        url_col=kw["url_col"],
        include=tuple(kw["include"]),
        exclude=tuple(kw["exclude"]),
        max_bytes=int(kw["max_mb"] * 1024 * 1024),
        timeout=kw["timeout"],
        allow_private=kw["allow_private"],
    )


def report_error(source: str, reason: str) -> None:
    err.print(f"[red]error[/red] {source}: {reason}", markup=True, highlight=False)


# --------------------------------------------------------------------------- group


class _OneLineErrors(click.Group):
    """A failure nobody foresaw prints one line naming what failed, and exits 1; the
    traceback is for `--debug` (and for the log at debug level)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        except Exception as exc:
            if ctx.meta.get("fogwatch.debug"):
                raise
            from fogwatch.store.db import describe_store_error

            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            if getattr(exc, "orig", None) is not None:  # a database error
                reason = describe_store_error(exc)
            command = ctx.invoked_subcommand or "fogwatch"
            report_error(command, f"{type(exc).__name__}: {reason} (--debug shows where)")
            sys.exit(1)


@click.group(
    cls=_OneLineErrors,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="fogwatch")
@click.option(
    "--db",
    metavar="URL",
    envvar="FOGWATCH_DB",
    help="Store URL: a SQLite path or SQLAlchemy URL (default ./fogwatch.db; env FOGWATCH_DB).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summaries on stderr.")
@click.option(
    "--debug",
    is_flag=True,
    help="Show tracebacks and debug logs (errors are otherwise one line per input).",
)
@click.pass_context
def main(ctx: click.Context, db: str | None, quiet: bool, debug: bool = False) -> None:
    """fogwatch: a sourced, geolocated record of what each outlet claims happened.

    \b
    Typical session:
      fogwatch ingest examples/sample-corpus/         # read, extract, store
      fogwatch documents                              # what is stored
      fogwatch stats --format json                    # counts for scripts
      fogwatch extract --published 2016-09-18 page.txt  # claims as JSONL, no database

    \b
    Use PostgreSQL instead of ./fogwatch.db:
      fogwatch --db postgresql://user@host/fogwatch ingest feeds/
    """
    ctx.obj = Context(db, quiet)
    if debug:
        ctx.meta["fogwatch.debug"] = True
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")


# --------------------------------------------------------------------------- ingest


@main.command()
@input_options
@click.option("--no-extract", is_flag=True, help="Store documents and segments only.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How to print the run summary.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Extract on Dask workers: tcp://scheduler:8786, or 'local' for a LocalCluster "
    "(needs a PostgreSQL --db for remote workers; see docs/scale.md).",
)
@processes_option
@pass_ctx
def ingest(
    ctx: Context,
    inputs: tuple[str, ...],
    no_extract: bool,
    fmt: str,
    dask_address: str | None = None,
    processes: int | None = None,
    **kw,
) -> None:
    """Read files, directories, feeds, URLs or stdin (-), extract claims and store them.

    \b
    Inputs: .txt .html .jsonl .csv, RSS/Atom feeds, directories (recursive), http(s)
    URLs and - for stdin. Metadata comes from the record, from a sidecar file named
    after the whole file name (report.txt.meta.json or .meta.yaml with published,
    outlet, title, url), and finally from --published/--outlet.

    \b
    Re-ingesting the same text is a no-op: a document's id is a hash of its text.
    A bad input is reported with its name and the reason; the rest goes on, and the
    exit code is 1 when any input failed.

    \b
    Examples:
      fogwatch ingest examples/sample-corpus/
      fogwatch ingest --include '*.html' --outlet "Levant Ledger" pages/
      fogwatch ingest --text-col body --date-col day corpus.csv
      cat report.txt | fogwatch ingest --published 2016-09-18 --outlet RT -
    """
    from fogwatch.pipeline import ingest as run_ingest

    if dask_address:
        from fogwatch.scale.cluster import ingest_on_dask

        try:
            report = ingest_on_dask(
                inputs, read_options(kw), ctx.db_url, dask_address, extract=not no_extract
            )
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        for error in report.errors:
            report_error(error.source, error.reason)
        if fmt == "json":
            emit_json(report.as_dict())
        elif not ctx.quiet:
            err.print(
                f"{report.stored} stored, {report.skipped} already there, "
                f"{len(report.errors)} failed, {report.claims} claims -> {ctx.store.url}"
            )
        sys.exit(1 if report.errors else 0)

    extractor = None if no_extract else extractor_for(processes)
    store = ctx.store
    show_progress = not ctx.quiet and err.is_terminal
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
    )

    def on_item(item, _claims: int) -> None:
        from fogwatch.model import IngestError

        if isinstance(item, IngestError):
            report_error(item.source, item.reason)
        progress.update(task, advance=1, description=f"ingesting {getattr(item, 'name', '')}"[:60])

    with progress:
        task = progress.add_task("ingesting", total=None)
        report = run_ingest(inputs, read_options(kw), store, extractor, on_item)
    summary = report.as_dict()
    if fmt == "json":
        emit_json(summary)
    elif not ctx.quiet:
        err.print(
            f"{report.stored} stored, {report.skipped} already there, "
            f"{len(report.errors)} failed, {report.claims} claims -> {store.url}"
        )
    sys.exit(1 if report.errors else 0)


# --------------------------------------------------------------------------- extract


@main.command()
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "table"]),
    default="jsonl",
    show_default=True,
)
@processes_option
@pass_ctx
def extract(
    ctx: Context, inputs: tuple[str, ...], fmt: str, processes: int | None = None, **kw
) -> None:
    """Print the claims in INPUTS without touching the database.

    \b
    Takes the same inputs and options as `ingest`. The spaCy model loads once, so a
    corpus of many records is one run. Each claim's `document` is the file name, or the
    record id for CSV/JSONL corpora. Claims of the run are linked into incidents.

    \b
    Examples:
      fogwatch extract --published 2016-09-18 page.txt
      fogwatch extract corpus.jsonl > claims.jsonl
      fogwatch extract --format table --published 2015-12-07 --outlet "EA WorldView" page.txt
    """
    from fogwatch.ingest.readers import read_inputs
    from fogwatch.model import IngestError
    from fogwatch.pipeline import prepare

    extractor = extractor_for(processes)
    failed = False
    all_claims = []

    def documents():
        nonlocal failed
        for item in read_inputs(inputs, read_options(kw)):
            if isinstance(item, IngestError):
                failed = True
                report_error(item.source, item.reason)
                continue
            yield prepare(item)[0]

    for _document, claims in extractor.extract_many(documents()):
        all_claims.extend(claims)
    all_claims = link_run(all_claims)
    rows = [c.model_dump(mode="json") for c in all_claims]
    if fmt == "jsonl":
        emit_jsonl(rows)
    elif fmt == "json":
        emit_json(rows)
    else:
        emit_table(
            [claim_row(r) for r in rows],
            ["id", "type", "date", "place", "killed", "injured", "claimant", "stance"],
        )
    sys.exit(1 if failed else 0)


def link_run(claims: list) -> list:
    """Link the claims of one run into incidents (in memory; nothing is stored)."""
    from fogwatch.incidents.linker import link_claims

    return link_claims(claims)


def figure_text(count: dict | None) -> str | None:
    if not count:
        return None
    low, high = count.get("low"), count.get("high")
    if low == high:
        return str(low)
    return f"{low if low is not None else ''}-{high if high is not None else ''}"


def claim_row(c: dict) -> dict:
    return {
        "id": c["id"],
        "type": c.get("sub_event_type") or c.get("event_type"),
        "date": c.get("date"),
        "place": (c.get("location") or {}).get("name"),
        "killed": figure_text(c.get("killed")),
        "injured": figure_text(c.get("injured")),
        "claimant": (c.get("claimant") or {}).get("name"),
        "stance": c.get("stance"),
    }


# --------------------------------------------------------------------------- documents


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--limit", type=int, default=None, help="Show at most this many.")
@click.pass_context
def documents(click_ctx: click.Context, fmt: str, limit: int | None) -> None:
    """List stored documents, or show one with `documents show ID`.

    \b
    Fields: id, name, outlet, published, segments (their number) and
    syndication_group (shared by near-duplicate copies, null when alone).

    \b
    Examples:
      fogwatch documents
      fogwatch documents --format json | jq '.[] | select(.syndication_group)'
      fogwatch documents show d-3b27e136
    """
    if click_ctx.invoked_subcommand:
        return
    rows = click_ctx.obj.store.documents(limit=limit)
    if fmt == "json":
        emit_json(rows)
    elif fmt == "jsonl":
        emit_jsonl(rows)
    else:
        emit_table(
            rows,
            ["id", "name", "outlet", "published", "segments", "syndication_group"],
            title=f"{len(rows)} documents",
        )


@documents.command("show")
@click.argument("key")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--text", "with_text", is_flag=True, help="Include the full text (JSON formats).")
@pass_ctx
def documents_show(ctx: Context, key: str, fmt: str, with_text: bool) -> None:
    """Show one document (by id, id prefix or name) with its segments and claims.

    \b
    Example:
      fogwatch documents show report.txt --format json
    """
    detail = ctx.store.document_detail(key)
    if detail is None:
        raise click.ClickException(f"no document with id or name {key!r}")
    detail["segments"] = detail.pop("segments_detail")
    if not with_text:
        detail.pop("text")
    if fmt in ("json", "jsonl"):
        (emit_json if fmt == "json" else lambda d: emit_jsonl([d]))(detail)
        return
    out.print(
        f"[bold]{detail['name']}[/bold]  {detail['id']}  outlet={detail['outlet']}  "
        f"published={detail['published']}  group={detail['syndication_group']}"
    )
    emit_table(
        detail["segments"],
        ["index", "kind", "heading", "source", "time", "syndication_group"],
        title="segments",
    )
    emit_table(
        [claim_row(c) for c in detail["claims"]],
        ["id", "type", "date", "place", "killed", "injured", "claimant", "stance"],
        title="claims",
    )


# --------------------------------------------------------------------------- stats


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_ctx
def stats(ctx: Context, fmt: str) -> None:
    """Count what the store holds: documents, segments, claims, incidents, and more.

    \b
    Example:
      fogwatch stats --format json
    """
    counts = ctx.store.stats()
    if fmt == "json":
        emit_json(counts)
    else:
        emit_table(
            [{"what": k, "count": v} for k, v in counts.items()],
            ["what", "count"],
            title=ctx.store.url,
        )


def _register_stage_commands() -> None:
    """Commands that live beside their stage (places, incidents, api) join the group here."""
    from fogwatch.api.cli import export, serve, token
    from fogwatch.incidents.cli import COMMANDS as incident_commands
    from fogwatch.places.cli import gazetteer, geocode
    from fogwatch.scale.cli import watch
    from fogwatch.store.cli import COMMANDS as store_commands

    for command in (
        gazetteer,
        geocode,
        *incident_commands,
        serve,
        token,
        export,
        watch,
        *store_commands,
    ):
        main.add_command(command)
    _help_everywhere(main)


def _help_everywhere(command: click.Command) -> None:
    """-h and --help on every command, also when a command is invoked on its own
    (click otherwise inherits the alias only from a parent context)."""
    command.context_settings.setdefault("help_option_names", ["-h", "--help"])
    for sub in getattr(command, "commands", {}).values():
        _help_everywhere(sub)


_register_stage_commands()


if __name__ == "__main__":
    main()

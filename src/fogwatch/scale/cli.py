"""Commands of the scale package: `fogwatch watch` (feed polling).

Registered on the main group by `fogwatch.cli` (see `_register_stage_commands`).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import click

from fogwatch.cli_params import processes_option


@click.command()
@click.argument("feeds", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--every",
    default="15m",
    show_default=True,
    metavar="DURATION",
    help="Time between polls, start to start: 30s, 15m, 1h.",
)
@click.option("--once", is_flag=True, help="Poll every feed once and exit.")
@click.option("--no-extract", is_flag=True, help="Store new items without extracting claims.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per fetch.")
@click.option("--max-mb", type=float, default=50.0, show_default=True, help="Size cap per feed.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow feeds on private or loopback addresses (off by default).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="How to print each poll's results.",
)
@processes_option
@click.pass_obj
def watch(
    ctx,  # noqa: ANN001 - fogwatch.cli.Context, not imported to avoid a cycle
    feeds: Path,
    every: str,
    once: bool,
    no_extract: bool,
    timeout: float,
    max_mb: float,
    allow_private: bool,
    fmt: str,
    processes: int | None = None,
) -> None:
    """Poll the RSS/Atom feeds listed in FEEDS (one URL per line) and ingest new items.

    \b
    Each poll is a conditional GET (ETag / Last-Modified), so an unchanged feed costs
    a 304. Items already ingested from a feed are skipped; new ones go through the
    usual pipeline (segment, extract, store) and are linked into incidents at once.
    Validators and seen items are kept in the store, so a restart carries on.
    The model loads once, at start: a poll with a few new items parses them in this
    process, and a larger one forks --processes workers that share the loaded model.

    \b
    Examples:
      fogwatch watch feeds.txt --every 15m
      fogwatch --db postgresql://fw@db/fogwatch watch feeds.txt --once --format jsonl
    """
    from fogwatch.cli import err, extractor_for
    from fogwatch.ingest.options import ReadOptions
    from fogwatch.scale.watch import FeedWatcher, parse_duration, read_feed_list

    try:
        interval = parse_duration(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc
    urls = read_feed_list(feeds)
    if not urls:
        raise click.UsageError(f"{feeds} lists no feed URLs")
    options = ReadOptions(
        timeout=timeout, max_bytes=int(max_mb * 1024 * 1024), allow_private=allow_private
    )
    watcher = FeedWatcher(ctx.store, None if no_extract else extractor_for(processes), options)

    def on_poll(results) -> None:  # noqa: ANN001 - list[FeedResult]
        for r in results:
            if fmt == "jsonl":
                click.echo(json.dumps(r.__dict__, default=str))
            elif not ctx.quiet:
                latency = (
                    f", {statistics.median(r.latencies) * 1000:.0f} ms to incident"
                    if r.latencies
                    else ""
                )
                err.print(
                    f"{r.url}: {r.status}; {r.new_items} new, {r.stored} stored, "
                    f"{r.claims} claims{latency}",
                    markup=False,
                )

    try:
        watcher.run(urls, interval, on_poll=on_poll, once=once)
    except KeyboardInterrupt:
        if not ctx.quiet:
            err.print("stopped")

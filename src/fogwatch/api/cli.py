"""Commands for the server side: `serve`, `token` and `export`.

Registered on the main group in fogwatch.cli (`main.add_command(...)`); each receives
the global Context (`--db`) through `click.pass_obj`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from fogwatch.cli_params import parse_date, processes_option

if TYPE_CHECKING:
    from fogwatch.api.queries import BBox, IncidentFilter

# fogwatch.api.queries (SQLAlchemy, the store) is imported inside the commands, so
# `fogwatch --help` stays fast.


def _bbox(_ctx: click.Context, _param: click.Parameter, value: str | None) -> BBox | None:
    from fogwatch.api.queries import BadQuery, BBox

    if value is None:
        return None
    try:
        return BBox.parse(value)
    except BadQuery as exc:
        raise click.BadParameter(str(exc)) from exc


def incident_filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The filters of GET /api/incidents, as options."""
    options = [
        click.option("--bbox", callback=_bbox, metavar="W,S,E,N", help="Lon/lat box."),
        click.option("--since", callback=parse_date, metavar="YYYY-MM-DD", help="Ending on/after."),
        click.option(
            "--until", callback=parse_date, metavar="YYYY-MM-DD", help="Starting on/before."
        ),
        click.option("--type", "type_", metavar="TYPE", help="ACLED event or sub-event type."),
        click.option("--actor", help="An actor named as perpetrator, target or claimant."),
        click.option("--outlet", help="An outlet that reported it."),
        click.option(
            "--grade",
            type=click.Choice(["confirmed", "fair", "weak", "contested", "discounted"]),
        ),
        click.option(
            "--contested/--uncontested",
            default=None,
            help="Only incidents whose sources disagree (or only those that agree).",
        ),
        click.option("-q", "--search", "q", metavar="WORDS", help="Full-text search."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def incident_filter(kw: dict[str, Any]) -> IncidentFilter:
    from fogwatch.api.queries import IncidentFilter

    return IncidentFilter(
        bbox=kw["bbox"],
        since=kw["since"],
        until=kw["until"],
        type=kw["type_"],
        actor=kw["actor"],
        outlet=kw["outlet"],
        grade=kw["grade"],
        contested=kw["contested"],
        q=kw["q"],
    )


# --------------------------------------------------------------------------- serve


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--tiles",
    metavar="URL",
    help="A raster tile URL template ({z}/{x}/{y}) to draw under the offline map.",
)
@click.option("--tiles-attribution", metavar="TEXT", help="Credit line for --tiles.")
@processes_option
@click.pass_obj
def serve(
    ctx: Any,
    host: str,
    port: int,
    tiles: str | None,
    tiles_attribution: str | None,
    processes: int | None = None,
) -> None:
    """Serve the web UI and the JSON API.

    \b
    The map works offline: country borders ship with fogwatch. --tiles adds a tile
    layer from a server you name (the page's Content-Security-Policy allows only it).
    POST /api/ingest needs a token: `fogwatch token create`. The claim extractor
    loads in the background as the server starts; a posted article parses in the
    server's process, a large upload with --processes workers.

    \b
    Examples:
      fogwatch serve
      fogwatch --db demo.db serve --port 8080
      fogwatch serve --tiles 'https://tiles.example.org/{z}/{x}/{y}.png'
    """
    import uvicorn

    from fogwatch.api.app import create_app
    from fogwatch.web import STATIC_DIR

    if not (STATIC_DIR / "vendor" / "leaflet" / "leaflet.js").exists():
        raise click.ClickException(
            "the web UI's vendor assets are missing: run scripts/build-web.sh (needs npm)"
        )
    from fogwatch import settings

    try:
        processes = settings.processes(processes)
    except settings.SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        app = create_app(
            ctx.db_url,
            tile_url=tiles,
            tile_attribution=tiles_attribution,
            processes=processes,
            warm_extractor=True,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--tiles") from exc
    if not getattr(ctx, "quiet", False):
        click.echo(f"fogwatch on http://{host}:{port}/  (store: {app.state.store.url})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning" if ctx.quiet else "info")


# --------------------------------------------------------------------------- tokens


@click.group()
def token() -> None:
    """Bearer tokens for POST /api/ingest.

    \b
    Examples:
      fogwatch token create --name newsroom-bot
      fogwatch token list
      fogwatch token revoke 1a2b3c4d
    """


@token.command("create")
@click.option("--name", default="default", show_default=True, help="What the token is for.")
@click.pass_obj
def token_create(ctx: Any, name: str) -> None:
    """Make a token and print it once; only its SHA-256 hash is stored.

    \b
    Example:
      TOKEN=$(fogwatch token create --name newsroom-bot)
      curl -H "Authorization: Bearer $TOKEN" -F file=@report.html \\
           http://127.0.0.1:8000/api/ingest/file
    """
    from fogwatch.store.tokens import create_token

    secret, info = create_token(ctx.store, name)
    click.echo(secret)
    click.echo(f"token {info.id} ({info.name}) created; it is not shown again", err=True)


@token.command("list")
@click.pass_obj
def token_list(ctx: Any) -> None:
    """Show tokens (ids and names, never the tokens).

    \b
    Example:
      fogwatch token list
    """
    from fogwatch.store.tokens import list_tokens

    for info in list_tokens(ctx.store):
        state = "revoked" if info.revoked_at else "live"
        used = info.last_used_at.isoformat(timespec="seconds") if info.last_used_at else "never"
        click.echo(f"{info.id}\t{info.name}\t{state}\tcreated {info.created_at}\tused {used}")


@token.command("revoke")
@click.argument("token_id")
@click.pass_obj
def token_revoke(ctx: Any, token_id: str) -> None:
    """Revoke a token by the id `token list` shows.

    \b
    Example:
      fogwatch token revoke 940b9bc4
    """
    from fogwatch.store.tokens import revoke_token

    if not revoke_token(ctx.store, token_id):
        raise click.ClickException(f"no live token with id {token_id!r}")
    click.echo(f"token {token_id} revoked", err=True)


# --------------------------------------------------------------------------- export


@click.command("export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["acled-csv", "ucdp-csv", "geojson", "jsonl", "parquet"]),
    help="acled-csv/ucdp-csv/geojson/parquet: one row per incident; jsonl: one claim per line.",
)
@incident_filter_options
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="Where to write ('-' for stdout)."
)
@click.pass_obj
def export(ctx: Any, fmt: str, output: str, **kw: Any) -> None:
    """Export incidents (or their claims) with the same filters as GET /api/incidents.

    \b
    ACLED-style CSV keeps the most conservative toll in `fatalities` and says who
    claimed what in `notes`; UCDP-style CSV carries low/best/high and skips events
    with no death in any estimate, as UCDP does.

    \b
    Examples:
      fogwatch export --format acled-csv -o incidents.csv
      fogwatch export --format geojson --contested --since 2017-01-01 -o contested.geojson
      fogwatch export --format jsonl --outlet "Levant Ledger" -o - | jq .evidence.text
      fogwatch export --format parquet --bbox 35.5,32,42.5,37.5 -o syria.parquet
    """
    from fogwatch.store.exports import export as run_export

    try:
        result = run_export(ctx.store, fmt, incident_filter(kw), output)
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not getattr(ctx, "quiet", False):
        what = "claims" if fmt == "jsonl" else "incidents"
        where = "stdout" if output == "-" else output
        skipped = f", {result.skipped} skipped ({result.skipped_reason})" if result.skipped else ""
        print(f"{result.written} {what} written to {where}{skipped}", file=sys.stderr)

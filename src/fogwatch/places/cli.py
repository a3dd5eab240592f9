"""Command line for the places stage: ``fogwatch gazetteer ...`` and ``fogwatch geocode``.

The main CLI registers these with ``main.add_command(gazetteer)`` and
``main.add_command(geocode)``; they also run on their own under click's test runner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from fogwatch.places import importers
from fogwatch.places.store import FEATURES, Gazetteer, SourceInfo, default_path

_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for scripts.",
)


def _rich_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = 200  # piped or captured: do not fold ids and paths at 80 columns
    console.print(table)


def _print_sources(infos: list[SourceInfo], fmt: str, title: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([i.to_dict() for i in infos], ensure_ascii=False, indent=2))
        return
    _rich_table(
        title,
        ["source", "kind", "places", "keys", "seconds", "added", "origin"],
        [[i.name, i.kind, i.places, i.names, i.seconds, i.added, i.origin] for i in infos],
    )


def _run(fn: Callable[[], Any]) -> Any:
    """Turn expected failures (bad file, bad column, no network) into a clean exit 1."""
    try:
        return fn()
    except (ValueError, FileNotFoundError, KeyError) as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:
        if type(exc).__module__.startswith("httpx"):
            raise click.ClickException(f"download failed ({exc}); are you online?") from exc
        raise


@click.group(name="gazetteer")
def gazetteer() -> None:
    """Inspect and extend the offline gazetteer used to place claims.

    The gazetteer is built on first use from data that ships with fogwatch (GeoNames
    towns of 500+ people, countries, Syrian and Iraqi governorates) and lives in
    $FOGWATCH_HOME/gazetteer.sqlite.

    \b
    Examples:
      fogwatch gazetteer stats
      fogwatch gazetteer add geonames SY IQ          # download full country dumps
      fogwatch gazetteer add csv villages.csv --name-col name --lat-col lat --lon-col lon
    """


@gazetteer.command("build")
@click.option(
    "--force", is_flag=True, help="Rebuild even if the file is current (drops user sources)."
)
def build_cmd(force: bool) -> None:
    """Build the gazetteer from built-in data now instead of on first use.

    \b
    Example:
      fogwatch gazetteer build --force
    """
    from fogwatch.places.resolver import PlaceResolver

    path = default_path()
    if force:
        path.unlink(missing_ok=True)
        PlaceResolver.reset_default()
    data = Gazetteer(path).stats()
    click.echo(
        f"gazetteer at {data['path']}: {data['places']} places, {data['keys']} keys, "
        f"built {data['built']} in {data['build_seconds']} s"
    )


@gazetteer.group("add")
def add() -> None:
    """Add places from a GeoNames dump or a CSV table.

    \b
    Examples:
      fogwatch gazetteer add geonames SY.zip
      fogwatch gazetteer add csv syr_admin3_subdistricts.csv --name-col adm3_name \\
          --lat-col center_lat --lon-col center_lon --country SY --feature admin3
    """


@add.command("geonames")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--classes",
    default=importers.GEONAMES_CLASSES,
    show_default=True,
    help="GeoNames feature classes to keep (A admin, P places, S spots, L areas, T terrain).",
)
@_FORMAT
def add_geonames_cmd(sources: tuple[str, ...], classes: str, fmt: str) -> None:
    """Import GeoNames dumps: files (SY.zip, SY.txt) or country codes to download.

    A two-letter code that is not a file is fetched from
    https://download.geonames.org/export/dump/ (needs network). The dump holds every
    village, neighbourhood and airbase GeoNames knows for that country.

    \b
    Examples:
      fogwatch gazetteer add geonames SY IQ
      fogwatch gazetteer add geonames ~/Downloads/SY.zip --classes PS
    """
    infos = _run(lambda: importers.add_geonames(list(sources), classes=classes))
    _print_sources(infos, fmt, "added")


@add.command("csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name-col", required=True, help="Column with the place name.")
@click.option("--lat-col", help="Latitude column (decimal degrees).")
@click.option("--lon-col", help="Longitude column (decimal degrees).")
@click.option("--alt-cols", default="", help="Comma-separated columns with other names.")
@click.option("--country", help="ISO2 country for every row, e.g. SY.")
@click.option("--country-col", help="Column with the ISO2 country (instead of --country).")
@click.option("--admin1-col", help="Column with the governorate/province.")
@click.option("--admin2-col", help="Column with the district.")
@click.option(
    "--feature",
    type=click.Choice(FEATURES),
    default="town",
    show_default=True,
    help="Feature class for every row.",
)
@click.option("--feature-col", help="Column with a feature class or an admin level 0-4.")
@click.option("--id-col", help="Column(s) with a stable id, comma-separated: first non-empty wins.")
@click.option("--id-prefix", help="Prefix for ids (default: the source name).")
@click.option(
    "--parent-col",
    help="Column with the id of an already imported place whose point rows without "
    "coordinates borrow (marked approximate).",
)
@click.option("--source", help="Source name shown by `gazetteer list` (default csv:<file stem>).")
@_FORMAT
def add_csv_cmd(
    file: Path,
    name_col: str,
    lat_col: str | None,
    lon_col: str | None,
    alt_cols: str,
    country: str | None,
    country_col: str | None,
    admin1_col: str | None,
    admin2_col: str | None,
    feature: str,
    feature_col: str | None,
    id_col: str | None,
    id_prefix: str | None,
    parent_col: str | None,
    source: str | None,
    fmt: str,
) -> None:
    """Import places from a CSV file with coordinates.

    \b
    Examples (OCHA Syria common operational datasets):
      fogwatch gazetteer add csv syr_admin3_subdistricts.csv --name-col adm3_name \\
          --lat-col center_lat --lon-col center_lon --alt-cols adm3_name1,adm3_ref_n \\
          --country SY --admin1-col adm1_name --feature admin3 \\
          --id-col adm3_pcode --id-prefix ocha
      fogwatch gazetteer add csv syr_city_neighbourhoods.csv --name-col neighborho \\
          --alt-cols neighbor_1,neighbor_3 --country SY --admin1-col adm1_en \\
          --feature neighbourhood --id-col neighbor_2 --id-prefix ocha \\
          --parent-col adm3_pcode
    """
    alts = tuple(c.strip() for c in alt_cols.split(",") if c.strip())
    info = _run(
        lambda: importers.add_csv(
            file,
            name_col,
            lat_col,
            lon_col,
            alt_cols=alts,
            country=country,
            feature=feature,
            admin1_col=admin1_col,
            admin2_col=admin2_col,
            country_col=country_col,
            feature_col=feature_col,
            id_col=id_col,
            id_prefix=id_prefix,
            parent_col=parent_col,
            source=source,
        )
    )
    _print_sources([info], fmt, "added")
    if info.skipped and fmt == "table":
        click.echo(f"skipped {info.skipped} rows without a name or coordinates", err=True)


@gazetteer.command("list")
@_FORMAT
def list_cmd(fmt: str) -> None:
    """List the sources loaded into the gazetteer.

    \b
    Example:
      fogwatch gazetteer list --format json
    """
    _print_sources(importers.list_sources(), fmt, "gazetteer sources")


@gazetteer.command("stats")
@_FORMAT
def stats_cmd(fmt: str) -> None:
    """Show counts by source, feature class and country, file size and build time.

    \b
    Example:
      fogwatch gazetteer stats --format json
    """
    data = importers.stats()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = [
        ["places", data["places"]],
        ["keys", data["keys"]],
        ["countries", data["countries"]],
        ["file", f"{data['path']} ({data['size_mb']} MB)"],
        ["built", f"{data['built']} in {data['build_seconds']} s"],
    ]
    rows += [[f"source {k}", v] for k, v in data["by_source"].items()]
    rows += [[f"feature {k}", v] for k, v in data["by_feature"].items()]
    rows += [[f"country {k}", v] for k, v in data["top_countries"].items()]
    _rich_table("gazetteer", ["what", "count"], rows)


@click.command("geocode")
@click.argument("queries", nargs=-1, required=True)
@click.option("--country", help="Story country (ISO2), e.g. SY: its places score higher.")
@click.option(
    "--context", "context", multiple=True, help="Another place named nearby (repeatable)."
)
@click.option("--limit", default=5, show_default=True, help="Candidates per query.")
def geocode(
    queries: tuple[str, ...], country: str | None, context: tuple[str, ...], limit: int
) -> None:
    """Look place names up; print one JSON line per query, best candidate first.

    A query may carry context after a comma: the province or a nearby town.
    Each line is {"query", "candidates": [{"name", "lat", "lon", "country", "admin1",
    "feature", "score", "id"}, ...]}; an unknown name gives an empty list.

    \b
    Examples:
      fogwatch geocode "Dayr al-Zawr" "Khan Sheikhoun"
      fogwatch geocode "Khan Touman, Aleppo" --country SY
      fogwatch geocode Sinjar --context Idlib
    """
    from fogwatch.places.resolver import PlaceResolver

    resolver = PlaceResolver.default()
    for query in queries:
        cands = resolver.candidates(
            query, country=country.upper() if country else None, context=context
        )
        line = {"query": query, "candidates": [c.to_dict() for c in cands[:limit]]}
        click.echo(json.dumps(line, ensure_ascii=False))

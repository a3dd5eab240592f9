"""Commands of the incidents stage: incidents, incident, link, sources, source, reference, check.

The main group registers them with `main.add_command(...)`; each takes the global
Context (`--db`) through `click.pass_obj`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from fogwatch.cli import FORMATS, emit_json, emit_jsonl, emit_table, figure_text, out
from fogwatch.cli_params import parse_date


def _bbox(_ctx, _param, value: str | None):
    if value is None:
        return None
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError as exc:
        raise click.BadParameter(
            "use minlon,minlat,maxlon,maxlat, e.g. 35.5,32.3,42.4,37.4"
        ) from exc
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise click.BadParameter("use minlon,minlat,maxlon,maxlat with min <= max")
    return tuple(parts)


def _figures(f: dict) -> str:
    if not f or f.get("acled") is None:
        return ""
    spread = f"{f['low']}-{f['high']}" if f.get("low") != f.get("high") else str(f.get("low"))
    return f"{f['acled']} (best {f['best']}, {spread})"


def _incident_row(r: dict) -> dict:
    loc = r.get("location") or {}
    return {
        "id": r["id"],
        "date": r.get("date"),
        "type": r.get("sub_event_type") or r.get("event_type"),
        "place": loc.get("name"),
        "claims": r.get("claims"),
        "origins": r.get("origins"),
        "killed": _figures(r.get("killed") or {}),
        "perpetrators": "; ".join(
            p["name"] + (" (denied)" if p.get("denied_by") else "")
            for p in r.get("perpetrators") or []
        ),
        "grade": r.get("grade"),
        "flags": ", ".join(r.get("flags") or []),
    }


def _emit(rows: list[dict], fmt: str, table_rows, columns: list[str], title: str) -> None:
    if fmt == "json":
        emit_json(rows)
    elif fmt == "jsonl":
        emit_jsonl(rows)
    else:
        emit_table([table_rows(r) for r in rows], columns, title=title)


@click.command("incidents")
@click.option("--bbox", callback=_bbox, metavar="MINLON,MINLAT,MAXLON,MAXLAT")
@click.option("--since", callback=parse_date, metavar="YYYY-MM-DD", help="On or after this day.")
@click.option("--until", callback=parse_date, metavar="YYYY-MM-DD", help="On or before this day.")
@click.option("--type", "event_type", help="ACLED event type or sub-type, e.g. 'Air/drone strike'.")
@click.option("--actor", help="A perpetrator, claimant or denier (substring, any case).")
@click.option("--contested", is_flag=True, help="Only incidents whose claims contradict.")
@click.option("--limit", type=int, help="Show at most this many.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_obj
def incidents_cmd(ctx, bbox, since, until, event_type, actor, contested, limit, fmt) -> None:
    """List incidents: claims from all documents grouped into one record per event.

    \b
    Each incident has its figures as ACLED's conservative minimum and UCDP's
    low/best/high, its origins (independent sources), who blames whom (perpetrators,
    with claimants and deniers), an Airwars-style grade and contradiction flags
    (casualties_disagree, perpetrator_disputed, denied, single_source,
    truce_violation). --contested keeps grade contested or flags casualties_disagree,
    perpetrator_disputed or denied. Newest first.

    \b
    Examples:
      fogwatch incidents --since 2016-09-01 --until 2016-09-30
      fogwatch incidents --bbox 35.5,32.3,42.4,37.4 --type "Air/drone strike"
      fogwatch incidents --actor Russia --contested --format json
    """
    from fogwatch.store.incidents import list_incidents

    rows = list_incidents(ctx.store, bbox, since, until, event_type, actor, contested, limit)
    _emit(
        rows,
        fmt,
        _incident_row,
        [
            "id",
            "date",
            "type",
            "place",
            "claims",
            "origins",
            "killed",
            "perpetrators",
            "grade",
            "flags",
        ],
        f"{len(rows)} incidents",
    )


@click.command("incident")
@click.argument("incident_id")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_obj
def incident_cmd(ctx, incident_id: str, fmt: str) -> None:
    """Show one incident (by id or id prefix) with its claims side by side.

    \b
    Example:
      fogwatch incident i-3f2a9c01d84e6b70
      fogwatch incident i-3f2a9c --format json     # a prefix will do if it names one
    """
    from fogwatch.store.incidents import AmbiguousId, incident_detail

    try:
        detail = incident_detail(ctx.store, incident_id)
    except AmbiguousId as exc:
        raise click.ClickException(str(exc)) from exc
    if detail is None:
        raise click.ClickException(f"no incident with id {incident_id!r}")
    if fmt == "json":
        emit_json(detail)
        return
    if fmt == "jsonl":
        emit_jsonl([detail])
        return
    row = _incident_row(detail)
    out.print(
        f"[bold]{row['id']}[/bold]  {row['type']}  {row['date']}  {row['place']}  "
        f"grade={row['grade']}  origins={row['origins']}  flags={row['flags'] or '-'}"
    )
    out.print(
        f"killed {_figures(detail.get('killed') or {}) or '-'}   "
        f"injured {_figures(detail.get('injured') or {}) or '-'}   (acled (best, low-high))"
    )
    for p in detail.get("perpetrators") or []:
        denied = f"; denied by {', '.join(p['denied_by'])}" if p.get("denied_by") else ""
        blamed = ", ".join(p["claimants"]) or "nobody"
        out.print(f"  {p['name']}: blamed by {blamed}{denied}")
    emit_table(
        [_claim_side(c) for c in detail["claim_records"]],
        [
            "outlet",
            "claimant",
            "killed",
            "injured",
            "stance",
            "date",
            "place",
            "blames",
            "evidence",
        ],
        title="claims",
    )


def _claim_side(c: dict) -> dict:
    return {
        "outlet": c.get("outlet") or c.get("document"),
        "claimant": (c.get("claimant") or {}).get("name"),
        "killed": figure_text(c.get("killed")),
        "injured": figure_text(c.get("injured")),
        "stance": c.get("stance"),
        "date": c.get("date"),
        "place": (c.get("location") or {}).get("name"),
        "blames": ", ".join(a["name"] for a in c.get("perpetrators") or []),
        "evidence": (c.get("evidence") or {}).get("text"),
    }


@click.command("link")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Also derive every incident's figures, grade and flags again from its claims "
    "(after an upgrade or an edit of incident_rules.yaml).",
)
@click.pass_obj
def link_cmd(ctx, fmt: str, rebuild: bool = False) -> None:
    """Link stored claims that have no incident yet (documents ingested before linking).

    \b
    Linking is incremental and order-independent: running it again changes nothing.
    Examples:
      fogwatch link && fogwatch incidents --contested
      fogwatch link --rebuild        # re-grade stored incidents under the current rules
    """
    from fogwatch.store.incidents import link_all, rebuild_incidents

    changed = link_all(ctx.store)
    if rebuild:
        changed = sorted(set(changed) | set(rebuild_incidents(ctx.store)))
    if fmt == "json":
        emit_json({"changed_incidents": changed})
    else:
        out.print(f"{len(changed)} incidents created or changed")


def _profile_row(p: dict) -> dict:
    blames = ", ".join(f"{k} {v}" for k, v in list(p["blames"].items())[:3])
    return {
        **p,
        "blames": blames,
        "vs_best": "" if p["median_ratio"] is None else f"x{p['median_ratio']}",
        "above/below": ""
        if p["share_above"] is None
        else f"{p['share_above']:.0%}/{p['share_below']:.0%}",
        "only_source": f"{p['only_source']}/{p['incidents']}",
    }


PROFILE_COLUMNS = ["name", "role", "claims", "incidents", "vs_best", "above/below", "blames",
                   "denials", "only_source"]  # fmt: skip


def _profiles(store):
    from fogwatch.incidents.profiles import profiles
    from fogwatch.store.incidents import all_incidents, linked_claims

    return profiles(linked_claims(store), all_incidents(store))


@click.command("sources")
@click.option(
    "--role", type=click.Choice(["outlet", "claimant"]), help="Only outlets or claimants."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_obj
def sources_cmd(ctx, role: str | None, fmt: str) -> None:
    """Profile every outlet and claimant: figures vs consensus, blame, denials.

    \b
    vs_best is the median of (its killed figure / the incident's best figure);
    above/below the share of its figures above and below best; only_source how many
    of its incidents nobody else reports.

    \b
    Examples:
      fogwatch sources
      fogwatch sources --role claimant --format json
    """
    rows = [p.as_dict() for p in _profiles(ctx.store) if role is None or p.role == role]
    _emit(rows, fmt, _profile_row, PROFILE_COLUMNS, f"{len(rows)} sources")


@click.command("source")
@click.argument("name")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_obj
def source_cmd(ctx, name: str, fmt: str) -> None:
    """Profile one outlet or claimant (exact name, else a substring, any case).

    \b
    Example:
      fogwatch source "Syrian Observatory for Human Rights" --format json
    """
    from fogwatch.incidents.profiles import find_profiles

    found = [p.as_dict() for p in find_profiles(_profiles(ctx.store), name)]
    if not found:
        raise click.ClickException(f"no outlet or claimant named {name!r}")
    _emit(found, fmt, _profile_row, PROFILE_COLUMNS, name)


# --------------------------------------------------------------------------- reference


@click.group("reference", invoke_without_command=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_context
def reference_cmd(click_ctx: click.Context, fmt: str) -> None:
    """Trusted datasets to check claims against; lists them, or `reference add FILE`.

    \b
    Examples:
      fogwatch reference add acled_syria_2016.csv --format acled
      fogwatch reference add ged.csv --format ucdp
      fogwatch reference add deaths.csv --format counts --date-col day --place-col town
      fogwatch reference
    """
    if click_ctx.invoked_subcommand:
        return
    from fogwatch.store.reference import reference_sets

    rows = reference_sets(click_ctx.obj.store)
    _emit(rows, fmt, lambda r: r, ["id", "name", "format", "rows", "imported_at"], "reference sets")


@reference_cmd.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["acled", "ucdp", "csv", "counts"]),
    required=True,
    help="acled/ucdp exports, any event csv, or deaths per place and day (counts).",
)
@click.option("--date-col", default="date", show_default=True, help="csv/counts: date column.")
@click.option("--lat-col", default="latitude", show_default=True, help="csv: latitude column.")
@click.option("--lon-col", default="longitude", show_default=True, help="csv: longitude column.")
@click.option("--place-col", default="place", show_default=True, help="csv/counts: place name.")
@click.option("--deaths-col", default="deaths", show_default=True, help="csv/counts: deaths.")
@click.option(
    "--type-col", default="type", show_default=True, help="csv: ACLED (sub-)type; counts: cause."
)
@click.option("--admin1-col", default="admin1", show_default=True, help="csv: province column.")
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON.")
@click.pass_obj
def reference_add(ctx, file: Path, fmt: str, as_json: bool, **cols) -> None:
    """Import FILE as a reference dataset (kept in the store, not copied elsewhere).

    \b
    Examples:
      fogwatch reference add acled_2020-05.csv --format acled
      fogwatch reference add tolls.csv --format counts --place-col governorate --deaths-col killed
    """
    from fogwatch.store.reference import ColumnMap, ReferenceError, add_reference

    columns = ColumnMap(
        date=cols["date_col"],
        lat=cols["lat_col"],
        lon=cols["lon_col"],
        place=cols["place_col"],
        deaths=cols["deaths_col"],
        type=cols["type_col"],
        admin1=cols["admin1_col"],
    )
    try:
        summary = add_reference(ctx.store, file, fmt, columns)
    except (ReferenceError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        emit_json(summary)
    else:
        out.print(
            f"reference set {summary['id']}: {summary['rows_kept']} rows from {file.name} "
            f"({summary['skipped_undated']} without a date skipped)"
        )


@click.command("check")
@click.argument("documents", nargs=-1)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_obj
def check_cmd(ctx, documents: tuple[str, ...], fmt: str) -> None:
    """Check stored claims against the reference datasets; score each document.

    \b
    Each claim is consistent, inconsistent (with the difference, e.g. "claim 80 vs
    reference 3") or not_in_reference. A document's score is the share of its matched
    claims that are consistent; coverage is the share matched at all. DOCUMENTS are
    ids, id prefixes or names; none means every stored document.

    \b
    Examples:
      fogwatch reference add acled.csv --format acled && fogwatch check
      fogwatch check report.txt --format json
    """
    from fogwatch.incidents.reference import check_claims, score_documents
    from fogwatch.model import Claim

    store = ctx.store
    if documents:
        ids = []
        for key in documents:
            row = store.find_document(key)
            if row is None:
                raise click.ClickException(f"no document with id or name {key!r}")
            ids.append(row.id)
        records = [r for i in ids for r in store.claims(i)]
    else:
        records = store.claims()
    checks = check_claims(store, [Claim.model_validate(r) for r in records])
    scores = score_documents(checks)
    if fmt == "json":
        emit_json(
            {"documents": [s.as_dict() for s in scores], "claims": [c.as_dict() for c in checks]}
        )
    elif fmt == "jsonl":
        emit_jsonl(c.as_dict() for c in checks)
    else:
        emit_table(
            [c.as_dict() for c in checks], ["claim", "document", "label", "reason"], title="claims"
        )
        emit_table(
            [s.as_dict() for s in scores],
            [
                "document",
                "claims",
                "consistent",
                "inconsistent",
                "not_in_reference",
                "score",
                "coverage",
            ],  # fmt: skip
            title=f"checked {dt.date.today().isoformat()}",
        )


COMMANDS = [
    incidents_cmd,
    incident_cmd,
    link_cmd,
    sources_cmd,
    source_cmd,
    reference_cmd,
    check_cmd,
]

"""Read endpoints: incidents, claims, documents, sources, facets, health.

Handlers only translate HTTP into `fogwatch.api.queries` calls; the filtering lives
there so exports run the same code. Filters are typed and bounded here (dates are dates,
grades an enum, strings capped), so a malformed value is a 4xx before any query runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse

from fogwatch import __version__
from fogwatch.api import queries
from fogwatch.api.geo import GEOJSON_MEDIA_TYPE, feature_collection, wants_geojson
from fogwatch.api.schemas import (
    ClaimPage,
    DocumentDetail,
    Facets,
    Health,
    IncidentDetail,
    IncidentPage,
    Problem,
    SourceProfile,
    SourceSummary,
    UiConfig,
)
from fogwatch.store.db import Store

router = APIRouter()

Grade = Literal["confirmed", "fair", "weak", "contested", "discounted"]
Format = Literal["json", "geojson"]

BBOX_PATTERN = r"^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$"

BBoxQ = Annotated[
    str | None,
    Query(
        description="west,south,east,north in degrees (WGS84); west > east crosses 180°.",
        pattern=BBOX_PATTERN,
        max_length=100,
        examples=["35.5,32.0,42.5,37.5"],
    ),
]
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SinceQ = Annotated[
    str | None,
    Query(
        description="Incidents ending on or after this day (YYYY-MM-DD).",
        pattern=DATE_PATTERN,
        json_schema_extra={"format": "date"},
        examples=["2016-10-01"],
    ),
]
UntilQ = Annotated[
    str | None,
    Query(
        description="Incidents starting on or before this day (YYYY-MM-DD).",
        pattern=DATE_PATTERN,
        json_schema_extra={"format": "date"},
        examples=["2017-12-31"],
    ),
]
TypeQ = Annotated[
    str | None,
    Query(
        max_length=80,
        description="ACLED event type or sub-event type.",
        examples=["Air/drone strike"],
    ),
]
ActorQ = Annotated[
    str | None,
    Query(max_length=200, description="An actor named as perpetrator, target or claimant."),
]
OutletQ = Annotated[str | None, Query(max_length=200, description="An outlet that reported it.")]
SearchQ = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Full-text search over evidence sentences, document titles, places and "
        "actors. All words must match; the last is matched as a prefix.",
        examples=["market"],
    ),
]
CursorQ = Annotated[
    str | None, Query(max_length=400, description="`next_cursor` of the previous page.")
]
LimitQ = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="Page size.")]
FormatQ = Annotated[
    Format | None,
    Query(description="`geojson` for a FeatureCollection (same as Accept: application/geo+json)."),
]
AcceptH = Annotated[str | None, Header(include_in_schema=False)]

BAD_REQUEST: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A filter or cursor that cannot be understood."}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such item."}
}


def store_of(request: Request) -> Store:
    return request.app.state.store


def bbox_of(value: str | None) -> queries.BBox | None:
    return queries.BBox.parse(value) if value else None


def day_of(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD day; strict, so '0' is not read as the Unix epoch."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise queries.BadQuery(f"{name} must be a date like 2017-03-14") from exc


def geojson_response(items: list[dict], next_cursor: str | None) -> JSONResponse:
    return JSONResponse(feature_collection(items, next_cursor), media_type=GEOJSON_MEDIA_TYPE)


@router.get(
    "/api/incidents",
    response_model=IncidentPage,
    responses=BAD_REQUEST,
    tags=["incidents"],
    summary="List incidents, newest first",
)
def list_incidents(
    request: Request,
    bbox: BBoxQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    type: TypeQ = None,  # noqa: A002 - the public parameter name
    actor: ActorQ = None,
    outlet: OutletQ = None,
    grade: Annotated[Grade | None, Query(description="Airwars-style grade.")] = None,
    contested: Annotated[
        bool | None,
        Query(
            description="true: only incidents whose sources disagree (toll, blame, denial) "
            "or graded contested; false: only the others."
        ),
    ] = None,
    q: SearchQ = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
    format: FormatQ = None,  # noqa: A002
    accept: AcceptH = None,
) -> Any:
    """Incidents matching every filter given, with their figures, grade and disputes.

    Page with `next_cursor`. Send `Accept: application/geo+json` or `?format=geojson`
    for a GeoJSON FeatureCollection (incidents without coordinates have null geometry).
    """
    filters = queries.IncidentFilter(
        bbox=bbox_of(bbox),
        since=day_of(since, "since"),
        until=day_of(until, "until"),
        type=type,
        actor=actor,
        outlet=outlet,
        grade=grade,
        contested=contested,
        q=q,
    )
    items, next_cursor = queries.list_incidents(store_of(request), filters, cursor, limit)
    if wants_geojson(format, accept):
        return geojson_response(items, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/api/incidents/{incident_id}",
    response_model=IncidentDetail,
    responses=NOT_FOUND,
    tags=["incidents"],
    summary="One incident with every claim and its evidence",
)
def get_incident(request: Request, incident_id: Annotated[str, Path(max_length=60)]) -> Any:
    """Every outlet's version side by side: each claim with its evidence sentence in
    context (`claim_records[].context`) and the documents they come from."""
    detail = queries.get_incident(store_of(request), incident_id)
    if detail is None:
        raise HTTPException(404, "no such incident")
    return detail


@router.get(
    "/api/claims",
    response_model=ClaimPage,
    responses=BAD_REQUEST,
    tags=["claims"],
    summary="List claims",
)
def list_claims(
    request: Request,
    bbox: BBoxQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    type: TypeQ = None,  # noqa: A002
    actor: ActorQ = None,
    outlet: OutletQ = None,
    claimant: Annotated[
        str | None, Query(max_length=200, description="Who made the claim.")
    ] = None,
    stance: Annotated[Literal["asserts", "denies"] | None, Query()] = None,
    incident: Annotated[str | None, Query(max_length=60, description="Incident id.")] = None,
    document: Annotated[str | None, Query(max_length=60, description="Document id.")] = None,
    q: SearchQ = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
    format: FormatQ = None,  # noqa: A002
    accept: AcceptH = None,
) -> Any:
    """Claims matching every filter, in id order, each with where it was read."""
    filters = queries.ClaimFilter(
        bbox=bbox_of(bbox),
        since=day_of(since, "since"),
        until=day_of(until, "until"),
        type=type,
        actor=actor,
        outlet=outlet,
        claimant=claimant,
        stance=stance,
        incident=incident,
        document=document,
        q=q,
    )
    items, next_cursor = queries.list_claims(store_of(request), filters, cursor, limit)
    if wants_geojson(format, accept):
        return geojson_response(items, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/api/documents/{document_id}",
    response_model=DocumentDetail,
    responses=NOT_FOUND,
    tags=["documents"],
    summary="A document's text with its claims and their spans",
)
def get_document(request: Request, document_id: Annotated[str, Path(max_length=60)]) -> Any:
    """The text as ingested; `spans` give the [start, end) characters each claim rests on."""
    detail = queries.get_document(store_of(request), document_id)
    if detail is None:
        raise HTTPException(404, "no such document")
    return detail


@router.get(
    "/api/sources",
    response_model=list[SourceSummary],
    tags=["sources"],
    summary="Outlets and claimants",
)
def list_sources(request: Request) -> Any:
    """Every outlet (who published) and claimant (who said it), with counts."""
    return queries.list_sources(store_of(request))


@router.get(
    "/api/sources/{name:path}",
    response_model=SourceProfile,
    responses=NOT_FOUND,
    tags=["sources"],
    summary="An outlet's or claimant's profile",
)
def get_source(request: Request, name: Annotated[str, Path(max_length=200)]) -> Any:
    """Counts, its casualty figures against each incident's best estimate, whom it blamed."""
    profile = queries.source_profile(store_of(request), name)
    if profile is None:
        raise HTTPException(404, "no such outlet or claimant")
    return profile


@router.get("/api/facets", response_model=Facets, tags=["meta"], summary="Filter values")
def get_facets(request: Request) -> Any:
    """Event types, outlets, actors and grades present in the store, for filter menus."""
    return queries.facets(store_of(request))


@router.get("/api/admin-areas", include_in_schema=False)
def get_admin_areas(level: Annotated[int, Query(ge=1, le=3)] = 1) -> JSONResponse:
    """Syrian governorate (1), district (2) or sub-district (3) outlines as GeoJSON, from
    the package (OCHA, CC BY-IGO): the map draws them with no network."""
    from fogwatch.places.geo import outlines

    return JSONResponse(
        outlines(level),
        media_type=GEOJSON_MEDIA_TYPE,
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/api/config", response_model=UiConfig, tags=["meta"], summary="UI settings")
def get_config(request: Request) -> Any:
    """What the web UI needs to know about this server (the optional tile layer)."""
    return {
        "version": __version__,
        "tile_url": request.app.state.tile_url,
        "tile_attribution": request.app.state.tile_attribution,
    }


@router.get("/api/health", response_model=Health, tags=["meta"], summary="Liveness and counts")
def health(request: Request) -> Any:
    store = store_of(request)
    return {
        "status": "ok",
        "version": __version__,
        "database": store.engine.dialect.name,
        "search": queries.search_backend(store),
        "extractor": request.app.state.extractor.state,
        "counts": store.stats(),
    }

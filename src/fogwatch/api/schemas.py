"""Response and request models of the API, so /openapi.json says exactly what is sent.

Claims and incidents reuse the records of `fogwatch.model` unchanged and only add what
the API computes (where a claim was read, what an incident's sources dispute), so a
client that reads `fogwatch extract` output reads these too.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fogwatch.model import Claim, Count, Incident, Record

Dispute = Literal["toll", "blame", "denial"]
Role = Literal["outlet", "claimant"]

CLAIM_EXAMPLE = {
    "id": "c-3b27e136d6f5d0a0-0007",
    "document": "levant-ledger_homs.txt",
    "segment": 0,
    "incident": "i-0a1b2c3d4e5f6071",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "date": "2016-10-25",
    "date_end": None,
    "date_precision": "day",
    "location": {
        "name": "Homs",
        "lat": 34.727,
        "lon": 36.723,
        "country": "SY",
        "admin1": "Homs",
        "precision": 1,
        "text": "in Homs",
        "gazetteer_id": "geonames:169577",
    },
    "perpetrators": [],
    "targets": [],
    "killed": {"low": 8, "high": 8, "qualifier": "exact", "text": "eight people had died"},
    "injured": None,
    "victims": {"civilians": None, "combatants": None, "children": None, "women": None},
    "claimant": {"name": "Governor of Homs", "aliases": [], "text": None, "kind": "official"},
    "outlet": "Levant Ledger",
    "stance": "asserts",
    "evidence": {"text": "The governor said eight people had died.", "start": 120, "end": 161},
    "confidence": 0.8,
    "syndication_group": None,
    "place_mentions": [],
    "document_id": "d-3b27e136d6f5d0a0",
    "document_title": "Car bomb in Homs",
    "published": "2016-10-25",
}

INCIDENT_EXAMPLE = {
    "id": "i-0a1b2c3d4e5f6071",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Remote explosive/landmine/IED",
    "date": "2016-10-25",
    "date_end": None,
    "location": {"name": "Homs", "lat": 34.727, "lon": 36.723, "country": "SY", "precision": 1},
    "claims": 3,
    "origins": 2,
    "killed": {"acled": 8, "low": 8, "best": 10, "high": 15},
    "injured": {"acled": None, "low": 30, "best": 30, "high": 30},
    "perpetrators": [{"name": "Islamic State", "claimants": ["Islamic State"], "denied_by": []}],
    "grade": "fair",
    "flags": [],
    "claim_ids": ["c-3b27e136d6f5d0a0-0001", "c-3b27e136d6f5d0a0-0002", "c-9f00aa11c2e4b638-0001"],
    "outlets": ["Coastal State News", "Levant Ledger"],
    "disputes": ["toll"],
    "contested": True,
}


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(ApiModel):
    """An error: what was wrong, in words."""

    detail: str


class EvidenceContext(ApiModel):
    """The evidence sentence with the text around it, to highlight it in place."""

    before: str
    text: str
    after: str
    start: int
    end: int
    truncated_before: bool
    truncated_after: bool


class ClaimOut(Claim):
    """A claim record plus where it was read."""

    model_config = ConfigDict(json_schema_extra={"examples": [CLAIM_EXAMPLE]})

    document_id: str | None = Field(
        None, description="Id of the stored document (see /api/documents)."
    )
    document_title: str | None = None
    published: dt.date | None = Field(None, description="The document's publication date.")


class ClaimInIncident(ClaimOut):
    context: EvidenceContext | None = None


class IncidentOut(Incident):
    """An incident record plus what its sources disagree on."""

    model_config = ConfigDict(json_schema_extra={"examples": [INCIDENT_EXAMPLE]})

    outlets: list[str] = Field(default_factory=list, description="Outlets whose claims it holds.")
    disputes: list[Dispute] = Field(
        default_factory=list,
        description="toll: killed figures that cannot all be true; blame: claims name "
        "different perpetrators; denial: some claim denies the act or responsibility.",
    )
    contested: bool = Field(
        False,
        description="Graded contested, or flagged casualties_disagree, perpetrator_disputed or "
        "denied: the one definition the CLI, the API and the exports share.",
    )


class DocumentSummary(ApiModel):
    id: str
    name: str
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    language: str | None = None
    syndication_group: str | None = None


class IncidentDetail(IncidentOut):
    claim_records: list[ClaimInIncident] = Field(
        default_factory=list, description="Every claim, each with its evidence in context."
    )
    documents: list[DocumentSummary] = Field(default_factory=list)


class IncidentPage(ApiModel):
    items: list[IncidentOut]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page.")


class ClaimPage(ApiModel):
    items: list[ClaimOut]
    next_cursor: str | None = None


class SegmentOut(ApiModel):
    index: int
    start: int
    end: int
    heading: str | None = None
    source: str | None = None
    time: str | None = None
    kind: str
    syndication_group: str | None = None


class Span(ApiModel):
    """Characters [start, end) of the document's text that a claim rests on."""

    start: int
    end: int
    claim_id: str


class DocumentDetail(DocumentSummary):
    text: str
    notes: list[str] = Field(default_factory=list)
    segments: list[SegmentOut] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    claims: list[ClaimOut] = Field(default_factory=list)
    incidents: list[str] = Field(default_factory=list)


class SourceSummary(ApiModel):
    name: str
    roles: list[Role]
    documents: int = Field(description="Documents published (as outlet).")
    claims: int
    incidents: int


class NamedCount(ApiModel):
    name: str
    count: int


class Blame(ApiModel):
    actor: str
    asserts: int = Field(description="Claims holding this actor responsible.")
    denies: int = Field(description="Claims denying this actor's responsibility.")


class FigureRelations(ApiModel):
    above: int
    within: int
    below: int


class SourceFigure(ApiModel):
    claim_id: str
    incident: str | None = None
    document_id: str | None = None
    date: dt.date | None = None
    place: str | None = None
    claimant: str | None = None
    outlet: str | None = None
    killed: Count | None = None
    injured: Count | None = None
    consensus_killed: int | None = Field(None, description="The incident's best estimate.")
    relation: Literal["above", "within", "below"] | None = Field(
        None, description="Where this claim's killed figure lies against the best estimate."
    )


class SourceProfile(ApiModel):
    """An outlet's or claimant's record: what it said, how its figures compare, whom it blamed."""

    name: str
    roles: list[Role]
    documents: int
    claims: int
    incidents: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    stances: dict[str, int]
    event_types: list[NamedCount]
    figures: list[SourceFigure]
    figure_relations: FigureRelations
    blames: list[Blame]
    claimants_cited: list[NamedCount] = Field(description="As an outlet: whom it quoted.")
    carried_by: list[NamedCount] = Field(description="As a claimant: which outlets carried it.")
    incident_ids: list[str]


class Health(ApiModel):
    status: Literal["ok"]
    version: str
    database: str = Field(description="Backend: sqlite or postgresql.")
    search: str = Field(description="Full-text search backend.")
    extractor: Literal["loaded", "not loaded", "unavailable"]
    counts: dict[str, int]


class UiConfig(ApiModel):
    version: str
    tile_url: str | None = Field(None, description="Tile URL template, when serving with --tiles.")
    tile_attribution: str | None = None


class Facets(ApiModel):
    types: list[str]
    outlets: list[str]
    actors: list[str]
    grades: list[str]


class IngestText(ApiModel):
    """Either `text` (with optional metadata) or a `url` to fetch; not both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Shelling hit the eastern district on Monday, killing four...",
                    "title": "Shelling in the east",
                    "outlet": "Example Wire",
                    "published": "2017-03-14",
                },
                {"url": "https://news.example.org/2017/03/14/report.html"},
            ]
        },
    )

    text: str | None = Field(None, min_length=1, max_length=2_000_000)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=200)
    published: dt.date | None = None
    url: str | None = Field(
        None,
        max_length=2000,
        pattern=r"^https?://",
        description="With `text`: the article's address. Alone: fetched (public hosts only).",
    )
    name: str | None = Field(None, max_length=200, description="A name for the text.")

    @model_validator(mode="after")
    def _text_or_url(self) -> IngestText:
        if self.text is None and self.url is None:
            raise ValueError("give text, or a url to fetch")
        return self


class IngestFailure(Record):
    source: str
    reason: str


class IngestResult(ApiModel):
    read: int
    stored: int
    skipped_existing: int
    claims: int
    errors: list[IngestFailure]
    documents: list[str] = Field(default_factory=list, description="Ids of the documents read.")


class Point(ApiModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[lon, lat]")


class IncidentFeature(ApiModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Point | None
    properties: IncidentOut


class IncidentFeatureCollection(ApiModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[IncidentFeature]
    next_cursor: str | None = None


class ClaimFeature(ApiModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Point | None
    properties: ClaimOut


class ClaimFeatureCollection(ApiModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[ClaimFeature]
    next_cursor: str | None = None

"""The records that flow between fogwatch's stages.

Data flows one way: ingest -> extract -> resolve places -> link incidents -> store -> serve.
Every stage takes and returns the types below, and nothing else, so a stage can be
replaced or tested on its own. Field names of `Claim` follow the claim record in
`docs/claims.md`; the scorer and outside evaluation read them unchanged, so they are
never renamed, only added to.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Stance = Literal["asserts", "denies"]
DatePrecision = Literal["day", "week", "month", "year"]
Qualifier = Literal["exact", "at_least", "at_most", "about", "range", "vague"]
Role = Literal["main", "related", "background"]
ClaimantKind = Literal[
    "government",
    "military",
    "monitor",
    "outlet",
    "armed_group",
    "official",
    "witness",
    "activist",
    "ngo",
    "other",
]


class Record(BaseModel):
    """Base for all records: strict about unknown fields, cheap to copy."""

    model_config = ConfigDict(extra="forbid", frozen=False)


# --------------------------------------------------------------------------- ingest


class Segment(Record):
    """One story inside a page: a live-blog update, a republished piece, a dateline story.

    `start`/`end` are character offsets into the owning document's `text`, so evidence
    offsets computed inside a segment map straight back to the document.
    """

    index: int
    start: int
    end: int
    heading: str | None = None
    source: str | None = Field(None, description="Byline or 'Source:' line, e.g. 'RT'.")
    author: str | None = Field(
        None, description="The person a byline names, when `source` is a person, not an outlet."
    )
    time: str | None = Field(None, description="Time as written: '1400 GMT', '6:00 A.M.'.")
    kind: Literal["lead", "update", "original", "story", "piece", "dateline", "body"] = "body"
    syndication_group: str | None = None


class Document(Record):
    """One ingested text with its metadata. `id` is a stable hash of the text."""

    id: str
    name: str = Field(description="File name, URL or record id the text came from.")
    text: str
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    notes: list[str] = Field(default_factory=list, description="Ingest warnings, e.g. decoding.")
    segments: list[Segment] = Field(default_factory=list)
    syndication_group: str | None = None


class IngestError(Record):
    """A bad input: which one, and why. The batch goes on without it."""

    source: str
    reason: str


# --------------------------------------------------------------------------- claims


class Location(Record):
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = Field(None, description="District (OCHA name), from the polygons.")
    admin3: str | None = Field(None, description="Sub-district (OCHA name), from the polygons.")
    precision: int | None = Field(None, ge=1, le=3, description="ACLED geo_precision 1-3.")
    text: str | None = None
    gazetteer_id: str | None = None


class ActorRef(Record):
    name: str
    aliases: list[str] = Field(default_factory=list)
    text: str | None = None
    side: str | None = None
    inter: int | None = Field(None, description="ACLED inter code 1-8.")
    country: str | None = None


class Count(Record):
    """A figure as stated: 'at least 80' is low=80, high=None, qualifier='at_least'."""

    low: int | None = None
    high: int | None = None
    qualifier: Qualifier = "exact"
    text: str | None = None


class Victims(Record):
    civilians: int | None = None
    combatants: int | None = None
    children: int | None = None
    women: int | None = None


class Claimant(Record):
    name: str
    aliases: list[str] = Field(default_factory=list)
    text: str | None = None
    kind: str = "outlet"


class Evidence(Record):
    text: str
    start: int
    end: int


class Claim(Record):
    """One source's statement about one incident, with the sentence that says it."""

    id: str
    document: str
    segment: int
    incident: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    date: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: DatePrecision | None = None
    location: Location | None = None
    perpetrators: list[ActorRef] = Field(default_factory=list)
    targets: list[ActorRef] = Field(default_factory=list)
    killed: Count | None = None
    injured: Count | None = None
    victims: Victims = Field(default_factory=Victims)
    claimant: Claimant | None = None
    outlet: str | None = Field(
        None, description="The document's publisher (metadata, else the page); never a byline."
    )
    author: str | None = Field(None, description="The person a byline names, if any.")
    stance: Stance = "asserts"
    evidence: Evidence
    confidence: float = 0.5
    syndication_group: str | None = None
    place_mentions: list[PlaceMention] = Field(default_factory=list)
    role: Role = Field(
        "related",
        description="'main' (the article's headline event), 'related' (other news) or "
        "'background' (history, recaps, cumulative tolls: not linked, exported or mapped).",
    )


class PlaceMention(Record):
    """A place named in or near a claim's sentence, before resolution.

    `role` says how the text relates it to the event: 'in', 'near', 'outskirts',
    'direction' ('south of X'), 'admin' ('X Province') or 'other'.
    """

    text: str
    start: int
    end: int
    role: str = "in"
    admin_hint: str | None = None


Claim.model_rebuild()


# --------------------------------------------------------------------------- incidents


class Figures(Record):
    """An incident's figure derived from its claims; see docs/claims.md for the rules."""

    acled: int | None = None
    low: int | None = None
    best: int | None = None
    high: int | None = None


class PerpetratorClaim(Record):
    name: str
    claimants: list[str] = Field(default_factory=list)
    denied_by: list[str] = Field(default_factory=list)


class Incident(Record):
    id: str
    event_type: str | None = None
    sub_event_type: str | None = None
    date: dt.date | None = None
    date_end: dt.date | None = None
    location: Location | None = None
    claims: int = 0
    origins: int = 0
    killed: Figures = Field(default_factory=Figures)
    injured: Figures = Field(default_factory=Figures)
    perpetrators: list[PerpetratorClaim] = Field(default_factory=list)
    grade: Literal["confirmed", "fair", "weak", "contested", "discounted"] = "weak"
    flags: list[str] = Field(default_factory=list)
    contested: bool = Field(
        False,
        description="The sources contradict each other: graded contested, or flagged "
        "casualties_disagree, perpetrator_disputed or denied (one definition for every reader).",
    )
    civilian_harm: Literal["yes", "no", "unknown"] = Field(
        "unknown",
        description="Whether the claims report civilian victims: yes when any credible claim "
        "names civilians, no when every credible toll names combatants only. Not a grade.",
    )
    claim_ids: list[str] = Field(default_factory=list)

"""A small fictional corpus stored through the real Store, shared by the API, export and
browser tests (imported by them; it holds no tests itself).

Every article here is invented for fogwatch's tests; outlets are invented, places real.
It holds one incident that five claims disagree on (toll, blame and denials), incidents
with agreeing sources, single-source ones, one without coordinates, and one in Iraq, so
filters, paging, maps and exports all have something to tell apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from hashlib import sha256

from sqlalchemy import update

from fogwatch.ids import claim_id
from fogwatch.incidents.reconcile import is_contested
from fogwatch.model import (
    ActorRef,
    Claim,
    Claimant,
    Count,
    Document,
    Evidence,
    Figures,
    Incident,
    Location,
    PerpetratorClaim,
    Segment,
    Victims,
)
from fogwatch.store import Store
from fogwatch.store.schema import ClaimRow, IncidentRow

SARAQIB = Location(
    name="Saraqib", lat=35.8645, lon=36.8059, country="SY", admin1="Idlib", precision=1,
    gazetteer_id="geonames:164816",
)  # fmt: skip
HOMS = Location(
    name="Homs", lat=34.7268, lon=36.7234, country="SY", admin1="Homs", precision=1,
    gazetteer_id="geonames:169577",
)  # fmt: skip
RAQQA = Location(
    name="Raqqa", lat=35.9528, lon=39.0079, country="SY", admin1="Raqqa", precision=1,
    gazetteer_id="geonames:163915",
)  # fmt: skip
DEIR = Location(
    name="Deir ez-Zor", lat=35.3359, lon=40.1408, country="SY", admin1="Deir ez-Zor",
    precision=2, gazetteer_id="geonames:170794",
)  # fmt: skip
DARAA = Location(
    name="Daraa", lat=32.6189, lon=36.1021, country="SY", admin1="Daraa", precision=1,
    gazetteer_id="geonames:170592",
)  # fmt: skip
MOSUL = Location(
    name="Mosul", lat=36.335, lon=43.1189, country="IQ", admin1="Nineveh", precision=1,
    gazetteer_id="geonames:99072",
)  # fmt: skip

RU_AIR = ActorRef(name="Russian Air Force", aliases=["Russian warplanes"], side="pro-government")
SY_AIR = ActorRef(name="Syrian Arab Air Force", aliases=["regime aircraft"], side="government")
SY_ARMY = ActorRef(name="Military Forces of Syria", aliases=["Syrian army"], side="government")
IS = ActorRef(name="Islamic State", aliases=["ISIS", "Daesh"], side="jihadist")
REBELS = ActorRef(name="Southern Front", side="opposition")
COALITION = ActorRef(name="Global Coalition against Daesh", aliases=["US-led coalition"])

STRIKE = ("Explosions/Remote violence", "Air/drone strike")
SHELLING = ("Explosions/Remote violence", "Shelling/artillery/missile attack")
IED = ("Explosions/Remote violence", "Remote explosive/landmine/IED")
CLASH = ("Battles", "Armed clash")
AID = ("Strategic developments", "Aid delivery")


def doc_id(text: str) -> str:
    return "d-" + sha256(text.encode()).hexdigest()[:16]


@dataclass
class C:
    """A claim in a fixture article: `sentence` must occur verbatim in the text."""

    sentence: str
    incident: str
    kind: tuple[str, str]
    date: dt.date
    location: Location | None
    claimant: Claimant
    killed: Count | None = None
    injured: Count | None = None
    perpetrators: list[ActorRef] = field(default_factory=list)
    targets: list[ActorRef] = field(default_factory=list)
    stance: str = "asserts"
    victims: Victims = field(default_factory=Victims)


@dataclass
class Article:
    name: str
    outlet: str
    title: str
    published: dt.date
    paragraphs: list[str]
    claims: list[C]
    url: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join([self.title, *self.paragraphs])


def n(k: int, q: str = "exact", text: str | None = None) -> Count:
    return Count(low=k, high=k, qualifier=q, text=text)


def who(name: str, kind: str = "outlet") -> Claimant:
    return Claimant(name=name, kind=kind)


D_SARAQIB = dt.date(2017, 3, 14)

ARTICLES = [
    Article(
        name="courier_saraqib-market.txt",
        outlet="North Ridge Courier",
        title="Market strike in Saraqib leaves rescuers digging through rubble",
        published=D_SARAQIB,
        url="https://courier.example.org/2017/03/14/saraqib-market",
        paragraphs=[
            "SARAQIB - Warplanes hit the covered vegetable market in Saraqib on Tuesday "
            "morning, when the stalls were at their busiest.",
            "At least 21 civilians were killed and more than 40 wounded, the Saraqib Civil "
            "Defence said as its teams worked through the afternoon.",
            "The rescuers said the aircraft were Russian, citing spotters who tracked them "
            "from the coast.",
            "Residents said the market had been open for only an hour when the first bomb fell.",
        ],
        claims=[
            C(
                "At least 21 civilians were killed and more than 40 wounded, the Saraqib Civil "
                "Defence said as its teams worked through the afternoon.",
                "i-saraqib",
                STRIKE,
                D_SARAQIB,
                SARAQIB,
                who("Saraqib Civil Defence", "ngo"),
                killed=Count(low=21, qualifier="at_least", text="At least 21 civilians"),
                injured=Count(low=40, qualifier="at_least", text="more than 40"),
                perpetrators=[RU_AIR],
                victims=Victims(civilians=21),
            ),
        ],
    ),
    Article(
        name="bulletin_saraqib-depot.txt",
        outlet="State Evening Bulletin",
        title="Air force destroys militant depot near Saraqib",
        published=D_SARAQIB,
        paragraphs=[
            "The army general command said an air force raid on Tuesday destroyed an "
            "ammunition depot near Saraqib, killing six militants.",
            "A military source denied that any market had been struck, calling the reports "
            "fabrications.",
            "In Moscow, the defence ministry said no Russian aircraft had flown over Idlib "
            "province that day.",
        ],
        claims=[
            C(
                "The army general command said an air force raid on Tuesday destroyed an "
                "ammunition depot near Saraqib, killing six militants.",
                "i-saraqib",
                STRIKE,
                D_SARAQIB,
                SARAQIB,
                who("Syrian Army General Command", "military"),
                killed=n(6, text="six militants"),
                perpetrators=[SY_AIR],
                victims=Victims(combatants=6),
            ),
            C(
                "A military source denied that any market had been struck, calling the reports "
                "fabrications.",
                "i-saraqib",
                STRIKE,
                D_SARAQIB,
                SARAQIB,
                who("Syrian military source", "military"),
                perpetrators=[SY_AIR],
                stance="denies",
            ),
            C(
                "In Moscow, the defence ministry said no Russian aircraft had flown over Idlib "
                "province that day.",
                "i-saraqib",
                STRIKE,
                D_SARAQIB,
                SARAQIB,
                who("Russian Ministry of Defence", "government"),
                perpetrators=[RU_AIR],
                stance="denies",
            ),
        ],
    ),
    Article(
        name="monitor_saraqib-toll.txt",
        outlet="Valley Monitor",
        title="Saraqib market toll rises to 27",
        published=dt.date(2017, 3, 15),
        paragraphs=[
            "The monitor documented 27 deaths, among them nine children, in the strike on "
            "the Saraqib market.",
            "It said Russian jets carried out the raid.",
        ],
        claims=[
            C(
                "The monitor documented 27 deaths, among them nine children, in the strike on "
                "the Saraqib market.",
                "i-saraqib",
                STRIKE,
                D_SARAQIB,
                SARAQIB,
                who("Valley Monitor", "monitor"),
                killed=n(27, text="27 deaths"),
                perpetrators=[RU_AIR],
                victims=Victims(children=9),
            ),
        ],
    ),
    Article(
        name="courier_homs-car-bomb.txt",
        outlet="North Ridge Courier",
        title="Car bomb near Homs bakery kills nine",
        published=dt.date(2016, 10, 25),
        paragraphs=[
            "A car bomb exploded near a bakery in the Homs district of al-Zahra on Tuesday "
            "evening, and hospital staff said nine people were killed.",
            "Islamic State said one of its members set off the bomb.",
        ],
        claims=[
            C(
                "A car bomb exploded near a bakery in the Homs district of al-Zahra on Tuesday "
                "evening, and hospital staff said nine people were killed.",
                "i-homs",
                IED,
                dt.date(2016, 10, 25),
                HOMS,
                who("hospital staff", "witness"),
                killed=n(9, text="nine people"),
            ),
            C(
                "Islamic State said one of its members set off the bomb.",
                "i-homs",
                IED,
                dt.date(2016, 10, 25),
                HOMS,
                who("Islamic State", "armed_group"),
                perpetrators=[IS],
            ),
        ],
    ),
    Article(
        name="bulletin_homs-blast.txt",
        outlet="State Evening Bulletin",
        title="Terrorist blast in Homs",
        published=dt.date(2016, 10, 26),
        paragraphs=[
            "The governor of Homs said nine citizens died in the terrorist car bombing in "
            "al-Zahra.",
        ],
        claims=[
            C(
                "The governor of Homs said nine citizens died in the terrorist car bombing in "
                "al-Zahra.",
                "i-homs",
                IED,
                dt.date(2016, 10, 25),
                HOMS,
                who("Governor of Homs", "official"),
                killed=n(9, text="nine citizens"),
            ),
        ],
    ),
    Article(
        name="wire_raqqa-ied.txt",
        outlet="Euphrates Desk",
        title="Mine kills returning family in Raqqa",
        published=dt.date(2017, 11, 21),
        paragraphs=[
            "A mine left in a house in western Raqqa killed four members of a family who had "
            "returned on Monday, a local council member said.",
        ],
        claims=[
            C(
                "A mine left in a house in western Raqqa killed four members of a family who had "
                "returned on Monday, a local council member said.",
                "i-raqqa",
                IED,
                dt.date(2017, 11, 20),
                RAQQA,
                who("Raqqa local council", "official"),
                killed=n(4, text="four members of a family"),
                perpetrators=[IS],
            ),
        ],
    ),
    Article(
        name="monitor_deir-shelling.txt",
        outlet="Valley Monitor",
        title="Shelling on Deir ez-Zor outskirts",
        published=dt.date(2017, 5, 9),
        paragraphs=[
            "Between three and five people were killed by shelling on the eastern outskirts "
            "of Deir ez-Zor, the monitor said.",
        ],
        claims=[
            C(
                "Between three and five people were killed by shelling on the eastern outskirts "
                "of Deir ez-Zor, the monitor said.",
                "i-deir",
                SHELLING,
                dt.date(2017, 5, 9),
                DEIR,
                who("Valley Monitor", "monitor"),
                killed=Count(low=3, high=5, qualifier="range", text="Between three and five"),
            ),
        ],
    ),
    Article(
        name="wire_daraa-clashes.txt",
        outlet="Euphrates Desk",
        title="Clashes in Daraa breach truce",
        published=dt.date(2017, 5, 12),
        paragraphs=[
            "Twelve fighters died in clashes between the army and the Southern Front in "
            "Daraa's old quarter, opposition sources said.",
            "State media put the toll at seven, all of them rebels.",
        ],
        claims=[
            C(
                "Twelve fighters died in clashes between the army and the Southern Front in "
                "Daraa's old quarter, opposition sources said.",
                "i-daraa",
                CLASH,
                dt.date(2017, 5, 12),
                DARAA,
                who("opposition sources", "activist"),
                killed=n(12, text="Twelve fighters"),
                perpetrators=[SY_ARMY],
                targets=[REBELS],
            ),
            C(
                "State media put the toll at seven, all of them rebels.",
                "i-daraa",
                CLASH,
                dt.date(2017, 5, 12),
                DARAA,
                who("state media", "outlet"),
                killed=n(7, text="seven"),
                perpetrators=[SY_ARMY],
                targets=[REBELS],
            ),
        ],
    ),
    Article(
        name="wire_douma-aid.txt",
        outlet="Euphrates Desk",
        title="Aid convoy reaches Douma",
        published=dt.date(2016, 10, 19),
        paragraphs=[
            "A convoy of 30 lorries carrying flour and medicine reached Douma on Wednesday, "
            "aid workers said.",
        ],
        claims=[
            C(
                "A convoy of 30 lorries carrying flour and medicine reached Douma on Wednesday, "
                "aid workers said.",
                "i-douma",
                AID,
                dt.date(2016, 10, 19),
                None,
                who("aid workers", "ngo"),
            ),
        ],
    ),
    Article(
        name="courier_mosul-strike.txt",
        outlet="North Ridge Courier",
        title="Dozens feared dead after strike in west Mosul",
        published=dt.date(2017, 3, 18),
        paragraphs=[
            "Residents of west Mosul said dozens of people were buried when a strike "
            "brought down a building on Friday.",
        ],
        claims=[
            C(
                "Residents of west Mosul said dozens of people were buried when a strike "
                "brought down a building on Friday.",
                "i-mosul",
                STRIKE,
                dt.date(2017, 3, 17),
                MOSUL,
                who("residents", "witness"),
                killed=Count(low=12, high=12, qualifier="vague", text="dozens of people"),
                perpetrators=[COALITION],
            ),
        ],
    ),
]

INCIDENTS = {
    "i-saraqib": dict(
        kind=STRIKE, date=D_SARAQIB, location=SARAQIB, grade="contested",
        killed=Figures(acled=6, low=6, best=24, high=27), injured=Figures(low=40, best=40),
        perpetrators=[
            PerpetratorClaim(
                name="Russian Air Force", claimants=["Saraqib Civil Defence", "Valley Monitor"],
                denied_by=["Russian Ministry of Defence"],
            ),
            PerpetratorClaim(
                name="Syrian Arab Air Force", claimants=["Syrian Army General Command"],
                denied_by=["Syrian military source"],
            ),
        ],
        flags=["casualties_disagree", "perpetrator_disputed", "denied"],
        civilian_harm="yes",
    ),
    "i-homs": dict(
        kind=IED, date=dt.date(2016, 10, 25), location=HOMS, grade="fair",
        killed=Figures(acled=9, low=9, best=9, high=9),
        perpetrators=[PerpetratorClaim(name="Islamic State", claimants=["Islamic State"])],
    ),
    "i-raqqa": dict(
        kind=IED, date=dt.date(2017, 11, 20), location=RAQQA, grade="weak",
        killed=Figures(acled=4, low=4, best=4, high=4),
    ),
    "i-deir": dict(
        kind=SHELLING, date=dt.date(2017, 5, 9), location=DEIR, grade="weak",
        killed=Figures(acled=3, low=3, best=4, high=5),
    ),
    "i-daraa": dict(
        kind=CLASH, date=dt.date(2017, 5, 12), location=DARAA, grade="fair",
        killed=Figures(acled=7, low=7, best=10, high=12), flags=["casualties_disagree"],
    ),
    "i-douma": dict(kind=AID, date=dt.date(2016, 10, 19), location=None, grade="weak"),
    "i-mosul": dict(
        kind=STRIKE, date=dt.date(2017, 3, 17), location=MOSUL, grade="weak",
        killed=Figures(acled=12, low=12, best=12, high=12),
    ),
}  # fmt: skip

CONTESTED = "i-saraqib"


def article_claims(article: Article, document: Document) -> list[Claim]:
    claims = []
    for k, spec in enumerate(article.claims, 1):
        start = article.text.index(spec.sentence)
        claims.append(
            Claim(
                id=claim_id(document.id, k),
                document=article.name,
                segment=0,
                incident=spec.incident,
                event_type=spec.kind[0],
                sub_event_type=spec.kind[1],
                date=spec.date,
                date_precision="day",
                location=spec.location,
                perpetrators=spec.perpetrators,
                targets=spec.targets,
                killed=spec.killed,
                injured=spec.injured,
                victims=spec.victims,
                claimant=spec.claimant,
                outlet=article.outlet,
                stance=spec.stance,  # type: ignore[arg-type]
                evidence=Evidence(text=spec.sentence, start=start, end=start + len(spec.sentence)),
                confidence=0.8,
            )
        )
    return claims


def document_of(article: Article) -> Document:
    text = article.text
    return Document(
        id=doc_id(text),
        name=article.name,
        text=text,
        title=article.title,
        published=article.published,
        outlet=article.outlet,
        url=article.url,
        language="en",
        segments=[Segment(index=0, start=0, end=len(text))],
    )


def add_incident(store: Store, iid: str, claims: list[Claim], **spec) -> Incident:
    """Store an incident record and point its claims at it (what the linker does)."""
    kind = spec.pop("kind")
    incident = Incident(
        id=iid,
        event_type=kind[0],
        sub_event_type=kind[1],
        claims=len(claims),
        origins=len({c.outlet for c in claims}),
        claim_ids=[c.id for c in claims],
        **spec,
    )
    incident.contested = is_contested(incident.grade, incident.flags)
    loc = incident.location
    with store.sessions.begin() as s:
        s.add(
            IncidentRow(
                id=iid,
                event_type=incident.event_type,
                sub_event_type=incident.sub_event_type,
                date=incident.date,
                date_end=incident.date_end,
                lat=loc.lat if loc else None,
                lon=loc.lon if loc else None,
                grade=incident.grade,
                contested=incident.contested,
                killed_acled=incident.killed.acled,
                killed_best=incident.killed.best,
                record=incident.model_dump(mode="json"),
            )
        )
        s.flush()
        s.execute(
            update(ClaimRow).where(ClaimRow.id.in_([c.id for c in claims])).values(incident_id=iid)
        )
    return incident


@dataclass
class Corpus:
    store: Store
    documents: dict[str, Document]  # by article name
    claims: dict[str, list[Claim]]  # by incident id
    incidents: dict[str, Incident]


def build_corpus(url: str) -> Corpus:
    """Fill the store at `url` with the fictional corpus above."""
    store = Store.open(url)
    documents: dict[str, Document] = {}
    by_incident: dict[str, list[Claim]] = {}
    for article in ARTICLES:
        document = document_of(article)
        claims = article_claims(article, document)
        store.save_document(document, claims)
        documents[article.name] = document
        for claim in claims:
            by_incident.setdefault(claim.incident or "", []).append(claim)
    incidents = {
        iid: add_incident(store, iid, by_incident[iid], **dict(spec))
        for iid, spec in INCIDENTS.items()
    }
    return Corpus(store, documents, by_incident, incidents)


XSS_MARK = "window.__xss = 1"
XSS_PAYLOADS = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 1">',
    '"><svg onload="window.__xss = 1">',
    '<iframe srcdoc="<script>parent.__xss = 1</script>"></iframe>',
]
HOSTILE = " ".join(XSS_PAYLOADS)


def hostile_text() -> str:
    return (
        f"Headline {HOSTILE}\n\n"
        f"Shelling killed 3 people in Homs on Monday {HOSTILE} the monitor said.\n\n"
        f"More text {HOSTILE}."
    )


class HostileExtractor:
    """A stand-in extractor whose one claim carries the payloads in every text field."""

    def extract(self, document: Document) -> list[Claim]:
        sentence = f"Shelling killed 3 people in Homs on Monday {HOSTILE} the monitor said."
        start = document.text.find(sentence)
        if start < 0:
            return []
        actor = ActorRef(name=f"Brigade {XSS_PAYLOADS[1]}", aliases=[XSS_PAYLOADS[0]])
        return [
            Claim(
                id=f"c-{document.id[2:10]}-0001",
                document=document.name,
                segment=0,
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                date=dt.date(2017, 6, 5),
                location=Location(
                    name=f"Homs {XSS_PAYLOADS[2]}", lat=34.73, lon=36.72, country="SY", precision=1
                ),
                perpetrators=[actor],
                targets=[ActorRef(name=f"Civilians {XSS_PAYLOADS[3]}")],
                killed=Count(low=3, high=3, text=f"3 people {XSS_PAYLOADS[0]}"),
                claimant=Claimant(name=f"Monitor {XSS_PAYLOADS[0]}", kind="monitor"),
                outlet=document.outlet,
                evidence=Evidence(text=sentence, start=start, end=start + len(sentence)),
            )
        ]

"""A synthetic 500-document corpus and the helpers the reliability tests share.

The crash and concurrency tests need many short documents that exercise every stage
(claims, places, dates, cross-outlet incidents, near-duplicate copies), built fast and
identically on every run. The sample corpus has only 20 articles, so the documents are
generated here from templates: ~150 invented incidents in real Syrian towns, each
reported by one to four outlets in their own words, plus near-duplicate copies (a wire
story republished with a line changed) so syndication groups form too.

Also here: running the CLI in a subprocess and taking a comparable snapshot of a store.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fogwatch.store.db import Store
from fogwatch.store.schema import ClaimRow, DocumentRow, IncidentRow, SegmentRow

from conftest import REPO

FOGWATCH = REPO / ".venv" / "bin" / "fogwatch"
if not FOGWATCH.exists():  # an installed fogwatch elsewhere (CI with another venv)
    FOGWATCH = Path(sys.executable).with_name("fogwatch")

PLACES = [
    "Homs", "Aleppo", "Douma", "Saraqib", "Idlib", "Hama", "Daraa", "Raqqa", "Deir ez-Zor",
    "Palmyra", "Manbij", "al-Bab", "Jisr al-Shughur", "Maarat al-Numan", "Khan Shaykhun",
    "Azaz", "Jarabulus", "Qamishli", "Latakia", "Tartus", "Zabadani", "Harasta",
]  # fmt: skip
ATTACKERS = [
    "Syrian government forces", "Russian warplanes", "Islamic State militants",
    "the US-led coalition", "Turkish artillery", "rebel fighters", "Hezbollah fighters",
]  # fmt: skip
CLAIMANTS = [
    "the Syrian Observatory for Human Rights", "the state news agency SANA",
    "the White Helmets civil defence group", "local activists", "a military source",
    "medics at the local hospital", "the Local Coordination Committees",
]  # fmt: skip
OUTLETS = ["Levant Ledger", "Orontes Daily", "Euphrates Post", "Crescent Wire", "Hama Herald"]
VICTIMS = ["civilians", "people", "children", "fighters", "soldiers"]
NUMBER_WORDS = {
    2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 11: "eleven", 12: "twelve", 15: "fifteen", 20: "twenty", 30: "thirty",
}  # fmt: skip
FILLER = [
    "Residents said the area had been calm for weeks before the attack.",
    "Aid groups called for an independent investigation into the incident.",
    "The toll was expected to rise as rescuers searched the rubble.",
    "Video posted online showed damaged buildings and burning cars in the streets.",
    "It was not possible to independently verify the reports from the area.",
    "Schools in the district were closed for the rest of the week.",
    "Several families left the town overnight, heading north towards the border.",
    "Electricity and water supplies were cut in several neighbourhoods.",
    "The United Nations said it was deeply concerned by the escalation.",
    "Hospitals in the province have repeatedly been hit during the war.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Incident:
    day: dt.date
    place: str
    attacker: str
    killed: int
    injured: int
    victims: str


def _number(rng: random.Random, n: int) -> str:
    words = NUMBER_WORDS.get(n)
    return words if words and rng.random() < 0.4 else str(n)


def _report(rng: random.Random, inc: Incident, published: dt.date) -> list[str]:
    """Sentences one outlet writes about one incident (the lead first)."""
    when = "today" if published == inc.day else "on " + WEEKDAYS[inc.day.weekday()]
    who = rng.choice(CLAIMANTS)
    k, w = _number(rng, inc.killed), _number(rng, inc.injured)
    lead = rng.choice(
        [
            f"{inc.attacker[0].upper() + inc.attacker[1:]} shelled {inc.place} {when}, "
            f"killing {k} {inc.victims}, {who} said.",
            f"At least {k} {inc.victims} were killed and {w} wounded when "
            f"{inc.attacker} struck {inc.place} {when}, according to {who}.",
            f"An air strike on a market in {inc.place} killed {k} {inc.victims} {when}, "
            f"{who} said.",
            f"{who[0].upper() + who[1:]} said {k} {inc.victims} died in shelling of "
            f"{inc.place} {when}.",
        ]
    )
    out = [lead]
    if rng.random() < 0.5:
        out.append(f"Another {w} people were wounded in the attack, {rng.choice(CLAIMANTS)} said.")
    if rng.random() < 0.15:
        out.append(f"{inc.attacker[0].upper() + inc.attacker[1:]} denied carrying out the attack.")
    return out


def make_corpus(root: Path, n: int = 500, seed: int = 20261122) -> list[Path]:
    """Write `n` short .txt reports (40-120 words) with .meta.json sidecars into `root`.

    About one in twelve is a near-duplicate of an earlier report (same story, one line
    changed, another outlet), so syndication groups form; incidents are shared by
    several outlets' reports, so cross-document linking happens.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    start = dt.date(2016, 1, 4)
    incidents = [
        Incident(
            day=start + dt.timedelta(days=rng.randrange(0, 700)),
            place=rng.choice(PLACES),
            attacker=rng.choice(ATTACKERS),
            killed=rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 15, 20, 30, 41, 57]),
            injured=rng.choice([3, 5, 8, 12, 20, 30]),
            victims=rng.choice(VICTIMS),
        )
        for _ in range(150)
    ]
    written: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    paths = []
    for i in range(n):
        if written and rng.random() < 1 / 12:
            text, meta = rng.choice(written)
            sentences = text.split("\n\n")
            sentences[-1] = rng.choice([f for f in FILLER if f not in sentences])
            while sum(len(s.split()) for s in sentences) < 40:
                sentences.append(rng.choice([f for f in FILLER if f not in sentences]))
            text = "\n\n".join(sentences)
            if text in seen:  # a copy of a copy can come back to an earlier text
                sentences.append(f"{rng.choice(OUTLETS)} contributed to this report.")
                text = "\n\n".join(sentences)
            meta = {**meta, "outlet": rng.choice(OUTLETS)}
        else:
            inc = rng.choice(incidents)
            published = inc.day + dt.timedelta(days=rng.choice([0, 1, 1, 2]))
            sentences = _report(rng, inc, published)
            if rng.random() < 0.3:
                other = rng.choice(incidents)
                sentences += _report(rng, other, published)[:1] if other.day < published else []
            fillers = rng.sample(FILLER, len(FILLER))
            while sum(len(s.split()) for s in sentences) < 40:
                sentences.append(fillers.pop())
            while sum(len(s.split()) for s in sentences) > 120:
                sentences.pop()
            if rng.random() < 0.5 and sum(len(s.split()) for s in sentences) + 14 <= 120:
                sentences.append(fillers.pop())
            text = "\n\n".join(sentences)
            meta = {"published": published.isoformat(), "outlet": rng.choice(OUTLETS)}
        written.append((text, meta))
        seen.add(text)
        path = root / f"{i + 1:04d}_report.txt"
        path.write_text(text + "\n", encoding="utf-8")
        Path(f"{path}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- CLI runs


def cli_env() -> dict[str, str]:
    """The test process's environment (FOGWATCH_HOME is the session's isolated home)."""
    env = dict(os.environ)
    env.pop("FOGWATCH_DB", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_ingest(db_url: str, *inputs: Path | str, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """`fogwatch --db URL -q ingest INPUTS` as a child process (stdout/stderr captured)."""
    return subprocess.Popen(
        [str(FOGWATCH), "--db", db_url, "-q", "ingest", *extra, *map(str, inputs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )


def run_ingest(db_url: str, *inputs: Path | str, timeout: float = 600) -> tuple[int, str]:
    """Run an ingest to the end; returns (exit code, stderr)."""
    proc = start_ingest(db_url, *inputs)
    _out, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


# --------------------------------------------------------------------------- snapshots


def snapshot(url: str) -> dict[str, Any]:
    """Everything a reader of the store sees, keyed by id, for exact comparison.

    Documents (with their syndication group), each claim's full record and incident,
    and each incident's full record. Claim records carry the incident id too, so a
    claim row and its record must agree.
    """
    store = Store.open(url)
    try:
        with store.session() as s:
            docs = {
                r.id: (r.name, r.syndication_group)
                for r in s.execute(select(DocumentRow)).scalars()
            }
            claims = {
                r.id: {"document": r.document_id, "incident": r.incident_id, "record": r.record}
                for r in s.execute(select(ClaimRow)).scalars()
            }
            incidents = {r.id: r.record for r in s.execute(select(IncidentRow)).scalars()}
            segments = s.execute(
                select(SegmentRow.document_id, SegmentRow.idx, SegmentRow.syndication_group)
            ).all()
    finally:
        store.engine.dispose()
    return {
        "documents": docs,
        "claims": claims,
        "incidents": incidents,
        "segments": [(d, i) for d, i, _g in segments],
        "segment_groups": {(d, i): g for d, i, g in segments},
    }


def check_consistent(snap: dict[str, Any]) -> None:
    """Invariants any finished store must satisfy, whatever happened on the way."""
    claims, incidents = snap["claims"], snap["incidents"]
    assert len(snap["segments"]) == len(set(snap["segments"])), "duplicate segments"
    unlinked = sorted(cid for cid, c in claims.items() if c["incident"] is None)
    assert not unlinked, f"{len(unlinked)} claims left without an incident: {unlinked[:5]}"
    for cid, c in claims.items():
        # linking writes the incident_id column only; the record stays as extracted
        assert c["record"].get("incident") in (None, c["incident"]), cid
        assert c["incident"] in incidents, f"{cid} points at a missing incident"
        assert c["document"] in snap["documents"], f"{cid} has no document"
    members: dict[str, set[str]] = {}
    for cid, c in claims.items():
        members.setdefault(c["incident"], set()).add(cid)
    for iid, record in incidents.items():
        listed = record.get("claim_ids") or []
        assert len(listed) == len(set(listed)), f"{iid} lists a claim twice"
        assert set(listed) == members.get(iid, set()), f"{iid} claim_ids disagree with claims"


def canonical_groups(snap: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with syndication group ids replaced by the group's smallest document.

    A group's id is made from whichever copy was stored first, so two runs that store
    the copies in another order (concurrent ingests, reversed inputs) name the same
    group differently. What must not differ is which documents are grouped together.
    """
    members: dict[str, set[str]] = {}
    for doc_id, (_name, group) in snap["documents"].items():
        if group:
            members.setdefault(group, set()).add(doc_id)
    for (doc_id, _idx), group in snap["segment_groups"].items():
        if group:
            members.setdefault(group, set()).add(doc_id)
    label = {g: "g:" + min(docs) for g, docs in members.items()}
    docs = {d: (name, label.get(g) if g else None) for d, (name, g) in snap["documents"].items()}
    claims = {}
    for cid, c in snap["claims"].items():
        # A claim row keeps the group its segment had when it was written; readers take
        # the segment's current group (store/incidents.py::_claims_from_rows), and so
        # does this comparison.
        record = dict(c["record"])
        group = snap["segment_groups"].get((c["document"], record["segment"]))
        record["syndication_group"] = label[group] if group else None
        claims[cid] = {**c, "record": record}
    return {**snap, "documents": docs, "claims": claims}


def diff_summary(a: dict[str, Any], b: dict[str, Any]) -> str:
    """A short description of how two snapshots differ, for assertion messages."""
    lines = []
    for key in ("documents", "claims", "incidents"):
        only_a = sorted(set(a[key]) - set(b[key]))
        only_b = sorted(set(b[key]) - set(a[key]))
        changed = sorted(k for k in set(a[key]) & set(b[key]) if a[key][k] != b[key][k])
        if only_a or only_b or changed:
            lines.append(
                f"{key}: {len(only_a)} only in first {only_a[:3]}, {len(only_b)} only in "
                f"second {only_b[:3]}, {len(changed)} differ {changed[:3]}"
            )
    return "; ".join(lines) or "identical"


# --------------------------------------------------------------------------- the generator


def test_corpus_is_deterministic_short_and_has_near_duplicates(tmp_path: Path) -> None:
    first = make_corpus(tmp_path / "a")
    second = make_corpus(tmp_path / "b")
    texts = [p.read_text() for p in first]
    assert texts == [p.read_text() for p in second]
    words = [len(t.split()) for t in texts]
    assert min(words) >= 40 and max(words) <= 120, (min(words), max(words))
    paragraphs = [set(t.split("\n\n")) for t in texts]
    near = sum(
        1
        for i, a in enumerate(paragraphs)
        for b in paragraphs[:i]
        if len(a & b) >= max(1, len(a) - 1) and a != b
    )
    assert near >= 3  # copies with one line changed
    assert len(set(texts)) == len(texts)  # but no exact duplicates among the files

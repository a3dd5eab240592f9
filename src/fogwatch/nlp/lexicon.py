"""Load the extraction lexicons (event cues, casualty words, attribution verbs, vague
quantities) from the YAML tables in `fogwatch/data`.

Domain knowledge lives in YAML so analysts can read and extend it without touching
code; this module only parses the tables into lookup structures the pipeline
components share. A user file of the same name in `settings.user_data_dir()` extends
the built-in one (lists are appended, mappings merged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from fogwatch.settings import PACKAGE_DATA_DIR, user_data_dir

EVENT_LEXICON = "event_lexicon.yaml"
VAGUE_QUANTITIES = "vague_quantities.yaml"


def _merge(base: Any, extra: Any) -> Any:
    """Merge a user table into the built-in one: dicts merge, lists append."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(extra, list):
        return base + [x for x in extra if x not in base]
    return extra


def load_table(name: str) -> dict[str, Any]:
    """Read a built-in YAML table, extended by the user's copy when there is one."""
    data = yaml.safe_load((PACKAGE_DATA_DIR / name).read_text(encoding="utf-8")) or {}
    try:
        user = user_data_dir() / name
    except OSError:  # pragma: no cover - unwritable home
        user = Path("/nonexistent")
    if user.is_file():
        data = _merge(data, yaml.safe_load(user.read_text(encoding="utf-8")) or {})
    return data


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in str(phrase).replace("-", " - ").split())


@dataclass(frozen=True)
class Trigger:
    """One trigger phrase with what it means."""

    words: tuple[str, ...]
    kind: str
    sub_event_type: str | None
    pos: str | None = None
    default: str | None = None
    needs_territory_object: bool = False
    needs_evidence: bool = False


@dataclass
class Lexicon:
    """All word lists of the extraction pipeline, parsed once."""

    types: dict[str, str | None]
    triggers: list[Trigger]
    instruments: dict[str, list[tuple[str, ...]]]
    modals: frozenset[str]
    irrealis_governors: frozenset[str]
    skip_line_prefixes: tuple[str, ...]
    killed: list[tuple[str, ...]]
    injured: list[tuple[str, ...]]
    person_nouns: frozenset[str]
    victim_categories: dict[str, frozenset[str]]
    breakdown: frozenset[str]
    bounds: dict[str, list[tuple[str, ...]]]
    say_verbs: frozenset[str]
    deny_verbs: frozenset[str]
    claim_nouns: frozenset[str]
    blame_verbs: frozenset[str]
    responsible: frozenset[str]
    anaphors: frozenset[str]
    claimant_kinds: dict[str, list[str]]
    civilian_targets: frozenset[str] = frozenset()
    not_triggers: list[tuple[str, ...]] = field(default_factory=list)
    crowd_words: frozenset[str] = frozenset()
    vague: dict[tuple[str, ...], tuple[int, str]] = field(default_factory=dict)

    def event_type_of(self, sub_event_type: str | None) -> str | None:
        """ACLED event type for a sub-type (None for types that borrow theirs)."""
        if sub_event_type is None:
            return None
        return self.types.get(sub_event_type)


@cache
def default_lexicon() -> Lexicon:
    """The lexicon built from the package tables plus the user's extensions."""
    ev = load_table(EVENT_LEXICON)
    vq = load_table(VAGUE_QUANTITIES)
    triggers: list[Trigger] = []
    for entry in ev.get("triggers", []):
        for phrase in entry.get("phrases", []):
            triggers.append(
                Trigger(
                    words=_words(phrase),
                    kind=entry.get("kind", "specific"),
                    sub_event_type=entry.get("sub_event_type"),
                    pos=entry.get("pos"),
                    default=entry.get("default"),
                    needs_territory_object=bool(entry.get("needs_territory_object")),
                    needs_evidence=bool(
                        entry.get("needs_evidence", entry.get("kind") == "generic")
                    ),
                )
            )
    cas = ev.get("casualties", {})
    civ_people = {w.lower() for w in ev.get("civilian_people", [])}
    att = ev.get("attribution", {})
    irr = ev.get("irrealis", {})
    vague = {
        _words(k): (int(v["value"]), str(v.get("qualifier", "vague")))
        for k, v in (vq.get("terms") or {}).items()
    }
    return Lexicon(
        types=dict(ev.get("types", {})),
        triggers=triggers,
        instruments={k: [_words(p) for p in v] for k, v in ev.get("instruments", {}).items()},
        modals=frozenset(irr.get("modals", [])),
        irrealis_governors=frozenset(irr.get("governors", [])),
        skip_line_prefixes=tuple(ev.get("skip_line_prefixes", [])),
        killed=[_words(p) for p in cas.get("killed", [])],
        injured=[_words(p) for p in cas.get("injured", [])],
        person_nouns=frozenset({w.lower() for w in cas.get("person_nouns", [])} | civ_people),
        victim_categories={
            k: frozenset({w.lower() for w in v} | (civ_people if k == "civilians" else set()))
            for k, v in cas.get("victim_categories", {}).items()
        },
        breakdown=frozenset(cas.get("breakdown", [])),
        bounds={k: [_words(p) for p in cas.get(k, [])] for k in ("at_least", "at_most", "about")},
        say_verbs=frozenset(att.get("say", [])),
        deny_verbs=frozenset(att.get("deny", [])),
        claim_nouns=frozenset(att.get("claim_nouns", [])),
        blame_verbs=frozenset(att.get("blame_verbs", [])),
        responsible=frozenset(att.get("responsible", [])),
        anaphors=frozenset(att.get("anaphors", [])),
        claimant_kinds={k: list(v) for k, v in att.get("kinds", {}).items()},
        civilian_targets=frozenset(
            {w.lower() for w in ev.get("civilian_targets", [])} | civ_people
        ),
        not_triggers=[_words(p) for p in ev.get("not_triggers", [])],
        crowd_words=frozenset(w.lower() for w in ev.get("crowd_words", [])),
        vague=vague,
    )

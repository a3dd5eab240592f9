"""Settle who speaks and who acts in a claim, once the document's outlet and the claim's
country are known (the rules are data: `fogwatch/data/claimants.yaml`).

The spaCy components read the words of one sentence in a worker that knows nothing of
the document's metadata. Some readings need it:

* "our researchers", "two of our observers", "this agency", and "the Monitor's sources"
  in a Monitor's own report are the outlet speaking through its people: the claimant is
  the outlet, so they add no origin of their own;
* a claimant spelled as the outlet ("The Northern Monitor for Human Rights" on the
  Northern Monitor's site) is the outlet;
* "residents" and "civilians" are witnesses when they speak, never the victim actor;
* "No group claimed it" names nobody; bare "group", "forces" name nobody in particular;
* a bare "army", "army units" or "the regime" is the army of the country the claim
  happened in (Syria's for a Syrian town), and nobody when that country is unknown;
* an unresolved perpetrator made of event or weapon words ("the shelling", "an air
  strike") is not an actor.

Articles and case are folded in every comparison; a claimant's leading "the" goes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from fogwatch.model import ActorRef, Claim, Claimant

RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "claimants.yaml"
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")


def fold(name: str) -> str:
    """A name's comparison key: lower case, no leading article, no punctuation."""
    return " ".join(_WORD.findall(_ARTICLE.sub("", name.strip()).lower()))


def strip_article(name: str) -> str:
    """'The Northern Monitor' -> 'Northern Monitor' (a name keeps its own capitals)."""
    return _ARTICLE.sub("", name.strip())


@dataclass(frozen=True)
class SettleRules:
    own_people: frozenset[str]
    self_nouns: frozenset[str]
    victim_sides: frozenset[str]
    negations: tuple[str, ...]
    force_nouns: frozenset[str]
    forces_by_country: dict[str, str]
    generic_nouns: frozenset[str]
    event_words: frozenset[str]
    reporting_kinds: frozenset[str] = frozenset()
    reporting_nouns: frozenset[str] = frozenset()


@cache
def settle_rules(path: Path = RULES_PATH) -> SettleRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    forces = data["national_forces"]
    return SettleRules(
        own_people=frozenset(fold(w) for w in data["own_people"]),
        self_nouns=frozenset(fold(w) for w in data["self_nouns"]),
        victim_sides=frozenset(s.lower() for s in data["victim_sides"]),
        negations=tuple(n.lower() for n in data["negations"]),
        force_nouns=frozenset(fold(n) for n in forces["nouns"]),
        forces_by_country={str(k).upper(): v for k, v in forces["by_country"].items()},
        generic_nouns=frozenset(fold(n) for n in data["generic_nouns"]),
        event_words=frozenset(w.lower() for w in data["event_words"]),
        reporting_kinds=frozenset(data.get("reporting_kinds") or []),
        reporting_nouns=frozenset(w.lower() for w in data.get("reporting_nouns") or []),
    )


_QUALIFIER = re.compile(r"\s+(?:in|on|at|near|from|inside|across|around)\b.*$")
_POSSESSIVE = re.compile(r"^(?:its|their|his|her|our)\s+", re.IGNORECASE)
# claimant kinds that speak for a party: "its aircraft" in their statement is theirs
_PARTY_KINDS = frozenset({"government", "military", "armed_group", "official"})
_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|some|several|many|\d+)"


def _outlet_heads(outlet: str) -> set[str]:
    """Nouns a report may use for its own outlet ("the Monitor", "the Observatory")."""
    rules = settle_rules()
    return {w for w in fold(outlet).split() if w in rules.self_nouns}


def speaks_for_outlet(words: str, outlet: str | None) -> bool:
    """'our researchers', 'two of our observers', 'this agency', 'the Monitor's sources'."""
    rules = settle_rules()
    text = " ".join(_WORD.findall(words.lower().replace("’", "'").replace("'s ", " s ")))
    text = _QUALIFIER.sub("", text)  # "two of our observers in the area"
    m = re.fullmatch(rf"(?:{_NUMBER} of )?our (.+)", text)
    if m and fold(m.group(1)) in rules.own_people:
        return True
    m = re.fullmatch(r"this (.+)", text)
    if m and fold(m.group(1)) in rules.self_nouns:
        return True
    if outlet:
        m = re.fullmatch(r"(?:the )?(\w+) s (.+)", text)
        if m and m.group(1) in _outlet_heads(outlet) and fold(m.group(2)) in rules.own_people:
            return True
    return False


def names_nobody(name: str) -> bool:
    """'No group', 'nobody', a bare 'group' or 'forces'."""
    rules = settle_rules()
    low = name.strip().lower()
    return low.startswith(rules.negations) or fold(name) in rules.generic_nouns


def _is_event_phrase(name: str, head_only: bool = False) -> bool:
    """Made of event or weapon words ("the shelling"); with `head_only`, ending in one
    ("terrorist rocket attack")."""
    words = fold(name).split()
    if not words:
        return False
    event = settle_rules().event_words
    return words[-1] in event if head_only else all(w in event for w in words)


def claim_country(claim: Claim, document_country: str | None) -> str | None:
    loc = claim.location
    return (loc.country if loc and loc.country else None) or document_country


def document_country(claims: list[Claim]) -> str | None:
    """The country most of a document's located claims are in (None when none are)."""
    found = Counter(c.location.country for c in claims if c.location and c.location.country)
    return found.most_common(1)[0][0] if found else None


class Settler:
    """Apply the rules to one document's claims (`settle_claims`)."""

    def __init__(self, resolve_actor=None):  # noqa: ANN001 - ActorResolver or a stand-in
        if resolve_actor is None:
            from fogwatch.nlp.actor_refs import ActorResolver

            resolve_actor = ActorResolver()
        self.actors = resolve_actor

    def national_forces(self, country: str | None) -> ActorRef | None:
        name = settle_rules().forces_by_country.get((country or "").upper())
        return self.actors.ref(name) if name else None

    def claimant(
        self, claimant: Claimant | None, outlet: str | None, country: str | None = None
    ) -> Claimant | None:
        """The settled claimant; None means "the outlet itself" (the caller's default)."""
        if claimant is None:
            return None
        rules = settle_rules()
        words = claimant.text or claimant.name
        if claimant.kind == "outlet":
            return claimant
        if speaks_for_outlet(words, outlet) or (outlet and fold(claimant.name) == fold(outlet)):
            return None
        if names_nobody(claimant.name) or _is_event_phrase(claimant.name, head_only=True):
            return None
        if fold(claimant.name) in rules.force_nouns:
            forces = self.national_forces(country)
            if forces is None:
                return None
            return Claimant(name=forces.name, aliases=forces.aliases, text=words, kind="military")
        info = self.actors.match(claimant.name)
        if (getattr(info, "side", None) or "").lower() in rules.victim_sides:
            said = strip_article(words)
            return Claimant(name=said[:1].upper() + said[1:], text=words, kind="witness")
        if claimant.name[:1].islower() or _ARTICLE.match(claimant.name):
            name = strip_article(claimant.name)
            return claimant.model_copy(update={"name": name[:1].upper() + name[1:]})
        return claimant

    def actor(
        self, ref: ActorRef, country: str | None, claimant: Claimant | None = None
    ) -> ActorRef | None:
        """A perpetrator or target, settled; None when it names no actor.

        An unresolved phrase whose head word is an event or a weapon ("the shelling",
        "Turkish drones") is not an actor; its other words may name one ("Turkish").
        "its aircraft" is the claimant's own when the claimant speaks for a party.
        """
        rules = settle_rules()
        name = ref.name
        if names_nobody(name) or speaks_for_outlet(name, None):
            return None
        if fold(name) in rules.force_nouns:
            forces = self.national_forces(country)
            return forces.model_copy(update={"text": ref.text}) if forces else None
        info = self.actors.match(name)
        if info is not None:
            if info.name == name:
                return ref
            canonical = self.actors.ref(name)  # the table's record, with its side
            return canonical.model_copy(update={"text": ref.text}) if canonical else ref
        if _POSSESSIVE.match(name):
            if claimant is not None and claimant.kind in _PARTY_KINDS:
                # a ministry's "its aircraft" are its country's forces, where known
                info = self.actors.match(claimant.name)
                own = self.national_forces(getattr(info, "country", None)) or self.actors.ref(
                    claimant.name
                )
                return own.model_copy(update={"text": ref.text}) if own else None
            return None
        words = fold(name).split()
        if words and words[-1] in rules.event_words:
            rest = " ".join(w for w in words if w not in rules.event_words)
            found = self.actors.match(rest) if rest else None
            return (
                self.actors.ref(found.name).model_copy(update={"text": ref.text}) if found else None
            )
        if name.isupper() and len(name) >= 4:
            return None  # an unknown word in capitals: a dateline ("HAMA, Syria -"), not an actor
        return ref

    def reports(self, ref: ActorRef) -> bool:
        """An outlet, monitor or witness ("government media"): it reports, it does not
        strike, so it is never a perpetrator."""
        rules = settle_rules()
        info = self.actors.match(ref.name)
        if info is not None:
            return (getattr(info, "kind", None) or "") in rules.reporting_kinds
        words = fold(ref.name).split()
        return bool(words) and words[-1] in rules.reporting_nouns

    def settle_claims(self, claims: list[Claim], speakers: list[str | None]) -> list[Claim]:
        """Settle every claim of one document in place; returns the same list.

        `speakers[i]` is the outlet that speaks in claim i when nobody is named (the
        document's outlet, or a compilation piece's own source)."""
        country = document_country(claims)
        victim_sides = settle_rules().victim_sides
        for claim, speaker in zip(claims, speakers, strict=True):
            where = claim_country(claim, country)
            settled = self.claimant(claim.claimant, speaker, where)
            if settled is None and speaker:
                settled = Claimant(name=speaker, text=speaker, kind="outlet")
            claim.claimant = settled
            for attr in ("perpetrators", "targets"):
                kept: list[ActorRef] = []
                for ref in getattr(claim, attr):
                    if attr == "perpetrators" and self.reports(ref):
                        continue
                    actor = self.actor(ref, where, settled)
                    if actor is not None and actor.name not in {k.name for k in kept}:
                        kept.append(actor)
                setattr(claim, attr, kept)
            claim.perpetrators = [
                p for p in claim.perpetrators if (p.side or "").lower() not in victim_sides
            ]
        return claims

"""Perpetrators from news phrasing, once a document's claims are assembled.

The parse finds subjects and agents ("warplanes struck", "killed by X"); news more often
names who did it as a modifier of the act ("Russian airstrikes", "regime barrel bombs",
"an IS suicide bomber"), in an agent phrase the parser attaches elsewhere, or only in
the headline. And a weapon may say who used it: only the Syrian air force drops barrel
bombs. Rules (words in `data/perpetrators.yaml`, documented in docs/extraction.md):

1. Drop what is not an actor: "No group" (from "No group claimed responsibility"), and
   unresolved phrases that are an act or a weapon ("an air strike", "a bomb").
2. A claim of violence with no known perpetrator takes an actor named as the modifier of
   an attack noun, or after "by", in its own sentence; a main claim also in the title.
3. Else a weapon or platform in the sentence (the title for main claims) implies one, when
   the table's confidence is high enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fogwatch.model import ActorRef, Claim, Document
from fogwatch.nlp.actor_refs import ActorResolver
from fogwatch.nlp.lexicon import load_table

TABLE = "perpetrators.yaml"
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'’-]*")
_MAX_MODIFIER = 4
_PASSIVE_AUX = frozenset({"was", "were", "been", "being", "is", "are", "be", "got"})


@dataclass
class Implied:
    words: list[tuple[str, ...]]
    actor: str
    confidence: float
    country: str | None


@dataclass
class PerpetratorRules:
    attack_nouns: list[tuple[str, ...]]
    by_words: frozenset[str]
    agent_verbs: list[tuple[str, ...]]
    not_actor_words: frozenset[str]
    phrase_stops: frozenset[str]
    no_actor: list[tuple[str, ...]]
    not_sides: frozenset[str]
    implied: list[Implied]
    min_confidence: float


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.lower().split())


@cache
def default_rules() -> PerpetratorRules:
    data = load_table(TABLE)
    return PerpetratorRules(
        attack_nouns=sorted({_words(w) for w in data.get("attack_nouns", [])}, key=len),
        by_words=frozenset(w.lower() for w in data.get("by_words", [])),
        agent_verbs=sorted({_words(w) for w in data.get("agent_verbs", [])}, key=len),
        not_actor_words=frozenset(str(w).lower() for w in data.get("not_actor_words", [])),
        phrase_stops=frozenset(w.lower() for w in data.get("phrase_stops", [])),
        no_actor=[_words(w) for w in data.get("no_actor", [])],
        not_sides=frozenset(data.get("not_perpetrator_sides", [])),
        implied=[
            Implied(
                words=[_words(w) for w in row.get("words", [])],
                actor=row["actor"],
                confidence=float(row.get("confidence", 0.0)),
                country=row.get("country"),
            )
            for row in data.get("implied_by", [])
        ],
        min_confidence=float(data.get("min_confidence", 0.6)),
    )


def _tokens(text: str) -> list[str]:
    return [t.rstrip(".'’") or t for t in _TOKEN.findall(text)]


def _ends_with(low: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    """Does `phrase` end at token i (lower-cased tokens)?"""
    n = len(phrase)
    return i + 1 >= n and tuple(low[i + 1 - n : i + 1]) == phrase


def _starts_at(low: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    """Does `phrase` start at token i?"""
    return tuple(low[i : i + len(phrase)]) == phrase


class PerpetratorFinder:
    """Reads perpetrators from a sentence's words through the actor table."""

    def __init__(self, rules: PerpetratorRules | None = None, actors: ActorResolver | None = None):
        self.rules = rules or default_rules()
        self.actors = actors or ActorResolver()
        # phrases indexed by the word they end (nouns) or start (verbs) with, longest first
        self._by_last: dict[str, list[tuple[str, ...]]] = {}
        for p in sorted(self.rules.attack_nouns, key=len, reverse=True):
            self._by_last.setdefault(p[-1], []).append(p)
        self._implied_last = {p[-1] for row in self.rules.implied for p in row.words}
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in sorted(self.rules.agent_verbs, key=len, reverse=True):
            self._by_first.setdefault(p[0], []).append(p)

    # -------------------------------------------------------------- what is an actor
    def known(self, text: str) -> ActorRef | None:
        """The actor a phrase names, if the table knows it and it can commit violence."""
        if self.actors.match(text) is None:
            return None
        ref = self.actors.ref(text)
        if ref is None or (ref.side or "") in self.rules.not_sides or ref.inter == 7:
            return None
        return ref

    def is_resolved(self, ref: ActorRef) -> bool:
        return self.actors.match(ref.text or ref.name) is not None

    def not_an_actor(self, ref: ActorRef) -> bool:
        """'No group', or an unresolved phrase whose head is an act or a weapon."""
        low = [t.lower() for t in _tokens(ref.text or ref.name)]
        if any(tuple(low[: len(p)]) == p for p in self.rules.no_actor):
            return True
        if self.is_resolved(ref) or not low:
            return False
        if any(w in self.rules.not_actor_words or w.isdigit() for w in low):
            return True  # a dateline or byline: "Date of publication 12 August"
        return any(_ends_with(low, len(low) - 1, p) for p in self.rules.attack_nouns)

    # -------------------------------------------------------------- reading
    def named(self, text: str) -> list[ActorRef]:
        """Actors named as the modifier of an attack noun or after 'by', in order."""
        toks = _tokens(text)
        low = [t.lower() for t in toks]
        found: list[tuple[int, ActorRef]] = []
        for i in range(len(toks)):
            noun = next((p for p in self._by_last.get(low[i], ()) if _ends_with(low, i, p)), None)
            if noun is not None:
                # the nearest modifier that names an actor: "regime shelling", not
                # "31 dead in regime shelling"
                end = i + 1
                first = end - len(noun)
                for start in range(first - 1, max(-1, first - 1 - _MAX_MODIFIER), -1):
                    ref = self.known(" ".join(toks[start:end]))
                    if ref is not None:
                        found.append((start, ref))
                        break
            verb = next((p for p in self._by_first.get(low[i], ()) if _starts_at(low, i, p)), None)
            passive = (i > 0 and low[i - 1] in _PASSIVE_AUX) or (
                verb is not None and i + len(verb) < len(low) and low[i + len(verb)] == "by"
            )
            if verb is not None and i > 0 and not passive:
                # "Kurds kill 83 militants": the nearest words before the verb
                for start in range(i - 1, max(-1, i - 1 - _MAX_MODIFIER), -1):
                    ref = self.known(" ".join(toks[start:i]))
                    if ref is not None:
                        found.append((start, ref))
                        break
            if low[i] in self.rules.by_words:
                stop = i + 1
                while (
                    stop < len(toks)
                    and stop - i <= _MAX_MODIFIER + 1
                    and low[stop] not in self.rules.phrase_stops
                ):
                    stop += 1
                for end in range(stop, i + 1, -1):  # the longest agent phrase first
                    ref = self.known(" ".join(toks[i + 1 : end]))
                    if ref is not None:
                        found.append((i + 1, ref))
                        break
        out: list[ActorRef] = []
        for _, ref in sorted(found, key=lambda x: x[0]):
            if all(r.name != ref.name for r in out):
                out.append(ref)
        return out

    def implied(self, text: str, country: str | None) -> list[ActorRef]:
        """An actor a weapon or platform in the text implies (the table's best row)."""
        low = [t.lower() for t in _tokens(text)]
        if not self._implied_last & set(low):
            return []
        best: tuple[float, Implied, tuple[str, ...]] | None = None
        for row in self.rules.implied:
            if row.confidence < self.rules.min_confidence:
                continue
            if row.country and country and country != row.country:
                continue
            for phrase in row.words:
                hit = any(_ends_with(low, i, phrase) for i in range(len(low)))
                if hit and (best is None or row.confidence > best[0]):
                    best = (row.confidence, row, phrase)
        if best is None:
            return []
        ref = self.known(best[1].actor)
        if ref is None:
            return []
        ref.text = " ".join(best[2])
        return [ref]

    # -------------------------------------------------------------- claims
    def fill(self, claims: list[Claim], document: Document) -> list[Claim]:
        """Clean and complete the perpetrators of one document's claims (in place)."""
        title = (document.title or "").strip()
        for c in claims:
            c.perpetrators = [p for p in c.perpetrators if not self.not_an_actor(p)]
            if c.event_type not in _VIOLENT or c.stance != "asserts":
                continue
            if any(self.is_resolved(p) for p in c.perpetrators):
                continue
            texts = [c.evidence.text] + ([title] if title and c.role == "main" else [])
            country = c.location.country if c.location else None
            found: list[ActorRef] = []
            for text in texts:
                found = [r for r in self.named(text) if not self._is_target(r, c)]
                if found:
                    break
            if not found:
                for text in texts:
                    found = self.implied(text, country)
                    if found:
                        break
            if found:
                c.perpetrators = found[:2]
        return claims

    @staticmethod
    def _is_target(ref: ActorRef, claim: Claim) -> bool:
        return any(t.name == ref.name for t in claim.targets)


@cache
def default_finder() -> PerpetratorFinder:
    return PerpetratorFinder()


def fill_perpetrators(claims: list[Claim], document: Document) -> list[Claim]:
    """Clean and complete perpetrators from news phrasing (see the module docstring)."""
    return default_finder().fill(claims, document)

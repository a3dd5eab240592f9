"""Turn the words of a perpetrator, target or claimant into ActorRef / Claimant records.

The actor table (`fogwatch.nlp.actors`, another module) knows the canonical names,
sides and ACLED inter codes. This adapter is the only place the extraction pipeline
touches it, so the pipeline keeps working (with the words themselves as names and a
keyword guess at the side) when the table is missing or does not know a phrase.
"""

from __future__ import annotations

import logging
import re
from functools import cache, cached_property
from typing import Any

from fogwatch.model import ActorRef, Claimant
from fogwatch.nlp.lexicon import Lexicon, default_lexicon

log = logging.getLogger(__name__)

_STATE_WORDS = re.compile(
    r"(?i)\b(army|military|regime|government|troops|soldiers|forces of syria|saa|air ?force|"
    r"aerospace|ministry|state department|pentagon|coalition|navy|police|loyalist|"
    r"republican guard|tiger forces)\b"
)
_NONSTATE_WORDS = re.compile(
    r"(?i)\b(rebels?|isis|isil|daesh|islamic state|nusra|jihadists?|militants?|terrorists?|"
    r"insurgents?|opposition|fsa|free syrian army|sdf|ypg|kurdish|jaysh|jaish|ahrar|fateh|"
    r"fatah|hts|gunm[ae]n|militias?|militiam[ae]n|factions?|hezbollah|bandits?|assailants?|"
    r"attackers?|armed (?:men|group|groups|members|individuals))\b|\bIS\b"
)
_PRONOUNS = {
    "it",
    "they",
    "he",
    "she",
    "we",
    "i",
    "which",
    "who",
    "them",
    "these",
    "those",
    "this",
    "that",
    "him",
    "her",
    "us",
    "one",
    "others",
    "the other",
    "each other",
}


def _clean(text: str) -> str:
    t = re.sub(r"\s+", " ", text).strip(" ,;:“”\"'’")
    return t


@cache
def _table() -> Any | None:
    try:
        from fogwatch.nlp.actors import default_actor_table

        return default_actor_table()
    except Exception as exc:  # another engineer's module; degrade, don't fail
        log.warning("actor table unavailable (%s); using the article's words", exc)
        return None


class ActorResolver:
    """Resolve phrases to actors; falls back to the phrase itself."""

    def __init__(self, lex: Lexicon | None = None):
        self.lex = lex or default_lexicon()
        self.table = _table()

    def entity_patterns(self) -> list[dict]:
        if self.table is None:
            return []
        try:
            return list(self.table.entity_patterns())
        except Exception as exc:  # pragma: no cover
            log.warning("actor patterns unavailable: %s", exc)
            return []

    def match(self, text: str) -> Any | None:
        if self.table is None:
            return None
        try:
            return self.table.match(text)
        except Exception:  # pragma: no cover
            return None

    @staticmethod
    def is_pronoun(text: str) -> bool:
        return _clean(text).lower() in _PRONOUNS

    def ref(self, text: str) -> ActorRef | None:
        t = _clean(text)
        if not t or self.is_pronoun(t):
            return None
        info = self.match(t)
        if info is not None:
            return self.table.to_ref(info, t)
        return ActorRef(name=t, text=t, side=self.guess_side(t))

    def claimant(self, text: str) -> Claimant | None:
        t = _clean(text)
        if not t or self.is_pronoun(t):
            return None
        info = self.match(t)
        if info is not None:
            return self.table.to_claimant(info, t)
        return Claimant(name=t, text=t, kind=self.guess_kind(t))

    def guess_kind(self, text: str) -> str:
        low = text.lower()
        best, pos = "other", -1
        for kind, pattern in self._kind_patterns:
            m = pattern.search(low)
            if m and m.start() >= pos:  # the head noun is usually last
                best, pos = kind, m.start()
        return best

    @cached_property
    def _kind_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        """Each claimant-kind word of the lexicon as a whole-word pattern, in lexicon
        order, compiled once (`guess_kind` runs for every unknown claimant)."""
        return [
            (kind, re.compile(rf"\b{re.escape(w)}\b"))
            for kind, words in self.lex.claimant_kinds.items()
            for w in words
        ]

    @staticmethod
    def guess_side(text: str) -> str | None:
        if _NONSTATE_WORDS.search(text):
            return "non-state"
        if _STATE_WORDS.search(text):
            return "state"
        return None

    def is_state(self, ref: ActorRef) -> bool | None:
        """True for state forces, False for non-state, None when unknown."""
        if ref.inter is not None:
            return ref.inter in (1, 8) and not (ref.side or "").startswith("rebel")
        side = (ref.side or "").lower()
        if side in ("government", "state", "coalition", "russia", "pro-government", "foreign"):
            return True
        if side in (
            "rebel",
            "rebels",
            "opposition",
            "jihadist",
            "non-state",
            "kurdish",
            "isis",
            "islamic state",
        ):
            return False
        guess = self.guess_side(ref.text or ref.name)
        return None if guess is None else guess == "state"

"""The role of each claim in its article: the main event, other news, or background.

A news article is about one event; its headline names it, and it often ends with a
recap ("the war has killed more than 400,000 people since 2011"). A reader keeps the
two apart, and so must the claims: the recap's large figure is not the article's toll,
and a 2013 attack recalled in a 2017 article is not a 2017 event. Rules (data in
`data/roles.yaml`, documented in docs/extraction.md):

- background: the evidence matches a recap pattern, or the claim is dated well before
  publication;
- main: the claims that agree best with the title (its figure, kind of event, place,
  perpetrator); with no title or no agreement, the claims of the lead sentence;
- related: every other claim.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from fogwatch.model import Claim, Document
from fogwatch.nlp.lexicon import Lexicon, default_lexicon, load_table
from fogwatch.nlp.numbers import parse_digits, parse_words

ROLES_TABLE = "roles.yaml"
_WORD = re.compile(r"[a-z0-9][a-z0-9,']*")
_ENDINGS = ("", "s", "es", "ed", "d", "ing")


@dataclass
class RoleRules:
    """The parsed `roles.yaml`."""

    background: list[re.Pattern[str]]
    old_after_days: int
    points: dict[str, int]
    min_score: int
    lead_precedence: list[str]
    fighting: re.Pattern[str] | None = None


@cache
def default_rules() -> RoleRules:
    data = load_table(ROLES_TABLE)
    bg = data.get("background", {})
    main = data.get("main", {})
    return RoleRules(
        background=[re.compile(p, re.IGNORECASE) for p in bg.get("patterns", [])],
        old_after_days=int(bg.get("old_after_days", 60)),
        points={k: int(v) for k, v in (main.get("points") or {}).items()},
        min_score=int(main.get("min_score", 2)),
        lead_precedence=list(main.get("lead_precedence") or []),
        fighting=re.compile(main["fighting_words"], re.IGNORECASE)
        if main.get("fighting_words")
        else None,
    )


def _words(text: str) -> list[str]:
    return [w.strip(",'") for w in _WORD.findall(text.lower().replace("-", " "))]


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Does `phrase` occur in `words`, each word allowing a plain inflection?"""
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if all(
            any(words[i + k] == p + e for e in _ENDINGS)
            or (p.endswith("e") and words[i + k] in (p + "d", p[:-1] + "ing"))
            for k, p in enumerate(phrase)
        ):
            return True
    return False


def title_numbers(title: str) -> set[int]:
    """Figures a headline states, in digits or words ("kills 11", "Twenty dead")."""
    out: set[int] = set()
    for w in _words(title):
        v = parse_digits(w) if w[0].isdigit() else parse_words([w])
        if v is not None and not (w[0].isdigit() and len(w) == 4 and 1900 <= v <= 2100):
            out.add(v)
    return out


def title_types(title: str, lex: Lexicon) -> set[str]:
    """ACLED event types the headline's event words name ("Barrel bomb attack ...")."""
    words = _words(title)
    types: set[str] = set()
    for trig in lex.triggers:
        if trig.sub_event_type and trig.kind != "generic" and _has_phrase(words, trig.words):
            t = lex.event_type_of(trig.sub_event_type)
            if t:
                types.add(t)
    for sub, phrases in lex.instruments.items():
        if any(_has_phrase(words, p) for p in phrases):
            t = lex.event_type_of(sub)
            if t:
                types.add(t)
    return types


def _last_day(claim: Claim) -> dt.date | None:
    """The latest day a claim's date can mean (its range end, or its month's/year's)."""
    if claim.date is None:
        return None
    if claim.date_end is not None:
        return claim.date_end
    d = claim.date
    if claim.date_precision == "year":
        return dt.date(d.year, 12, 31)
    if claim.date_precision == "month":
        nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return d


def is_background(claim: Claim, published: dt.date | None, rules: RoleRules) -> bool:
    """History, a recap or a cumulative toll: by its words or by its date."""
    text = claim.evidence.text
    if any(p.search(text) for p in rules.background):
        return True
    last = _last_day(claim)
    return (
        published is not None
        and last is not None
        and (published - last).days >= rules.old_after_days
    )


def _title_score(claim: Claim, title: str, numbers: set[int], types: set[str], rules) -> int:
    pts = rules.points
    low = title.lower()
    score = 0
    if claim.killed is not None and {claim.killed.low, claim.killed.high} & numbers:
        score += pts.get("figure", 2)
    if claim.event_type and claim.event_type in types:
        score += pts.get("type", 1)
    places = [m.text for m in claim.place_mentions]
    if claim.location is not None and claim.location.name:
        places.append(claim.location.name)
    if any(p and len(p) > 2 and p.lower() in low for p in places):
        score += pts.get("place", 1)
    names = [n for p in claim.perpetrators for n in (p.text, p.name, *p.aliases) if n]
    if any(len(n) > 1 and re.search(rf"\b{re.escape(n.lower())}\b", low) for n in names):
        score += pts.get("perpetrator", 1)
    return score


def _rank(claim: Claim, rules: RoleRules) -> float:
    """Position of the claim's sub-type (else event type) in the lead precedence; a
    clash whose sentence shows no fighting ranks just after remote violence."""
    precedence = rules.lead_precedence
    for key in (claim.sub_event_type, claim.event_type):
        if key in precedence:
            rank: float = precedence.index(key)
            if (
                claim.sub_event_type == "Armed clash"
                and rules.fighting is not None
                and not rules.fighting.search(claim.evidence.text)
                and "Explosions/Remote violence" in precedence
            ):
                rank = precedence.index("Explosions/Remote violence") + 0.5
            return rank
    return len(precedence)


def assign_roles(
    claims: list[Claim],
    document: Document,
    rules: RoleRules | None = None,
    lex: Lexicon | None = None,
) -> list[Claim]:
    """Set `role` on each claim of one document (in place); returns the same list."""
    rules = rules or default_rules()
    lex = lex or default_lexicon()
    news: list[Claim] = []
    for c in claims:
        if is_background(c, document.published, rules):
            c.role = "background"
        else:
            c.role = "related"
            news.append(c)
    if not news:
        return claims
    main: list[Claim] = []
    title = (document.title or "").strip()
    if title:
        numbers, types = title_numbers(title), title_types(title, lex)
        scores = [_title_score(c, title, numbers, types, rules) for c in news]
        best = max(scores)
        if best >= rules.min_score:
            main = [c for c, s in zip(news, scores, strict=True) if s == best]
    if not main:
        lead = next((c for c in news if c.event_type), news[0])
        same = [c for c in news if c.evidence.start == lead.evidence.start]
        main = [min(same, key=lambda c: _rank(c, rules))]
    for c in main:
        c.role = "main"
    return claims

"""Claim-level typing rules that need the whole claim: its victims, targets and words.

The event typer decides a sub-type from the trigger and its arguments; some of ACLED's
distinctions depend on more than that, and an analyst applies them to the finished
record (rules and words in `data/type_rules.yaml`, documented in docs/extraction.md):

- an exchange of fire or shelling between two armed sides is an Armed clash;
- an Attack (Violence against civilians) whose victims are armed and not civilians is
  an Armed clash: Attack needs unarmed or unresisting victims;
- a protest whose protesters are violent is a Violent demonstration (Riots); a peaceful
  protest broken up by security forces is a Protest with intervention;
- an armed group (not a state) detaining members of another armed group is an Armed
  clash, not Arrests;
- a clash set in a protest is a Violent demonstration; unorganised groups fighting with
  sticks or stones, with no armed group or state force among the parties, is Mob
  violence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fogwatch.model import Claim
from fogwatch.nlp.lexicon import Lexicon, default_lexicon, load_table

TABLE = "type_rules.yaml"


@dataclass
class PatternRule:
    applies_to: frozenset[str]
    becomes: str
    patterns: list[re.Pattern[str]]

    def matches(self, claim: Claim) -> bool:
        return claim.sub_event_type in self.applies_to and any(
            p.search(claim.evidence.text) for p in self.patterns
        )


@dataclass
class TypeRules:
    pattern_rules: list[PatternRule]
    armed_applies_to: frozenset[str]
    armed_becomes: str
    armed_inter: frozenset[int]
    mob: PatternRule | None = None
    detain_applies_to: frozenset[str] = frozenset()
    detain_becomes: str = "Armed clash"
    detain_perpetrator_inter: frozenset[int] = frozenset()


def _pattern_rule(entry: dict) -> PatternRule:
    return PatternRule(
        applies_to=frozenset(entry.get("applies_to", [])),
        becomes=entry["becomes"],
        patterns=[re.compile(p, re.IGNORECASE) for p in entry.get("patterns", [])],
    )


@cache
def default_rules() -> TypeRules:
    data = load_table(TABLE)
    armed = data.get("armed_victims", {})
    return TypeRules(
        pattern_rules=[
            _pattern_rule(data[k])
            for k in ("reciprocal", "protest_violence", "protest_intervention", "crowd_clash")
            if k in data
        ],
        armed_applies_to=frozenset(armed.get("applies_to", [])),
        armed_becomes=armed.get("becomes", "Armed clash"),
        armed_inter=frozenset(int(i) for i in armed.get("armed_inter", [])),
        mob=_pattern_rule(data["mob_clash"]) if "mob_clash" in data else None,
        detain_applies_to=frozenset(data.get("nonstate_detains_armed", {}).get("applies_to", [])),
        detain_becomes=data.get("nonstate_detains_armed", {}).get("becomes", "Armed clash"),
        detain_perpetrator_inter=frozenset(
            int(i) for i in data.get("nonstate_detains_armed", {}).get("perpetrator_inter", [])
        ),
    )


def armed_victims(claim: Claim, rules: TypeRules) -> bool:
    """Are the claim's victims armed, and none of them civilians?"""
    v = claim.victims
    if v.civilians or v.children or v.women:
        return False
    if any(t.inter == 7 or (t.side or "") == "civilian" for t in claim.targets):
        return False
    if claim.targets:
        # a known armed actor, or words that name one ("faction fighters", "police")
        return all(
            t.inter in rules.armed_inter or (t.inter is None and t.side in ("state", "non-state"))
            for t in claim.targets
        )
    if v.combatants:
        return True
    # "killed 2 members of the Syrian army": the victims' words name an armed actor
    text = claim.killed.text if claim.killed is not None else None
    if text:
        from fogwatch.nlp.perpetrators import default_finder

        ref = default_finder().known(text)
        return ref is not None and ref.inter in rules.armed_inter
    return False


def retype(claims: list[Claim], rules: TypeRules | None = None, lex: Lexicon | None = None):
    """Apply the rules to one document's claims, in place; returns the same list."""
    rules = rules or default_rules()
    lex = lex or default_lexicon()
    for c in claims:
        new = None
        for rule in rules.pattern_rules:
            if rule.matches(c):
                new = rule.becomes
                break
        if new is None and c.sub_event_type in rules.armed_applies_to and armed_victims(c, rules):
            new = rules.armed_becomes
        if (
            new is None
            and rules.mob is not None
            and rules.mob.matches(c)
            and not any(a.inter in rules.armed_inter for a in c.perpetrators + c.targets)
        ):
            new = rules.mob.becomes
        if (
            new is None
            and c.sub_event_type in rules.detain_applies_to
            and c.perpetrators
            and all(p.inter in rules.detain_perpetrator_inter for p in c.perpetrators)
            and c.targets
            and armed_victims(c, rules)
        ):
            new = rules.detain_becomes
        if new is not None and new != c.sub_event_type:
            c.sub_event_type = new
            c.event_type = lex.event_type_of(new) or c.event_type
    return claims

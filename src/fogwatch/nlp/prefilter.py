"""A cheap sentence prefilter: which sentences of a story need the parser and NER.

Why: most sentences of conflict reporting carry no claim (background, colour, quotes
about politics), and the statistical pipeline costs the same on them as on the few
that do. Deciding from the words alone, before spaCy runs, lets the model see only the
sentences that can yield a claim plus the context the claim reader needs, which is
what makes fogwatch faster end to end than a bare parse of the same text.

How: sentences are cut with a regex (line breaks, and . ! ? before a capital), words are
matched as lower-cased surface forms (the lexicon's lemmas, inflected here: kill ->
kills, killed, killing; strike -> struck), and a sentence is *hot* when it holds

- a trigger phrase of the event lexicon (all its content words, in any order),
- a casualty word (killed, wounded, death toll, ...) or an instrument (barrel bomb),
- a denial or blame verb, a "responsible"/"behind" cue,
- a number or vague quantity (dozens, scores) near a noun that names people.

Kept: every hot sentence; the sentence before it in the same paragraph when the hot
one names no source of its own or points back to one ("He said", "The ministry
added": the claim reader carries the claimant, place and date over from there), and
across a paragraph break when it starts with such a pointer; the sentence after it
when that one attributes ("..., the ministry said." / "It denied ..."); and the first
`lead` sentences of each unit (headline and lead carry the story's place and date). Everything else is *blanked*:
each character other than a line break becomes a space. Offsets into the text stay
exact and paragraphs stay where they were, so the claim reader sees the same
structure, and spaCy turns each blanked run into a single whitespace token.

A text with no hot sentence at all is *cold* (`screen` says so): its kept lead is
only context for hot sentences, and it has none, so it yields no claim of its own.
`Extractor` does not parse cold stories unless a neighbouring story needs their places.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from fogwatch.nlp.lexicon import Lexicon, default_lexicon

_STOP = frozenset({"the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "and",
                   "-", "its", "their", "his", "her", "s"})  # fmt: skip
_IRREGULAR = {
    "strike": ["struck", "stricken"], "shoot": ["shot"], "fight": ["fought"],
    "die": ["died", "dying", "dead"], "hit": ["hit", "hitting"], "take": ["took", "taken"],
    "fall": ["fell", "fallen"], "overrun": ["overran"], "blow": ["blew", "blown"],
    "hold": ["held"], "flee": ["fled"], "drive": ["drove", "driven"], "win": ["won"],
    "lose": ["lost"], "run": ["ran"], "slay": ["slew", "slain"], "bring": ["brought"],
    "throw": ["threw", "thrown"], "steal": ["stole", "stolen"], "say": ["said"],
    "tell": ["told"], "seek": ["sought"], "catch": ["caught"], "set": ["set"],
    "begin": ["began", "begun"], "beat": ["beaten"], "put": ["put"], "bear": ["bore", "borne"],
    "lay": ["laid"], "lead": ["led"], "leave": ["left"], "break": ["broke", "broken"],
    "give": ["gave", "given"], "write": ["wrote", "written"], "show": ["shown"],
    "wind": ["wound"], "shell": ["shelled", "shelling"], "bomb": ["bombed", "bombing"],
    "life": ["lives"], "child": ["children"], "man": ["men"], "woman": ["women"],
    "militiaman": ["militiamen"], "body": ["bodies"], "casualty": ["casualties"],
}  # fmt: skip
_NUMBER_WORDS = frozenset(
    [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
        "eighty", "ninety", "hundred", "hundreds", "thousand", "thousands", "dozen",
        "dozens", "scores", "tens", "several", "couple",
    ]
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# a sentence ends at a line break, or after . ! ? (and closing quotes) before a capital,
# a digit or an opening quote
_SENT_END = re.compile(r"\n+|(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[\"'“‘(\[]?[A-Z0-9])")
_NEAR = 3


def forms(word: str) -> set[str]:
    """Surface forms of a lemma: the lexicon matches lemmas, the prefilter sees text."""
    w = word.lower()
    out = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing", w + "'s"}
    if w.endswith("e"):
        out |= {w[:-1] + "ing", w[:-1] + "ed"}
    if w.endswith("y") and len(w) > 2:
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) >= 3 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
        out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    out |= set(_IRREGULAR.get(w, []))
    return out


@dataclass
class Decision:
    """Which sentences of a text were kept; `kept_chars` counts non-blank characters."""

    spans: list[tuple[int, int]]
    kept: list[bool]
    hot: list[bool] = field(default_factory=list)

    @property
    def kept_share(self) -> float:
        total = sum(b - a for a, b in self.spans) or 1
        return sum(b - a for (a, b), k in zip(self.spans, self.kept, strict=True) if k) / total


class Prefilter:
    """Built once from the lexicon; `screen(text)` is cheap (regexes and set lookups)."""

    def __init__(self, lexicon: Lexicon | None = None, lead: int = 2):
        lex = lexicon or default_lexicon()
        self.lead = lead
        phrases: list[tuple[str, ...]] = [t.words for t in lex.triggers]
        for group in lex.instruments.values():
            phrases.extend(group)
        phrases.extend(lex.killed)
        phrases.extend(lex.injured)
        for word in (*lex.deny_verbs, *lex.blame_verbs, *lex.responsible):
            phrases.append(tuple(str(word).lower().split()))
        # phrase -> the form sets of its content words; indexed by its first content word
        self.by_word: dict[str, list[list[frozenset[str]]]] = defaultdict(list)
        for phrase in phrases:
            words = [w for w in phrase if w not in _STOP and w.isalpha()]
            if not words:
                continue
            sets = [frozenset(forms(w)) for w in words]
            for f in sets[0]:
                self.by_word[f].append(sets[1:])
        self.people = frozenset(f for w in lex.person_nouns for f in forms(w))
        vague_heads = {k[-1] for k in lex.vague}
        self.numbers = _NUMBER_WORDS | vague_heads
        self.attribution = frozenset(
            f for w in (*lex.say_verbs, *lex.deny_verbs) for f in forms(str(w))
        ) | {"according"}
        self.anaphors = frozenset(a.split()[-1] for a in lex.anaphors) | {"this", "these"}

    # ------------------------------------------------------------------ decisions
    def hot(self, words: list[str]) -> bool:
        present = set(words)
        for w in present:
            for rest in self.by_word.get(w, ()):
                if all(s & present for s in rest):
                    return True
        for i, w in enumerate(words):
            if w[0].isdigit() or w in self.numbers:
                window = words[max(0, i - _NEAR) : i + _NEAR + 1]
                if any(x in self.people for x in window):
                    return True
        return False

    def sentences(self, text: str) -> list[tuple[int, int]]:
        spans = []
        start = 0
        for m in _SENT_END.finditer(text):
            if m.start() > start:
                spans.append((start, m.start()))
            start = m.end()
        if start < len(text):
            spans.append((start, len(text)))
        return spans

    def decide(self, text: str) -> Decision:
        spans = self.sentences(text)
        words = [[w.lower() for w in _WORD.findall(text[a:b])] for a, b in spans]
        hot = [self.hot(ws) for ws in words]
        kept = list(hot)
        for i, h in enumerate(hot):
            if not h:
                continue
            if i > 0:
                ws = words[i]
                same_para = "\n" not in text[spans[i - 1][1] : spans[i][0]]
                own_source = any(w in self.attribution for w in ws)
                points_back = any(w in self.anaphors for w in ws)
                starts_back = bool(ws) and ws[0] in self.anaphors
                if starts_back or (same_para and (points_back or not own_source)):
                    kept[i - 1] = True
            if i + 1 < len(hot) and any(w in self.attribution for w in words[i + 1]):
                kept[i + 1] = True
        for i in range(min(self.lead, len(kept))):
            kept[i] = True
        return Decision(spans, kept, hot)

    def screen(self, text: str) -> tuple[str, list[tuple[int, int]], bool]:
        """The text with unkept sentences blanked (same length, same line breaks), the
        (start, end) of each blanked sentence, and whether any sentence is hot."""
        d = self.decide(text)
        return (*self._blank(text, d), any(d.hot))

    @staticmethod
    def _blank(text: str, d: Decision) -> tuple[str, list[tuple[int, int]]]:
        blanked = [span for span, k in zip(d.spans, d.kept, strict=True) if not k]
        if not blanked:
            return text, []
        parts: list[str] = []
        pos = 0
        for a, b in blanked:
            parts.append(text[pos:a])
            parts.append(re.sub(r"[^\n]", " ", text[a:b]))
            pos = b
        parts.append(text[pos:])
        return "".join(parts), blanked

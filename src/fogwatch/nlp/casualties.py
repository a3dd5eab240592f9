"""The `fogwatch_casualties` component: find killed and injured figures in a sentence.

Regex counters confuse "nine rockets" or "1400 GMT" with victims. This component only
takes a figure that counts *people* (a person noun, or a bare number standing next to
a casualty word, as in "killing 5") and ties it to a killed or injured word through
adjacency first and the dependency parse second. Bounds ("at least", "up to",
"between 10 and 15") and vague quantities ("dozens", from `vague_quantities.yaml`)
become the Count's low/high/qualifier exactly as CLAIMS.md states them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from fogwatch.nlp.lexicon import Lexicon, default_lexicon
from fogwatch.nlp.matching import PhraseTable
from fogwatch.nlp.numbers import SCALES, is_number_word, parse_words

# tokens that may sit between a figure and its casualty word without breaking the tie
_SKIP_RIGHT = {
    "were",
    "was",
    "have",
    "has",
    "had",
    "been",
    "be",
    "being",
    "are",
    "is",
    "reportedly",
    "critically",
    "seriously",
    "severely",
    "slightly",
    "lightly",
    "badly",
    "also",
    "all",
    "more",
    "others",
    "other",
    "people",
    "reported",
}
_SKIP_LEFT = {
    "the",
    "a",
    "an",
    "another",
    "further",
    "only",
    "some",
    "of",
    "least",
    "at",
    "more",
    "than",
    "up",
    "to",
    "about",
    "around",
    "nearly",
    "almost",
    "over",
    "approximately",
    "roughly",
    "estimated",
    "as",
    "many",
    "no",
    "fewer",
    "less",
    "just",
    "under",
    "upwards",
}
_UNIT_BLOCK = {
    "gmt",
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "utc",
    "km",
    "kilometers",
    "kilometres",
    "metres",
    "meters",
    "miles",
    "percent",
    "%",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "minutes",
    "o'clock",
}


@dataclass
class Figure:
    """One stated casualty figure within a sentence (token offsets are doc-relative)."""

    kind: str  # "killed" | "injured"
    low: int | None
    high: int | None
    qualifier: str
    start: int
    end: int
    cue: int  # token index of the killed/injured word
    sent_start: int
    victims: dict[str, int] = field(default_factory=dict)
    anaphoric: bool = False  # "verified the death toll": the figure is the one given before

    def text(self, doc: Doc) -> str:
        a, b = min(self.start, self.cue), max(self.end, self.cue + 1)
        return doc[a:b].text


def syntax_is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


class CasualtyFinder:
    """Finds casualty figures in sentences; shared by the component and by tests."""

    def __init__(self, lex: Lexicon):
        self.lex = lex
        cues = [(w, "killed") for w in lex.killed] + [(w, "injured") for w in lex.injured]
        self.cues = PhraseTable(cues)
        self.vague = PhraseTable([(k, v) for k, v in lex.vague.items()])
        self.bounds = PhraseTable([(w, q) for q, lst in lex.bounds.items() for w in lst])

    # ------------------------------------------------------------------ quantities
    def _quantities(self, sent: Span) -> list[tuple[int, int, int, str]]:
        """(start, end, value, qualifier) of number and vague-quantity runs (doc indices)."""
        out = []
        i = 0
        n = len(sent)
        while i < n:
            tok = sent[i]
            hits = self.vague.match_at(sent, i)
            if hits and not (
                tok.lower_ in ("a", "an")
                and i + 1 < n
                and is_number_word(sent[i + 1].text)
                and sent[i + 1].lower_ not in SCALES
            ):
                length, (value, qual) = hits[0]
                j = i + length
                if j < n and sent[j].lower_ == "of":
                    j += 1
                out.append((sent.start + i, sent.start + j, value, qual))
                i = j
                continue
            if (
                is_number_word(tok.text)
                or tok.text.rstrip("+").replace(",", "").isdigit()
                or (tok.lower_ in ("a", "an") and i + 1 < n and sent[i + 1].lower_ in SCALES)
            ):
                j = i + 1
                while j < n and (
                    is_number_word(sent[j].text)
                    or (sent[j].text == "-" and j + 1 < n and is_number_word(sent[j + 1].text))
                    or (
                        sent[j].lower_ == "and"
                        and j + 1 < n
                        and is_number_word(sent[j + 1].text)
                        and any(sent[k].lower_ in SCALES for k in range(i, j))
                    )
                ):
                    j += 1
                words = [t.text for t in sent[i:j]]
                value = parse_words([w.rstrip("+") for w in words])
                if value is not None:
                    qual = (
                        "at_least"
                        if words[-1].endswith("+") or (j < n and sent[j].text == "+")
                        else "exact"
                    )
                    out.append((sent.start + i, sent.start + j, value, qual))
                i = j
                continue
            i += 1
        return out

    def _bound(self, doc: Doc, start: int, sent: Span) -> tuple[str | None, int]:
        """Qualifier written just before a figure ('at least', 'up to'), and its start."""
        for length in (4, 3, 2, 1):
            a = start - length
            if a < sent.start:
                continue
            hits = self.bounds.match_at(doc, a)
            for n, qual in hits:
                if a + n == start or (a + n == start - 1 and doc[start - 1].lower_ == "another"):
                    return qual, a
        return None, start

    # ------------------------------------------------------------------ cues
    def _cue_spans(self, sent: Span) -> list[tuple[int, int, str]]:
        return [(sent.start + a, sent.start + b, k) for a, b, k in self.cues.find(sent)]

    @staticmethod
    def _cue_at(cues: list[tuple[int, int, str]], i: int) -> tuple[int, str] | None:
        for a, b, k in cues:
            if a <= i < b:
                return a, k
        return None

    def _is_person(self, tok: Token) -> bool:
        return (
            tok.lower_ in self.lex.person_nouns
            or tok.lemma_.lower() in self.lex.person_nouns
            or (tok.ent_type_ == "NORP" and tok.pos_ in ("NOUN", "PROPN"))
        )

    def _noun_after(self, doc: Doc, end: int, sent: Span) -> Token | None:
        """The noun a figure counts: skip adjectives/compounds ('Syrian', 'rebel')."""
        j = end
        while j < sent.end and j < end + 4:
            t = doc[j]
            if t.pos_ in ("NOUN", "PROPN") and not (
                j + 1 < sent.end
                and doc[j + 1].pos_ in ("NOUN", "PROPN")
                and doc[j + 1].dep_ != "appos"
                and doc[j].dep_ in ("compound", "amod")
            ):
                return t
            if (
                t.pos_ in ("ADJ", "NOUN", "PROPN")
                or t.text == "-"
                or t.dep_ in ("amod", "compound")
            ):
                j += 1
                continue
            return None
        return None

    def _people_after(self, doc: Doc, tok: Token, sent: Span) -> Token | None:
        """The person noun a few words after a party's name ('regime and allied fighters')."""
        for j in range(tok.i + 1, min(sent.end, tok.i + 5)):
            t = doc[j]
            if self._is_person(t):
                return t
            if not (t.pos_ in ("NOUN", "PROPN", "ADJ", "CCONJ") or t.text == "-"):
                return None
        return None

    # ------------------------------------------------------------------ main
    def find(self, doc: Doc, sent: Span) -> list[Figure]:
        cues = self._cue_spans(sent)
        if not cues:
            return []
        figures: list[Figure] = []
        fold_end = -10  # where the last breakdown figure ("including 10 children") ended
        for a, b, value, qual in self._quantities(sent):
            nxt = doc[b] if b < sent.end else None
            if nxt is not None and nxt.lower_ in _UNIT_BLOCK:
                continue
            if b - a == 1 and doc[a].text.isdigit() and 1900 <= value <= 2100:
                continue
            if doc[a].ent_type_ in ("TIME", "MONEY", "ORDINAL"):
                continue
            noun = self._noun_after(doc, b, sent)
            if noun is not None and noun.ent_type_ in ("DATE", "TIME"):
                continue
            if (
                noun is not None
                and not self._is_person(noun)
                and noun.ent_type_ in ("ACTOR", "NORP")
            ):
                # "17 regime and allied fighters": a party's name, then the people counted
                noun = self._people_after(doc, noun, sent) or noun
            last = noun if noun is not None else doc[b - 1]
            if noun is not None:
                cue_here = self._cue_at(cues, noun.i)
                if not self._is_person(noun) and cue_here is None:
                    continue
            else:
                cue_here = None
            kind_cue = cue_here or self._find_cue(doc, sent, cues, a, last)
            before = {t.lower_ for t in doc[max(sent.start, a - 3) : a]}
            bq, bstart = self._bound(doc, a, sent)
            if (
                figures
                and noun is not None
                and (
                    before & self.lex.breakdown
                    or (before & {"and"} and a - fold_end <= 3 and not kind_cue)
                )
            ):
                # "63 killed, including 10 children and three women": a breakdown
                for cat, words in self.lex.victim_categories.items():
                    if noun.lemma_.lower() in words or noun.lower_ in words:
                        figures[-1].victims[cat] = value
                fold_end = last.i + 1
                continue
            if (
                kind_cue is None
                and figures
                and bstart - 1 >= sent.start
                and doc[bstart - 1].lower_ == "and"
                and figures[-1].end == bstart - 1
            ):
                # "killing 2 X fighters and at least 17 Y fighters": the same casualty word
                kind_cue = (figures[-1].cue, figures[-1].kind)
            if kind_cue is None:
                continue
            cue_i, kind = kind_cue
            # a range: "between 10 and 15", "10 to 15", "10-15"
            low, high = value, value
            figures_qual = qual
            if bq == "at_least":
                low, high, figures_qual = value, None, "at_least"
            elif bq == "at_most":
                low, high, figures_qual = None, value, "at_most"
            elif bq == "about":
                figures_qual = "about"
            elif qual == "at_least":
                low, high = value, None
            figures.append(
                Figure(kind, low, high, figures_qual, min(bstart, a), last.i + 1, cue_i, sent.start)
            )
            if noun is not None:
                self._add_victims(figures[-1], noun, value)
        self._merge_ranges(doc, figures, sent)
        self._breakdowns(doc, figures, sent)
        figures.extend(self._named_victims(doc, sent, cues, figures))
        figures.extend(self._toll_references(doc, sent, cues, figures))
        return figures

    def _find_cue(self, doc, sent, cues, a: int, last: Token) -> tuple[int, str] | None:
        # 1. right after the counted words ("13 injured", "people were killed")
        j = last.i + 1
        steps = 0
        while j < sent.end and steps < 4:
            hit = self._cue_at(cues, j)
            if hit:
                return hit
            if doc[j].lower_ not in _SKIP_RIGHT and doc[j].pos_ not in ("ADV", "AUX"):
                break
            j += 1
            steps += 1
        # 2. the parse: the figure's head chain ("killed ... 40 Syrians", "deaths of 27")
        tok = last
        for _ in range(3):
            head = tok.head
            if head is tok:
                break
            hit = self._cue_at(cues, head.i)
            if hit and tok.dep_ in (
                "dobj",
                "nsubjpass",
                "nsubj",
                "pobj",
                "attr",
                "npadvmod",
                "appos",
                "nummod",
                "compound",
            ):
                return hit
            if head.dep_ == "prep" and head.lower_ in ("of", "among"):
                tok = head
                continue
            if tok.dep_ == "pobj":
                tok = head
                continue
            break
        # 3. right before the figure ("killing 5", "killed more than 50 people")
        j = a - 1
        steps = 0
        while j >= sent.start and steps < 4:
            hit = self._cue_at(cues, j)
            if hit:
                return hit
            if doc[j].lower_ not in _SKIP_LEFT:
                break
            j -= 1
            steps += 1
        return None

    def _add_victims(self, fig: Figure, noun: Token, value: int) -> None:
        key = noun.lemma_.lower()
        for cat, words in self.lex.victim_categories.items():
            if key in words or noun.lower_ in words:
                fig.victims[cat] = value

    def _merge_ranges(self, doc: Doc, figures: list[Figure], sent: Span) -> None:
        """'200 to 300 killed' / 'between 10 and 15' -> one range figure."""
        # ranges are read from the raw quantities: a figure preceded by "A to" / "A -"
        for fig in figures:
            a = fig.start
            if a - 2 >= sent.start and doc[a - 1].lower_ in ("to", "-", "and", "or"):
                prev = doc[a - 2]
                lo = parse_words([prev.text])
                hi = fig.low if fig.low is not None else fig.high
                between = a - 3 >= sent.start and doc[a - 3].lower_ == "between"
                if (
                    lo is not None
                    and hi is not None
                    and lo < hi
                    and (doc[a - 1].lower_ != "and" or between)
                ):
                    fig.low, fig.high, fig.qualifier = lo, hi, "range"
                    fig.start = a - 3 if between else a - 2

    def _breakdowns(self, doc: Doc, figures: list[Figure], sent: Span) -> None:
        """Figures after 'including' describe the figure before: fold them into victims."""
        keep: list[Figure] = []
        for fig in figures:
            parent = keep[-1] if keep else None
            window = {t.lower_ for t in doc[max(sent.start, fig.start - 3) : fig.start]}
            if parent is not None and window & self.lex.breakdown:
                for cat, n in fig.victims.items():
                    parent.victims[cat] = n
                continue
            if (
                parent is not None
                and parent.kind == fig.kind
                and fig.cue == parent.cue
                and (doc[fig.start - 1].lower_ == "and" if fig.start > sent.start else False)
            ):
                # "10 children and three women killed": one figure with a breakdown
                for cat, n in fig.victims.items():
                    parent.victims[cat] = parent.victims.get(cat, 0) + n
                parent.low = (parent.low or 0) + (fig.low or 0) if parent.low is not None else None
                parent.high = (
                    (parent.high or 0) + (fig.high or 0)
                    if parent.high is not None and fig.high is not None
                    else None
                )
                if fig.qualifier != parent.qualifier and parent.qualifier == "exact":
                    # "2 X and at least 17 Y": the sum is at least 19
                    parent.qualifier = fig.qualifier
                parent.end = fig.end
                continue
            keep.append(fig)
        figures[:] = keep

    def _named_victims(self, doc, sent, cues, figures) -> list[Figure]:
        """One named or singular person killed or wounded counts one: 'X was martyred',
        'the death of X', 'gunmen killed a civilian', 'a soldier was wounded'."""
        out = []
        used = {f.cue for f in figures}
        kinds_done = {f.kind for f in figures}
        for a, _b, kind in cues:
            if a in used or kind in kinds_done:
                continue
            tok = doc[a]
            cands = []
            if tok.pos_ == "VERB" or tok.tag_ in ("VBN", "VBD", "VBG"):
                cands = [c for c in tok.children if c.dep_ in ("nsubjpass",)]
                if not syntax_is_passive(tok):
                    cands += [c for c in tok.children if c.dep_ == "dobj"]
                    if tok.lemma_.lower() == "die":
                        # "a detainee died under torture": the one who died
                        cands += [c for c in tok.children if c.dep_ == "nsubj"]
                    if not cands and tok.dep_ == "conj":
                        # "shot and killed a sniper": the object hangs on the first verb
                        cands += [c for c in tok.head.children if c.dep_ == "dobj"]
            if tok.lemma_.lower() == "body" and tok.tag_ == "NN":
                # "a soldier's body was found", "the body of a fighter": one dead
                cands += [c for c in tok.children if c.dep_ == "poss"]
                cands += [
                    g
                    for c in tok.children
                    if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
            if tok.lemma_.lower() == "death":
                cands += [
                    g
                    for c in tok.children
                    if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
            # "fatally wounded": the cue starts at the adverb; look at its head verb
            if tok.pos_ == "ADV":
                cands += [c for c in tok.head.children if c.dep_ == "nsubjpass"]
            for c in list(cands):
                cands += [g for g in c.children if g.dep_ == "appos"]
            for c in cands:
                if c.lower_ in ("him", "her") and kind == "killed":
                    # "..., killing him": one person, named before
                    out.append(Figure(kind, 1, 1, "exact", c.i, c.i + 1, a, sent.start))
                    kinds_done.add(kind)
                    break
                if c.ent_type_ == "PERSON" or (
                    c.tag_ == "NNP"
                    and c.ent_type_ in ("", "PERSON")
                    and c.lower_ not in self.lex.person_nouns
                ):
                    out.append(Figure(kind, 1, 1, "exact", c.left_edge.i, c.i + 1, a, sent.start))
                    kinds_done.add(kind)
                    break
                if c.tag_ == "NN" and (
                    c.lower_ in self.lex.person_nouns
                    or any(g.dep_ == "appos" and g.ent_type_ == "PERSON" for g in c.children)
                ):
                    fig = Figure(kind, 1, 1, "exact", c.left_edge.i, c.i + 1, a, sent.start)
                    self._add_victims(fig, c, 1)
                    out.append(fig)
                    kinds_done.add(kind)
                    break
        return out

    def _toll_references(self, doc, sent, cues, figures) -> list[Figure]:
        """'verified the death toll' names no number: mark it for the assembler."""
        out = []
        if any(f.kind == "killed" for f in figures):
            return out
        for a, b, kind in cues:
            tok = doc[b - 1]
            if (
                kind == "killed"
                and tok.lemma_.lower() in ("toll", "death", "fatality")
                and (tok.dep_ == "dobj" and tok.head.lemma_.lower() in self.lex.say_verbs)
            ):
                out.append(
                    Figure("killed", None, None, "exact", a, b, a, sent.start, anaphoric=True)
                )
        return out


@Language.factory("fogwatch_casualties", default_config={})
def make_casualties(nlp: Language, name: str) -> CasualtyComponent:
    return CasualtyComponent(default_lexicon())


class CasualtyComponent:
    """Sets `doc._.fw_figures`: every casualty figure of the doc, in reading order."""

    def __init__(self, lex: Lexicon):
        self.finder = CasualtyFinder(lex)
        if not Doc.has_extension("fw_figures"):
            Doc.set_extension("fw_figures", default=None)

    def __call__(self, doc: Doc) -> Doc:
        figs: list[Figure] = []
        for sent in doc.sents:
            figs.extend(self.finder.find(doc, sent))
        doc._.fw_figures = figs
        return doc

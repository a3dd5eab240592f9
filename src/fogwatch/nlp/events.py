"""The `fogwatch_event_typer` component: find event triggers and their roles.

A bag of words says a sentence mentions "warplanes"; the parse says whether the
warplanes *hit* something. For each trigger phrase from `event_lexicon.yaml` this
component reads the dependency parse for the perpetrator (active subject, passive
agent, "by"/possessive/national modifier of a noun, subject of "carried out"), the
target (object, "on/against" phrase, passive subject) and the instrument ("with nine
rockets", "jets"), decides whether the act is real (not "would target", "tries to
recapture") and negated ("did not strike"), and fixes the ACLED sub-type from the
trigger or, for generic triggers, from instrument cues. Territory triggers keep
their sub-type open until the actor's side is known (done by the assembler).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from fogwatch.nlp import syntax
from fogwatch.nlp.lexicon import EVENT_LEXICON, Lexicon, Trigger, default_lexicon, load_table
from fogwatch.nlp.matching import PhraseTable

_SKIP_ENTS = {
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "FAC",
    "PLACE",
    "WORK_OF_ART",
    "EVENT",
    "LAW",
    "PRODUCT",
}
LIGHT_VERBS = {
    "carry",
    "launch",
    "conduct",
    "wage",
    "mount",
    "stage",
    "execute",
    "perpetrate",
    "commit",
    "claim",
    "step",
    "intensify",
    "continue",
    "begin",
    "start",
    "resume",
    "lead",
    "undertake",
    "make",
}
TERRITORY_NOUNS = {
    "area",
    "areas",
    "territory",
    "town",
    "village",
    "city",
    "district",
    "neighborhood",
    "neighbourhood",
    "neighborhoods",
    "neighbourhoods",
    "base",
    "position",
    "positions",
    "hill",
    "hills",
    "airport",
    "airbase",
    "road",
    "highway",
    "checkpoint",
    "field",
    "fields",
    "well",
    "wells",
    "island",
    "suburb",
    "suburbs",
    "countryside",
    "province",
    "region",
    "bridge",
    "%",
    "percent",
    "quarter",
    "camp",
    "point",
    "points",
    "front",
    "dam",
    "complex",
}


@dataclass
class EventMention:
    """One event trigger in a sentence with what the parse says about it."""

    trigger: int  # head token index (doc-relative)
    start: int
    end: int
    sent_start: int
    kind: str  # specific | generic | territory | truce
    sub_event_type: str | None
    default: str | None = None
    perpetrators: list[tuple[int, int]] = field(default_factory=list)
    targets: list[tuple[int, int]] = field(default_factory=list)
    instrument: str | None = None  # sub-type suggested by instrument cues
    realis: bool = True
    negated: bool = False
    anaphoric: bool = False  # "these strikes", "the attack": refers back
    multi_party: bool = False
    unilateral: bool = False
    needs_evidence: bool = False  # generic or weak word: a claim only with signs of war

    def text(self, doc: Doc) -> str:
        return doc[self.start : self.end].text


class EventFinder:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.triggers: PhraseTable[Trigger] = PhraseTable((t.words, t) for t in lex.triggers)
        self.not_triggers: PhraseTable[bool] = PhraseTable((w, True) for w in lex.not_triggers)
        self.not_territory_objects = frozenset(
            str(w).lower() for w in load_table(EVENT_LEXICON).get("not_territory_objects", [])
        )
        self.instruments = PhraseTable(
            (w, sub) for sub, words in lex.instruments.items() for w in words
        )

    # ------------------------------------------------------------------ helpers
    def _instrument_in(
        self, doc: Doc, rng: tuple[int, int], skip_names: bool = False
    ) -> str | None:
        hits = self.instruments.find(doc[rng[0] : rng[1]])
        if skip_names:
            # "the Aleppo Artillery Base" names a place, not the weapon used
            hits = [
                h
                for h in hits
                if not any(
                    doc[rng[0] + k].pos_ == "PROPN" or doc[rng[0] + k].ent_type_
                    for k in range(h[0], h[1])
                )
            ]
        if not hits:
            return None
        # the most specific means wins: suicide > IED > air > shelling
        order = [
            "Suicide bomb",
            "Remote explosive/landmine/IED",
            "Air/drone strike",
            "Shelling/artillery/missile attack",
        ]
        subs = [h[2] for h in hits]
        return min(subs, key=lambda s: order.index(s) if s in order else 99)

    def _realis(self, tok: Token) -> bool:
        t = tok
        for _ in range(4):
            for c in t.children:
                if c.dep_ == "aux" and c.lower_ in self.lex.modals:
                    return False
                if c.dep_ == "mark" and c.lower_ == "if":
                    return False
            if t.lemma_.lower() in self.lex.irrealis_governors and t is not tok:
                return False
            if (
                t.dep_
                in (
                    "xcomp",
                    "pcomp",
                    "pobj",
                    "prep",
                    "dobj",
                    "acomp",
                    "amod",
                    "compound",
                    "nsubj",
                    "nsubjpass",
                    "ccomp",
                    "advcl",
                    "conj",
                    "attr",
                )
                or (
                    t.dep_ == "acl"
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
                )
            ) and t.head is not t:
                t = t.head
                continue
            break
        return not (t.lemma_.lower() in self.lex.irrealis_governors and t is not tok)

    def _np(self, tok: Token) -> list[tuple[int, int]]:
        return [
            syntax.np_range(c)
            for c in syntax.conjuncts(tok)
            if c.ent_type_ not in ("DATE", "TIME", "CARDINAL", "PERCENT")
        ]

    def _modifier_actor(self, tok: Token) -> list[tuple[int, int]]:
        """'Russian airstrikes', 'regime strikes', 'coalition jets': left modifiers naming
        a party, and possessives ("Russia's airstrikes")."""
        out = []
        for c in tok.lefts:
            if c.ent_type_ in ("DATE", "TIME"):
                continue
            if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN"):
                out.append(syntax.np_range(c))
            elif c.dep_ in ("amod", "compound", "nmod") and (
                c.ent_type_ in ("NORP", "GPE", "ORG", "ACTOR")
                or c.lower_
                in (
                    "regime",
                    "government",
                    "rebel",
                    "coalition",
                    "army",
                    "isis",
                    "jihadist",
                    "opposition",
                    "pro-regime",
                    "loyalist",
                )
            ):
                out.append((c.left_edge.i, c.i + 1))
        return out

    # ------------------------------------------------------------------ roles
    def _roles(self, doc: Doc, ev: EventMention, tok: Token) -> None:
        lex = self.lex
        if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            if syntax.is_passive(tok) or (tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod")):
                for c in tok.children:
                    if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                        for g in c.children:
                            if g.dep_ == "pobj":
                                ev.perpetrators += self._np(g)
                    if c.dep_ == "nsubjpass":
                        ev.targets += self._np(c)
                if tok.dep_ in ("acl", "amod") and not ev.targets:
                    ev.targets += self._np(tok.head)
            else:
                subj = syntax.subject_of(tok)
                if subj is not None and subj.lower_ not in ("which", "that", "who"):
                    ev.perpetrators += self._np(subj)
                if not any(c.dep_ == "dobj" for c in tok.children):
                    # "shot and killed a civilian": the object is shared by the conjuncts
                    for v in tok.children:
                        if v.dep_ == "conj" and v.pos_ == "VERB":
                            ev.targets += [
                                r for c in v.children if c.dep_ == "dobj" for r in self._np(c)
                            ]
                for c in tok.children:
                    if c.dep_ in ("dobj", "attr"):
                        ev.targets += self._np(c)
                    if c.dep_ == "prep" and c.lower_ in ("on", "against", "at", "into"):
                        ev.targets += [
                            r for g in c.children if g.dep_ == "pobj" for r in self._np(g)[:1]
                        ]
                    if c.dep_ == "prep" and c.lower_ == "with":
                        for g in c.children:
                            if g.dep_ == "pobj":
                                ev.instrument = ev.instrument or self._instrument_in(
                                    doc, syntax.np_range(g)
                                )
                    if c.dep_ == "neg":
                        ev.negated = True
                if tok.dep_ == "amod":  # "the attacking warplane"
                    ev.perpetrators.append(syntax.np_range(tok.head))
            ev.negated = ev.negated or any(c.dep_ == "neg" for c in tok.children)
        else:
            # nominal trigger
            ev.perpetrators += self._modifier_actor(tok)
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            ev.perpetrators += self._np(g)
                if c.dep_ == "prep" and c.lower_ in ("on", "against", "targeting", "at"):
                    ev.targets += [
                        syntax.np_range(g)
                        for g in c.children
                        if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")
                    ]
                if c.dep_ == "det" and c.lower_ in ("these", "this", "the", "that", "those"):
                    ev.anaphoric = c.lower_ != "the" or not any(
                        x.dep_ in ("prep", "compound", "amod") for x in tok.children
                    )
            head = tok.head
            if tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
                # "killed in airstrikes by coalition jets on army positions"
                verb = head.head
                for c in verb.children:
                    if c.dep_ == "agent" and not ev.perpetrators:
                        ev.perpetrators += [
                            r for g in c.children if g.dep_ == "pobj" for r in self._np(g)
                        ]
                    if c.dep_ == "prep" and c.lower_ in ("on", "against") and not ev.targets:
                        ev.targets += [
                            r for g in c.children if g.dep_ == "pobj" for r in self._np(g)[:1]
                        ]
            if tok.lower_.endswith(("bomber", "bombers", "gunmen", "attacker", "attackers")):
                ev.perpetrators.insert(0, syntax.np_range(tok))
            if tok.dep_ == "dobj" and head.lemma_.lower() in LIGHT_VERBS:
                subj = syntax.subject_of(head)
                if subj is not None:
                    ev.perpetrators += self._np(subj)
                ev.negated = ev.negated or syntax.has_negation(head)
            if (
                tok.dep_ == "pobj"
                and head.lower_ == "for"
                and head.head.lemma_.lower() in (lex.responsible)
            ):
                adj = head.head
                subj = syntax.subject_of(adj, passive_ok=True) or (
                    syntax.subject_of(adj.head, passive_ok=True) if adj.dep_ == "acomp" else None
                )
                if subj is not None:
                    ev.perpetrators += self._np(subj)
        # identification ("the attacking warplane is believed to be Russian") needs the
        # actor table, so the assembler does it (ClaimAssembler._identify).

    # ------------------------------------------------------------------ main
    def find(self, doc: Doc, sent: Span) -> list[EventMention]:
        out: list[EventMention] = []
        first = sent.text.strip().lower()
        if any(first.startswith(p) for p in self.lex.skip_line_prefixes):
            return out
        blocked = {sent.start + k for a, b, _ in self.not_triggers.find(sent) for k in range(a, b)}
        for a, b, trig in self.triggers.find(sent):
            start, end = sent.start + a, sent.start + b
            if any(k in blocked for k in range(start, end)):
                continue  # "on strike", "heart attack", "the fight against the virus"
            toks = doc[start:end]
            head = toks.root
            if any(t.ent_type_ in _SKIP_ENTS for t in toks):
                continue
            if any(t.ent_type_ == "DATE" and t.pos_ == "PROPN" for t in toks):
                continue  # "7 March 2019": a month, not a march
            if any(t.ent_type_ == "ACTOR" and t.pos_ == "PROPN" for t in toks):
                continue  # a name ("Desert Hawks"), not a description ("suicide bombers")
            if trig.pos and not (
                head.pos_ == trig.pos or (trig.pos == "VERB" and head.tag_.startswith("VB"))
            ):
                continue
            if trig.pos is None and trig.kind == "specific" and head.pos_ == "ADJ":
                continue
            if (
                head.dep_ == "compound"
                and head.head.pos_ in ("NOUN", "PROPN")
                and not (start <= head.head.i < end)
                and trig.kind in ("specific", "truce")
                and head.head.lemma_.lower() not in ("campaign", "attack", "strike", "raid")
                and not head.head.lower_.endswith("ing")  # "a demonstration denouncing ..."
            ):
                continue  # "protest letter", "truce talks": the word names something else
            if trig.needs_territory_object and not self._territory_object(head):
                continue
            if trig.kind == "territory" and (
                self._took_people_or_things(head)
                or (head.dep_ in ("amod", "compound") and head.tag_ == "VBN")
            ):
                continue  # "captured two fighters", "seized a tank", "IS-controlled": not a change
            if (
                trig.kind == "territory"
                and head.pos_ in ("NOUN",)
                and not self._territory_object(head)
            ):
                continue
            ev = EventMention(
                head.i, start, end, sent.start, trig.kind, trig.sub_event_type, default=trig.default
            )
            ev.needs_evidence = trig.needs_evidence
            self._roles(doc, ev, head)
            ev.realis = self._realis(head)
            if trig.kind == "generic":
                # the platform named as the attacker beats the munition it fired:
                # "warplanes hit the position with nine rockets" is an air strike
                platform = next(
                    (
                        sub
                        for rng in ev.perpetrators
                        if (sub := self._instrument_in(doc, rng)) == "Air/drone strike"
                    ),
                    None,
                )
                ev.instrument = platform or ev.instrument or self._instrument_in(doc, (start, end))
                for rng in ev.perpetrators:
                    ev.instrument = ev.instrument or self._instrument_in(doc, rng)
                if ev.instrument is None:
                    ev.instrument = self._instrument_in(
                        doc, (sent.start, sent.end), skip_names=True
                    )
                if ev.instrument is not None:
                    ev.sub_event_type = ev.instrument
            if trig.kind == "truce":
                verb = syntax.governing_verb(head)
                subj = syntax.subject_of(verb) if verb is not head else None
                ev.multi_party = subj is not None and len(syntax.conjuncts(subj)) > 1
                ev.unilateral = any(c.lower_ == "unilateral" for c in head.lefts)
                if ev.unilateral:
                    ev.sub_event_type = "Ceasefire or truce declared"
                if subj is not None and not ev.perpetrators:
                    ev.perpetrators += self._np(subj)
            out.append(ev)
        return out

    def _took_people_or_things(self, tok: Token) -> bool:
        """'captured a QSD member', 'seized weapons': the object is people or equipment."""
        for c in tok.children:
            if c.dep_ not in ("dobj", "nsubjpass"):
                continue
            low = c.lemma_.lower()
            if c.lower_ in ("him", "them", "her") or c.ent_type_ == "ACTOR":
                return True
            if low in self.lex.person_nouns or c.lower_ in self.lex.person_nouns:
                return True
            if low in self.not_territory_objects or c.lower_ in self.not_territory_objects:
                return True
        return False

    def _territory_object(self, tok: Token) -> bool:
        """'took the town', 'taken by the regime' (of 97% of X), 'capture of Y city'."""
        cands = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
        cands += [
            g
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in ("of", "over")
            for g in c.children
            if g.dep_ == "pobj"
        ]
        if tok.dep_ in ("acl", "amod"):
            cands.append(tok.head)
        if any(c.dep_ == "prt" and c.lower_ in ("over", "control") for c in tok.children):
            return True
        for c in cands:
            for t in c.subtree:
                if t.ent_type_ in ("GPE", "LOC", "FAC", "PLACE") or t.lower_ in TERRITORY_NOUNS:
                    return True
        return False


@Language.factory("fogwatch_event_typer", default_config={})
def make_event_typer(nlp: Language, name: str) -> EventTyper:
    return EventTyper(default_lexicon())


class EventTyper:
    """Sets `doc._.fw_events`: every event trigger of the doc with roles and sub-type."""

    def __init__(self, lex: Lexicon):
        self.finder = EventFinder(lex)
        if not Doc.has_extension("fw_events"):
            Doc.set_extension("fw_events", default=None)

    def __call__(self, doc: Doc) -> Doc:
        evs: list[EventMention] = []
        for sent in doc.sents:
            evs.extend(self.finder.find(doc, sent))
        doc._.fw_events = evs
        return doc

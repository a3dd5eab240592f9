"""The `fogwatch_claims` component: assemble claim drafts from events, figures and frames.

The other components each answer one question about a sentence (what happened, how
many were hurt, who says so). This one puts the answers together the way a reader
does, using what came before in the same story:

- one claim per (event, claimant, stance) in a sentence; casualty figures go to the
  event nearest them; a sentence with a figure but no trigger is still a claim, typed
  from the story's last event;
- a generic trigger ("the attack", "struck") takes its sub-type from instrument cues,
  else from the story's last event; "these strikes" also takes that event's parties;
- territory changes are typed by the side of who took the ground;
- claimants carry over: pronouns and "The Ministry" point to the last named source,
  a colon frame ("He continued:") or a running quotation keeps the speaker, first-person
  speech belongs to the last speaker; with no source the outlet speaks;
- "verified the death toll" re-asserts the figure given just before;
- adjacent claims by the same named source about the same event are merged, since a
  source's statement often runs over two sentences.

Output is `doc._.fw_drafts`: plain dicts (msgpack-safe, so `n_process > 1` works) that
`Extractor` turns into `Claim` records once it knows the document, dates and places.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from fogwatch.model import ActorRef, Claimant, Count, PlaceMention
from fogwatch.nlp import syntax
from fogwatch.nlp.actor_refs import ActorResolver
from fogwatch.nlp.attribution import (
    Attribution,
    AttributionFinder,
    SentenceFrame,
    is_first_person,
)
from fogwatch.nlp.casualties import Figure
from fogwatch.nlp.events import EventMention
from fogwatch.nlp.lexicon import EVENT_LEXICON, Lexicon, default_lexicon, load_table
from fogwatch.nlp.matching import PhraseTable
from fogwatch.nlp.places import ents_by_sentence, is_country, mentions_in

VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
_FRAME_PARAGRAPHS = 3
_LOCATIVE_PREPS = {"in", "across", "throughout", "inside", "within", "into", "at"}


@dataclass
class _Ctx:
    """What a reader remembers while reading one story (segment)."""

    sub: str | None = None
    main_sub: str | None = None  # the story's first act of violence: what "the attacks" are
    main_perps: list[ActorRef] = field(default_factory=list)
    main_targets: list[ActorRef] = field(default_factory=list)
    main_by: str | None = None  # who reported the main act (claimant name, None = outlet)
    perps_by: str | None = None
    perps: list[ActorRef] = field(default_factory=list)
    targets: list[ActorRef] = field(default_factory=list)
    killed: Count | None = None
    claimant: Claimant | None = None
    claimant_sent: int = -10
    claimant_para: int = -10
    frame_claimant: Claimant | None = None
    frame_para: int = -10
    places: list[PlaceMention] = field(default_factory=list)
    place_history: list[list[PlaceMention]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


@dataclass
class _Draft:
    sent_i: int
    para: int
    trigger: int | None
    sub: str | None
    typed_from: str  # trigger | instrument | context | none
    perps: list[ActorRef] = field(default_factory=list)
    targets: list[ActorRef] = field(default_factory=list)
    claimant: Claimant | None = None
    claimant_carried: bool = False
    stance: str = "asserts"
    killed: Count | None = None
    injured: Count | None = None
    victims: dict[str, int] = field(default_factory=dict)
    start: int = 0
    end: int = 0
    places: list[PlaceMention] = field(default_factory=list)
    place_source: str = "none"
    place_alts: list[list[PlaceMention]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    date_ctx: list[str] = field(default_factory=list)
    heading: bool = False
    has_trigger: bool = True
    perps_weak: bool = False  # taken from the story, not said in this sentence
    etype: str | None = None  # event type for sub-types that borrow one (Ceasefire violation)


def _is_heading(raw: str, last: bool) -> bool:
    """A sentence (its text, and whether it ends the doc) that reads as a heading."""
    text = raw.strip()
    if not text or text[-1] in '.!?”"’':
        return False
    return "\n" in raw or last or len(text) < 120


def _is_caption(text: str) -> bool:
    """'SARMADA STRIKE 05-05-16': an image caption or file label in capitals, not a report."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and len(text.split()) <= 8


def _count(fig: Figure, doc: Doc) -> Count:
    return Count(low=fig.low, high=fig.high, qualifier=fig.qualifier, text=fig.text(doc))


class ClaimAssembler:
    def __init__(self, lex: Lexicon, actors: ActorResolver | None = None):
        self.lex = lex
        self.actors = actors or ActorResolver(lex)
        self.instruments = PhraseTable(
            (w, sub) for sub, words in lex.instruments.items() for w in words
        )
        self.air_powers = frozenset(load_table(EVENT_LEXICON).get("air_powers", []))

    # ------------------------------------------------------------------ actors
    def _resolve_pronoun(self, doc: Doc, tok: Token, ctx: _Ctx) -> list[ActorRef]:
        """'it tries to recapture' -> the subject of the clause above; else the story's."""
        t = tok.head
        for _ in range(4):
            if t.dep_ not in ("advcl", "ccomp", "conj", "xcomp", "relcl") or t.head is t:
                break
            t = t.head
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in (
                    "it",
                    "they",
                    "he",
                    "she",
                    "we",
                    "which",
                    "who",
                    "that",
                ):
                    ref = self.actors.ref(doc[slice(*syntax.np_range(c))].text)
                    return [ref] if ref else []
        if is_first_person(tok) and ctx.claimant is not None:
            return [ActorRef(name=ctx.claimant.name, aliases=ctx.claimant.aliases, text=tok.text)]
        return list(ctx.perps)

    def _identify(self, doc: Doc, rng: tuple[int, int]) -> tuple[int, int]:
        """'the attacking warplane is believed to be Russian' -> 'Russian'."""
        root = doc[rng[0] : rng[1]].root
        if not self.instruments.find(doc[rng[0] : rng[1]]):
            return rng
        if root.dep_ not in ("nsubj", "nsubjpass"):
            return rng
        for t in root.head.subtree:
            if (
                t.dep_ in ("acomp", "attr")
                and t.i not in range(*rng)
                and (t.ent_type_ in ("NORP", "GPE", "ORG", "ACTOR"))
            ):
                return syntax.np_range(t)
        return rng

    def _refs(self, doc: Doc, ranges: list[tuple[int, int]], ctx: _Ctx) -> list[ActorRef]:
        out: list[ActorRef] = []
        for rng in ranges:
            span = doc[rng[0] : rng[1]]
            if len(span) == 1 and ActorResolver.is_pronoun(span.text):
                out.extend(self._resolve_pronoun(doc, span[0], ctx))
                continue
            rng = self._identify(doc, rng)
            text = doc[rng[0] : rng[1]].text
            if self.actors.match(text) is None:
                # "positions of the Kurdish led ... militia SDF": the name sits deeper
                root = doc[rng[0] : rng[1]].root
                full = doc[root.left_edge.i : root.right_edge.i + 1]
                if len(full) <= 14 and self.actors.match(full.text) is not None:
                    text = full.text
            ref = self.actors.ref(text)
            if ref is not None and all(r.name != ref.name for r in out):
                out.append(ref)
        return out

    # ------------------------------------------------------------------ typing
    def _civilian(
        self,
        doc: Doc,
        ranges: list[tuple[int, int]],
        refs: list[ActorRef],
        figs: list[Figure] = (),
    ) -> bool:
        """Is the target civilians or a civilian place ("a minibus", "a group of people"),
        or are the sentence's victims civilians ("killing one and injuring two persons")?"""
        if any((r.side or "").lower().startswith("civilian") or r.inter == 7 for r in refs):
            return True
        if any(self.actors.is_state(r) is not None for r in refs):
            return False  # an armed party is the target: a battle, not an attack on civilians
        for a, b in ranges:
            for t in doc[a:b]:
                if t.pos_ in ("NOUN", "PROPN") and (
                    t.lemma_.lower() in self.lex.civilian_targets
                    or t.lower_ in self.lex.civilian_targets
                ):
                    return True
        for f in figs:
            if "combatants" in f.victims:
                return False
        for f in figs:
            noun = doc[f.end - 1]
            if "civilians" in f.victims or noun.lemma_.lower() in self.lex.civilian_targets:
                return True
        return False

    def _war_evidence(
        self,
        doc: Doc,
        sent: Span,
        parties: list[ActorRef],
        figs: list[Figure],
        ctx: _Ctx,
        ents: list[Span],
    ) -> bool:
        """Does the sentence (or its story) show armed conflict? Needed before a generic
        word ("attack", "hit", "battle") counts: "the battle for votes" does not."""
        if ctx.sub is not None and self.lex.event_type_of(ctx.sub) in VIOLENT_TYPES:
            return True
        if any(self.actors.is_state(p) is not None and p.inter != 7 for p in parties):
            return True
        for e in ents:
            if e.label_ == "ACTOR":
                ref = self.actors.ref(e.text)
                if (
                    ref is not None
                    and ref.inter not in (None, 6, 7)
                    or (
                        ref is not None
                        and ref.inter is None
                        and self.actors.is_state(ref) is not None
                    )
                ):
                    return True
        for f in figs:
            lemma = doc[f.cue].lemma_.lower()
            if lemma not in ("die", "death", "dead") or "combatants" in f.victims:
                return True
        return bool(self.instruments.find(sent))

    def _sub_type(
        self,
        ev: EventMention,
        perps: list[ActorRef],
        ctx: _Ctx,
        civilian_target: bool = False,
    ) -> tuple[str | None, str]:
        lex = self.lex
        if ev.kind == "territory":
            sides = [self.actors.is_state(p) for p in perps]
            if any(s is True for s in sides):
                return "Government regains territory", "trigger"
            if any(s is False for s in sides):
                return "Non-state actor overtakes territory", "trigger"
            return ev.default or ev.sub_event_type, "trigger"
        if ev.kind == "generic":
            if ev.sub_event_type:
                sub, how = ev.sub_event_type, "instrument"
            elif ev.anaphoric and ctx.main_sub:
                sub, how = ctx.main_sub, "context"
            elif ctx.sub and lex.event_type_of(ctx.sub) in VIOLENT_TYPES:
                sub, how = ctx.sub, "context"
            elif civilian_target and ev.default in (None, "Armed clash"):
                # an attack or a shooting on civilians; a strike or a bombing keeps its
                # means ("strikes kill 56 civilians" is an air strike, as ACLED codes it)
                sub, how = "Attack", "trigger"
            else:
                sub, how = ev.default, "trigger"
            if (
                how == "trigger"
                and sub in ("Armed clash", "Attack")
                and perps
                and all((p.side or "") in self.air_powers for p in perps)
            ):
                # "the coalition struck ...", "Russia hit ...": in this war these parties
                # strike from the air (event_lexicon.yaml `air_powers`)
                sub, how = "Air/drone strike", "instrument"
            if (
                sub == "Air/drone strike"
                and perps
                and all(self.actors.is_state(p) is False for p in perps)
            ):
                # rebels and jihadists in Syria have no air force
                sub = "Armed clash"
            return sub, how
        if ev.sub_event_type == "Ceasefire violation":
            return ev.sub_event_type, "trigger"
        return ev.sub_event_type, "trigger"

    def _type_from_killing(self, doc: Doc, figs: list[Figure], d: _Draft, ctx: _Ctx) -> None:
        """No trigger and no story to lean on: the killing itself is the event.

        "Militants killed five villagers" is an attack on civilians; "gunmen killed
        two soldiers" a battle; "three men were found dead" an attack by unknown men.
        """
        killed = [
            f for f in figs if f.kind == "killed" and (f.low is not None or f.high is not None)
        ]
        if not killed:
            return
        f = killed[0]
        cue = doc[f.cue]
        perp_tok = None
        if cue.pos_ == "VERB" or cue.tag_.startswith("VB"):
            if syntax.is_passive(cue):
                perp_tok = next(
                    (
                        g
                        for c in cue.children
                        if c.dep_ == "agent"
                        for g in c.children
                        if g.dep_ == "pobj"
                    ),
                    None,
                )
            else:
                subj = syntax.subject_of(cue)
                if subj is not None and not (f.start <= subj.i < f.end):
                    perp_tok = subj
        if perp_tok is not None:
            d.perps = self._refs(doc, [syntax.np_range(perp_tok)], ctx)
            d.perps_weak = False
        combatants = "combatants" in f.victims and "civilians" not in f.victims
        d.sub = "Armed clash" if combatants else "Attack"
        d.typed_from = "casualty"

    # ------------------------------------------------------------------ main
    def __call__(self, doc: Doc) -> list[dict[str, Any]]:
        return self.assemble(doc)[0]

    def assemble(self, doc: Doc) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The claim drafts of a story, and the place mentions (roles other than
        'other', as dicts) of its first sentence that has any: the story's own places,
        which `Extractor` lends to neighbouring live-page updates that name none."""
        sents = [s for s in doc.sents]
        doc_text = doc.text  # Doc.text is rebuilt from the tokens on every access
        frames: list[SentenceFrame] = doc._.fw_frames or []
        frame_by_start = {f.sent_start: f for f in frames}
        events: list[EventMention] = doc._.fw_events or []
        figures: list[Figure] = doc._.fw_figures or []
        ctx = _Ctx()
        drafts: list[_Draft] = []
        para = 0
        prev_end = 0
        ents_of = ents_by_sentence(doc)
        events_of: dict[int, list[EventMention]] = {}
        for e in events:
            events_of.setdefault(e.sent_start, []).append(e)
        figs_of: dict[int, list[Figure]] = {}
        for f in figures:
            figs_of.setdefault(f.sent_start, []).append(f)
        mentions_by_sent = [mentions_in(doc, s, ents_of.get(s.start, [])) for s in sents]
        first_places = next((m for m in mentions_by_sent if any(x.role != "other" for x in m)), [])
        prev_claimant_info: tuple[int, int, Claimant | None, bool] = (-1, -1, None, False)
        for si, sent in enumerate(sents):
            if "\n" in doc_text[prev_end : sent.start_char]:
                para += 1
            # the sentence's text, sliced once (`Span.text` joins its tokens on every access)
            raw = doc_text[sent.start_char : sent.end_char]
            prev_end = sent.start_char + len(raw.rstrip())
            text = raw.strip()
            if not text or _is_caption(text):
                continue
            frame = frame_by_start.get(sent.start) or SentenceFrame(sent.start)
            s_events = events_of.get(sent.start, [])
            s_figs = figs_of.get(sent.start, [])
            mentions = [m for m in mentions_by_sent[si] if m.role != "other"]
            # a sentence set only in a country ("slain in Turkey", "across Syria") does not
            # happen at the story's last town: leave it unlocated rather than misplace it
            country_only = not mentions and any(
                e.label_ in ("GPE", "LOC")
                and is_country(e.text)
                and e.root.dep_ == "pobj"
                and e.root.head.lower_ in _LOCATIVE_PREPS
                for e in ents_of.get(sent.start, [])
            )
            dates = [e.text for e in ents_of.get(sent.start, []) if e.label_ in ("DATE", "TIME")]
            heading = _is_heading(raw, sent.end == len(doc))

            # ---- claimants of this sentence's frames
            att_claimants: dict[int, Claimant | None] = {}
            for k, att in enumerate(frame.attributions):
                if att.claimant is None:
                    att_claimants[k] = None
                elif att.anaphoric:
                    att_claimants[k] = ctx.claimant
                else:
                    att_claimants[k] = self.actors.claimant(
                        doc[att.claimant[0] : att.claimant[1]].text
                    )
            # the claimant of words no frame governs
            default_claimant: Claimant | None = None
            carried = False
            p_si, p_para, p_claimant, p_quote = prev_claimant_info
            if (
                ctx.frame_claimant is not None
                and 0 < para - ctx.frame_para <= _FRAME_PARAGRAPHS
                and not frame.attributions
            ):
                default_claimant, carried = ctx.frame_claimant, True
            elif (
                p_claimant is not None
                and p_para == para
                and (frame.opens_quote or p_quote)
                and not frame.attributions
            ):
                default_claimant, carried = p_claimant, True
            elif (
                frame.first_person
                and ctx.claimant is not None
                and not frame.attributions
                and si - ctx.claimant_sent <= 3
            ):
                default_claimant, carried = ctx.claimant, True

            # ---- figures; "verified the death toll" re-asserts the last figure
            figs: list[Figure] = []
            toll_counts: dict[int, Count] = {}
            for f in s_figs:
                if f.anaphoric:
                    if ctx.killed is not None:
                        toll_counts[id(f)] = ctx.killed
                        figs.append(f)
                else:
                    figs.append(f)

            # ---- events
            sent_drafts: list[_Draft] = []
            for ev in s_events:
                perps = self._refs(doc, ev.perpetrators, ctx)
                targets = self._refs(doc, ev.targets, ctx)
                civ = self._civilian(doc, ev.targets, targets, s_figs)
                sub, how = self._sub_type(ev, perps, ctx, civ)
                if (
                    sub == "Armed clash"
                    and any(
                        t.lower_ in self.lex.crowd_words
                        for a, b in ev.perpetrators + ev.targets
                        for t in doc[a:b]
                    )
                    or (
                        sub == "Armed clash"
                        and any(t.lower_ in self.lex.crowd_words for t in sent)
                        and not any(self.actors.is_state(p) is False for p in perps + targets)
                    )
                ):
                    sub = "Violent demonstration"  # protesters clashing with police
                att = AttributionFinder.governing(doc, frame, ev.trigger)
                if att is not None:
                    claimant = att_claimants[frame.attributions.index(att)]
                    stance = att.stance
                    c_carried = att.anaphoric
                else:
                    claimant, stance, c_carried = default_claimant, "asserts", carried
                who = claimant.name if claimant else None
                if (
                    ev.needs_evidence
                    and not ev.instrument
                    and not self._war_evidence(
                        doc, sent, perps + targets, s_figs, ctx, ents_of.get(sent.start, [])
                    )
                ):
                    continue  # "the battle for votes": no sign of armed conflict
                # "these strikes" takes the parties named before, but only from the same
                # source: a monitor repeating a toll does not thereby blame anyone
                inherited = ev.anaphoric and not perps
                if ev.anaphoric and not perps and ctx.main_sub == sub and ctx.main_by == who:
                    perps = list(ctx.main_perps)
                    targets = targets or list(ctx.main_targets)
                elif (
                    ev.anaphoric
                    and not perps
                    and ctx.sub
                    and ctx.perps_by == who
                    and (self.lex.event_type_of(ctx.sub) == self.lex.event_type_of(sub))
                ):
                    perps = list(ctx.perps)
                    targets = targets or list(ctx.targets)
                if sub is not None and self.lex.event_type_of(sub) in VIOLENT_TYPES:
                    if ctx.main_sub is None and how in ("trigger", "instrument") and ev.realis:
                        ctx.main_sub = sub
                        ctx.main_by = who
                    if ctx.main_sub == sub and ev.realis and ctx.main_by == who:
                        ctx.main_perps = ctx.main_perps or perps
                        ctx.main_targets = ctx.main_targets or targets
                    ctx.sub = sub
                    if perps:
                        ctx.perps, ctx.perps_by = perps, who
                    if targets:
                        ctx.targets = targets
                if not ev.realis:
                    continue
                if ev.negated:
                    stance = "denies"
                d = _Draft(
                    si,
                    para,
                    ev.trigger,
                    sub,
                    how,
                    perps,
                    targets,
                    claimant,
                    c_carried,
                    stance,
                    perps_weak=inherited,
                )
                sent_drafts.append(d)

            # ---- blame frames: "X blamed Y" names a perpetrator
            for k, att in enumerate(frame.attributions):
                if att.kind != "blame" or not att.blamed:
                    continue
                blamed = self._refs(doc, att.blamed, ctx)
                governed = [d for d in sent_drafts if d.claimant == att_claimants[k]]
                if governed:
                    for d in governed:
                        d.perps = blamed or d.perps
                elif ctx.sub:
                    sent_drafts.append(
                        _Draft(
                            si,
                            para,
                            att.verb,
                            ctx.sub,
                            "context",
                            blamed,
                            list(ctx.targets),
                            att_claimants[k],
                            att.anaphoric,
                            "asserts",
                            has_trigger=False,
                        )
                    )

            # ---- denials of a reported act with no trigger: "X denied the accusations"
            for k, att in enumerate(frame.attributions):
                if (
                    att.kind == "deny"
                    and att.object_is_claim_noun
                    and ctx.sub
                    and not any(d.stance == "denies" for d in sent_drafts)
                ):
                    sent_drafts.append(
                        _Draft(
                            si,
                            para,
                            att.verb,
                            ctx.sub,
                            "context",
                            list(ctx.perps),
                            list(ctx.targets),
                            att_claimants[k],
                            att.anaphoric,
                            "denies",
                            has_trigger=False,
                            perps_weak=True,
                        )
                    )

            # ---- "The US and the regime both declared ...": one claim per source
            for k, att in enumerate(frame.attributions):
                if not att.also or att_claimants.get(k) is None:
                    continue
                extra = [
                    c
                    for rng in att.also
                    if (c := self.actors.claimant(doc[rng[0] : rng[1]].text)) is not None
                    and c.name != att_claimants[k].name
                ]
                for d in list(sent_drafts):
                    if d.claimant is att_claimants[k]:
                        for c in extra:
                            twin = copy.deepcopy(d)
                            twin.claimant = c
                            sent_drafts.append(twin)

            # ---- merge drafts of one sentence with the same type, source and stance
            merged: list[_Draft] = []
            for d in sent_drafts:
                twin = next(
                    (
                        m
                        for m in merged
                        if m.sub == d.sub
                        and m.stance == d.stance
                        and (
                            (m.claimant.name if m.claimant else None)
                            == (d.claimant.name if d.claimant else None)
                        )
                    ),
                    None,
                )
                if twin is None:
                    # a generic attack next to a specific one of the same family is the same act
                    twin = next(
                        (
                            m
                            for m in merged
                            if d.typed_from in ("context", "trigger")
                            and d.sub in ("Armed clash", None)
                            and m.sub
                            and d.stance == m.stance
                            and self.lex.event_type_of(m.sub) in VIOLENT_TYPES
                            and d.has_trigger
                            and m.claimant == d.claimant
                            and d.typed_from == "context"
                        ),
                        None,
                    )
                if twin is None:
                    merged.append(d)
                else:
                    twin.perps += [p for p in d.perps if p.name not in {q.name for q in twin.perps}]
                    twin.targets += [
                        p for p in d.targets if p.name not in {q.name for q in twin.targets}
                    ]
            sent_drafts = merged

            # ---- a ceasefire violation takes the type of the violence that broke it
            for d in sent_drafts:
                if d.sub and self.lex.event_type_of(d.sub) is None:
                    other = next(
                        (
                            self.lex.event_type_of(o.sub)
                            for o in sent_drafts
                            if o.sub and self.lex.event_type_of(o.sub) in VIOLENT_TYPES
                        ),
                        None,
                    )
                    ctx_type = self.lex.event_type_of(ctx.sub) if ctx.sub else None
                    d.etype = other or (ctx_type if ctx_type in VIOLENT_TYPES else "Battles")

            # ---- figures with no event: a claim typed from the story
            real_figs = [
                f for f in figs if f.low is not None or f.high is not None or id(f) in toll_counts
            ]
            violent = [
                d
                for d in sent_drafts
                if d.sub is None or self.lex.event_type_of(d.sub) in VIOLENT_TYPES
            ]
            if (
                real_figs
                and not violent
                and ctx.sub is None
                and not self._war_evidence(
                    doc, sent, [], real_figs, ctx, ents_of.get(sent.start, [])
                )
            ):
                real_figs = []  # "12 patients died in hospital": deaths, but not of war
            if real_figs and not violent:
                att = None
                cue = real_figs[0].cue
                att = AttributionFinder.governing(doc, frame, cue)
                if att is not None:
                    claimant = att_claimants[frame.attributions.index(att)]
                    stance, c_carried = att.stance, att.anaphoric
                else:
                    claimant, stance, c_carried = default_claimant, "asserts", carried
                d = _Draft(
                    si,
                    para,
                    None,
                    ctx.sub,
                    "context" if ctx.sub else "none",
                    list(ctx.perps)
                    if ctx.sub and ctx.perps_by == (claimant.name if claimant else None)
                    else [],
                    [],
                    claimant,
                    c_carried,
                    stance,
                    has_trigger=False,
                    perps_weak=True,
                )
                if ctx.sub is None:
                    self._type_from_killing(doc, real_figs, d, ctx)
                    ctx.sub = d.sub
                sent_drafts.append(d)
                violent = [d]
            for f in real_figs:
                target = min(violent, key=lambda d: abs((d.trigger or f.cue) - f.cue))
                count = (
                    copy.deepcopy(toll_counts[id(f)]) if id(f) in toll_counts else _count(f, doc)
                )
                slot = "killed" if f.kind == "killed" else "injured"
                if getattr(target, slot) is None:
                    setattr(target, slot, count)
                    if f.kind == "killed" and not target.targets and "combatants" in f.victims:
                        # "62 Syrian soldiers were killed": the victims' side was the target
                        victim = self.actors.match(doc[f.start : f.end].text)
                        if victim is not None:
                            ref = self.actors.ref(doc[f.start : f.end].text)
                            if ref is not None:
                                target.targets.append(ref)
                    for cat, n in f.victims.items():
                        target.victims.setdefault(cat, n)
                if f.kind == "killed" and id(f) not in toll_counts:
                    ctx.killed = count

            # ---- places and dates, own or from the story so far
            for d in sent_drafts:
                d.start, d.end = sent.start_char, sent.end_char
                d.heading = heading
                if mentions:
                    d.places, d.place_source = mentions, "sentence"
                elif country_only:
                    d.place_source = "country"
                elif ctx.places:
                    d.places, d.place_source = list(ctx.places), "story"
                elif first_places:
                    d.places = [m for m in first_places if m.role != "other"]
                    d.place_source = "story-ahead"
                d.place_alts = [h for h in ctx.place_history if h is not d.places]
                if first_places and first_places is not d.places:
                    d.place_alts.append(first_places)
                if country_only:
                    d.place_alts = []
                d.dates = dates
                d.date_ctx = list(ctx.dates)
            drafts.extend(sent_drafts)

            # ---- update the story context
            if mentions and not heading or mentions and not ctx.places:
                ctx.places = mentions
            if mentions:
                ctx.place_history = [mentions] + ctx.place_history[:4]
            if dates:
                ctx.dates = dates + ctx.dates[:3]
            named = [
                att_claimants[k]
                for k, a in enumerate(frame.attributions)
                if att_claimants.get(k) is not None and a.kind != "according"
            ] or [
                att_claimants[k]
                for k, a in enumerate(frame.attributions)
                if att_claimants.get(k) is not None
            ]
            if named:
                ctx.claimant, ctx.claimant_sent, ctx.claimant_para = named[0], si, para
            if frame.colon_frame and named:
                ctx.frame_claimant, ctx.frame_para = named[0], para
            elif frame.attributions and ctx.frame_claimant is not None and para > ctx.frame_para:
                ctx.frame_claimant = None
            quote_open = raw.count("“") > raw.count("”")
            this_claimant = named[0] if named else (default_claimant if carried else None)
            prev_claimant_info = (si, para, this_claimant, quote_open)

        drafts = self._merge_adjacent(drafts)
        story_places = [m.model_dump() for m in first_places if m.role != "other"]
        return [self._to_dict(d, doc) for d in drafts], story_places

    # ------------------------------------------------------------------ merging
    def _merge_adjacent(self, drafts: list[_Draft]) -> list[_Draft]:
        """A named source's statement that runs over adjacent sentences is one claim."""
        out: list[_Draft] = []
        for d in drafts:
            prev = out[-1] if out else None
            if (
                prev is not None
                and d.claimant is not None
                and prev.claimant is not None
                and d.claimant.name == prev.claimant.name
                and d.stance == prev.stance
                and 0 < d.sent_i - prev.sent_i <= 2
                and (
                    d.sub == prev.sub
                    or d.sub is None
                    or prev.sub is None
                    or d.typed_from == "context"
                    or prev.typed_from == "context"
                )
                and not (d.killed and prev.killed and d.killed.low != prev.killed.low)
                and not (d.injured and prev.injured and d.injured.low != prev.injured.low)
                and (
                    d.claimant_carried
                    or not d.has_trigger
                    or not prev.has_trigger
                    or d.typed_from == "context"
                )
            ):
                prev.sub = (
                    prev.sub
                    if prev.typed_from != "context" or d.sub is None
                    else (d.sub if d.typed_from != "context" else prev.sub)
                )
                if prev.typed_from == "context" and d.typed_from != "context":
                    prev.typed_from = d.typed_from
                if d.perps and (not prev.perps or prev.perps_weak and not d.perps_weak):
                    prev.perps, prev.perps_weak = d.perps, d.perps_weak
                prev.targets = prev.targets or d.targets
                prev.killed = prev.killed or d.killed
                prev.injured = prev.injured or d.injured
                for k, v in d.victims.items():
                    prev.victims.setdefault(k, v)
                if (
                    not prev.places
                    or prev.place_source != "sentence"
                    and d.place_source == "sentence"
                ):
                    prev.places, prev.place_source = d.places, d.place_source
                    prev.place_alts = d.place_alts
                prev.dates = prev.dates or d.dates
                prev.end = d.end
                prev.sent_i = d.sent_i
                continue
            out.append(d)
        return out

    # ------------------------------------------------------------------ output
    def _confidence(self, d: _Draft) -> float:
        c = 0.45
        c += {"trigger": 0.15, "instrument": 0.1, "context": 0.0, "casualty": 0.0, "none": -0.1}[
            d.typed_from
        ]
        if d.claimant is not None and not d.claimant_carried:
            c += 0.1
        if d.place_source == "sentence":
            c += 0.1
        elif d.place_source == "none":
            c -= 0.1
        if d.dates:
            c += 0.05
        if d.killed or d.injured:
            c += 0.1
        if d.perps:
            c += 0.05
        if d.heading:
            c -= 0.15
        return round(min(0.95, max(0.05, c)), 2)

    def _to_dict(self, d: _Draft, doc: Doc) -> dict[str, Any]:
        return {
            "start": d.start,
            "end": d.end,
            "sub_event_type": d.sub,
            "event_type": (self.lex.event_type_of(d.sub) or d.etype) if d.sub else None,
            "perpetrators": [p.model_dump() for p in d.perps],
            "targets": [t.model_dump() for t in d.targets],
            "killed": d.killed.model_dump() if d.killed else None,
            "injured": d.injured.model_dump() if d.injured else None,
            "victims": dict(d.victims),
            "claimant": d.claimant.model_dump() if d.claimant else None,
            "stance": d.stance,
            "places": [m.model_dump() for m in d.places],
            "place_source": d.place_source,
            "place_alts": [[m.model_dump() for m in alt] for alt in d.place_alts],
            "dates": list(d.dates),
            "date_ctx": list(d.date_ctx),
            "heading": d.heading,
            "typed_from": d.typed_from,
            "confidence": self._confidence(d),
        }


@Language.factory("fogwatch_claims", default_config={})
def make_claims(nlp: Language, name: str) -> ClaimsComponent:
    return ClaimsComponent(default_lexicon())


class ClaimsComponent:
    """Sets `doc._.fw_drafts` and `doc._.fw_places` (see `ClaimAssembler.assemble`) and
    clears the intermediate (non-serialisable) attributes. Both are plain data, so with
    `n_process > 1` the main process needs nothing else from the doc."""

    def __init__(self, lex: Lexicon):
        self.assembler = ClaimAssembler(lex)
        for name in ("fw_drafts", "fw_places"):
            if not Doc.has_extension(name):
                Doc.set_extension(name, default=None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.fw_drafts, doc._.fw_places = self.assembler.assemble(doc)
        doc._.fw_events = None
        doc._.fw_figures = None
        doc._.fw_frames = None
        return doc


__all__ = ["Attribution", "ClaimAssembler", "ClaimsComponent"]

"""Event typing and roles from triggers plus the parse; bad input. Sentences written for
the tests."""

from __future__ import annotations

import pytest

from fogwatch.ids import document_hex
from test_nlp_helpers import claims_of, make_doc, mentions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ex():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


TYPE_CASES = [
    ("Russian warplanes bombed the town of Kafr Nabl on Tuesday.", "Air/drone strike"),
    ("Regime helicopters dropped barrel bombs on Daraya, activists said.", "Air/drone strike"),
    (
        "Rebels shelled government-held districts of Aleppo with mortars.",
        "Shelling/artillery/missile attack",
    ),
    ("A missile attack hit the port of Latakia overnight.", "Shelling/artillery/missile attack"),
    ("A car bomb exploded outside a mosque in Qamishli.", "Remote explosive/landmine/IED"),
    ("A suicide bomber blew himself up at a checkpoint in Jableh.", "Suicide bomb"),
    ("Fierce clashes erupted between rebels and regime forces near Hama.", "Armed clash"),
    ("Government troops repelled an ISIS assault on the airbase.", "Armed clash"),
    (
        "Islamic State fighters captured the town of Maheen on Sunday.",
        "Non-state actor overtakes territory",
    ),
    (
        "The Syrian army recaptured the village of Tel Rifaat from rebels.",
        "Government regains territory",
    ),
    ("The two sides signed a ceasefire agreement for the Waer district of Homs.", "Agreement"),
    ("A convoy of aid trucks entered the besieged town of Madaya.", "Aid delivery"),
    ("Gunmen kidnapped two aid workers near Idlib.", "Abduction/forced disappearance"),
    ("Hundreds of people demonstrated in Kafranbel against the bombing.", "Peaceful protest"),
    ("Rioters set fire to tyres and pelted stones at police in Suwayda.", "Violent demonstration"),
    ("A shoot-out broke out between two armed groups in Jaramana.", "Armed clash"),
]


@pytest.mark.parametrize("text,sub", TYPE_CASES)
def test_event_types(ex, text, sub):
    subs = {c.sub_event_type for c in claims_of(ex, text)}
    assert sub in subs, subs


def test_event_type_names_follow_acled(ex):
    from fogwatch.nlp.lexicon import default_lexicon

    lex = default_lexicon()
    for c in claims_of(ex, "Russian jets struck a hospital in Idlib, killing five."):
        assert c.event_type == lex.types[c.sub_event_type]
    assert lex.types["Siege"] == "Strategic developments"
    assert lex.types["Aid delivery"] == "Strategic developments"
    assert lex.types["Ceasefire or truce declared"] == "Strategic developments"


def test_active_subject_is_perpetrator_object_is_target(ex):
    (c,) = [
        c
        for c in claims_of(ex, "Turkish jets hit Kurdish militia positions near Afrin.")
        if c.sub_event_type
    ]
    assert mentions(c.perpetrators, "turk")
    assert mentions(c.targets, "kurdish") or mentions(c.targets, "militia")


def test_passive_agent_is_perpetrator(ex):
    claims = claims_of(ex, "Army positions near Palmyra were struck by Islamic State rockets.")
    assert any(mentions(c.perpetrators, "islamic state") for c in claims)
    assert any(mentions(c.targets, "army") for c in claims)


def test_target_of_noun_trigger(ex):
    claims = claims_of(ex, "Activists reported air attacks on regime forces near Morek.")
    assert any(mentions(c.targets, "regime") for c in claims)


def test_two_events_in_one_sentence(ex):
    text = (
        "ISIS and the army were fighting for the hills near Tadmur, a day after ISIS "
        "took over the gas field."
    )
    subs = {c.sub_event_type for c in claims_of(ex, text)}
    assert {"Armed clash", "Non-state actor overtakes territory"} <= subs


def test_generic_trigger_takes_story_context(ex):
    text = (
        "Russian airstrikes hit the village of Kansafra on Friday.\n\n"
        "Local medics said 13 people were killed in the attacks."
    )
    claims = [c for c in claims_of(ex, text) if c.killed]
    assert claims and claims[0].sub_event_type == "Air/drone strike"


def test_hypothetical_and_negated_acts(ex):
    claims = claims_of(ex, "Moscow warned it would bomb the positions if the convoy is attacked.")
    assert not [
        c for c in claims if c.stance == "asserts" and c.sub_event_type == "Air/drone strike"
    ]


def test_places_get_roles_and_inherit(ex):
    text = (
        "Regime artillery shelled the southern outskirts of Daraa on Monday.\n\n"
        "Two children were killed, local activists said."
    )
    claims = claims_of(ex, text)
    first = [c for c in claims if "outskirts" in c.evidence.text][0]
    assert any(m.role == "outskirts" for m in first.place_mentions)
    second = [c for c in claims if c.killed][0]
    assert second.place_mentions and second.location is not None


def test_claim_ids_and_offsets(ex):
    text = "Intro line.\n\nA car bomb killed four people in Azaz on Sunday."
    claims = ex.extract(make_doc(text, name="123_abc.txt"))
    # ids come from the document's content id, never from its file name
    doc_hex = document_hex(make_doc(text, name="123_abc.txt").id)
    assert claims and claims[0].id == f"c-{doc_hex}-0001"
    c = claims[0]
    assert text[c.evidence.start : c.evidence.end] == c.evidence.text
    assert c.document == "123_abc.txt"
    assert c.incident is None
    again = ex.extract(make_doc(text, name="123_abc.txt"))
    assert [x.id for x in again] == [x.id for x in claims]
    renamed = ex.extract(make_doc(text, name="999_other.txt"))
    assert [x.id for x in renamed] == [x.id for x in claims]


NON_CONFLICT = [
    "The city council approved a new budget for schools on Tuesday. Officials said three "
    "new parks will open next spring, and 40 teachers will be hired.",
    "Dock workers went on strike in Marseille on Monday; the general strike shut the port.",
    "The winger hit the post twice before the side's attack finally paid off after the break.",
    "The minister launched a fierce attack on the tax plan, saying it would hit pensioners.",
    "Nurses fight the spread of the flu as 9 patients died in the ward this month.",
    "The battle for votes heated up in Homs as candidates toured the markets.",
    "The bank fired its chief executive after shares hit a record low.",
]


@pytest.mark.parametrize("text", NON_CONFLICT)
def test_no_conflict_content_no_claims(ex, text):
    assert claims_of(ex, text) == []


def test_civilian_target_is_violence_against_civilians(ex):
    claims = claims_of(ex, "Unknown gunmen shot and killed a shepherd near Tafas on Friday.")
    assert any(c.event_type == "Violence against civilians" for c in claims)
    assert any(c.killed and c.killed.low == 1 for c in claims)


def test_non_english_gives_no_claims_and_a_note(ex):
    text = (
        "Au moins douze personnes ont été tuées dans un bombardement sur la ville, selon "
        "les secouristes qui sont sur place depuis le matin."
    )
    doc = make_doc(text, name="fr.txt")
    assert ex.extract(doc) == []
    assert ex.notes.get("fr.txt")
    assert ex.extract(make_doc("Jets bombed Idlib, killing 3.", name="x.txt", language="de")) == []


def test_huge_segment_is_chunked(ex):
    from fogwatch.nlp.extractor import MAX_CHARS, chunks

    para = "The weather was mild and the market was busy with shoppers buying bread. "
    text = (para * 40 + "\n\n") * 60 + "A car bomb killed nine people in Azaz on Sunday."
    spans = chunks(text)
    assert len(spans) > 1 and all(b - a <= MAX_CHARS for a, b in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    claims = ex.extract(make_doc(text, name="big.txt"))
    assert [c.killed.low for c in claims if c.killed] == [9]
    c = [c for c in claims if c.killed][0]
    assert text[c.evidence.start : c.evidence.end] == c.evidence.text


def test_extract_many_batches(ex):
    docs = [
        make_doc(f"Shelling killed {n} people in Daraa on Sunday.", name=f"{n}.txt")
        for n in (3, 4, 5)
    ]
    out = list(ex.extract_many(docs))
    assert [d.name for d, _ in out] == ["3.txt", "4.txt", "5.txt"]
    assert [cs[0].killed.low for _, cs in out] == [3, 4, 5]


def test_ceasefire_violation_takes_the_violence_type(ex):
    claims = claims_of(
        ex, "Activists said regime jets violated the truce by bombing Talbiseh, killing four."
    )
    cv = [c for c in claims if c.sub_event_type == "Ceasefire violation"]
    assert cv and cv[0].event_type == "Explosions/Remote violence"
    claims = claims_of(ex, "Rebels accused the army of a ceasefire violation near Hama.")
    cv = [c for c in claims if c.sub_event_type == "Ceasefire violation"]
    assert cv and cv[0].event_type == "Battles"


def test_multiprocess_gives_the_same_claims():
    from fogwatch.nlp.extractor import Extractor

    docs = [
        make_doc(f"Regime jets bombed Saraqib on Sunday, killing {n} civilians.", name=f"m{n}.txt")
        for n in (6, 7, 8, 9)
    ]
    ex2 = Extractor(n_process=2, batch_size=2, parallel_min_words=0)  # workers, however small
    out = {d.name: [c.model_dump() for c in cs] for d, cs in ex2.extract_many(iter(docs))}
    assert sorted(out) == ["m6.txt", "m7.txt", "m8.txt", "m9.txt"]
    assert [out[f"m{n}.txt"][0]["killed"]["low"] for n in (6, 7, 8, 9)] == [6, 7, 8, 9]


def test_entity_ruler_tags_places_and_actors():
    from fogwatch.nlp.pipeline import build_nlp

    nlp = build_nlp()
    doc = nlp("Jets from the US-led coalition struck positions near Dayr al-Zawr airport.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Dayr al-Zawr") == "GPE"
    assert any(e.label_ == "ACTOR" and e.ent_id_ for e in doc.ents)

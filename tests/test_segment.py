"""Page segmentation and the outlet table.

Seed pages are read in place from ../shared/seeds; every other text here is made up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fogwatch.ingest.outlets import load_outlets, match_outlet, series_names
from fogwatch.ingest.segment import segment_document
from fogwatch.model import Segment

from conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed(prefix: str) -> str:
    (path,) = [p for p in SEED_FILES if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def body(text: str, seg: Segment) -> str:
    return text[seg.start : seg.end]


def check_invariants(text: str, segs: list[Segment]) -> None:
    assert segs, "every document has at least segment 0"
    assert [s.index for s in segs] == list(range(len(segs)))
    assert segs[0].start == 0
    assert segs[-1].end == len(text)
    for a, b in zip(segs, segs[1:], strict=False):
        assert a.end == b.start
    for s in segs:
        assert 0 <= s.start <= s.end <= len(text)
        if len(segs) > 1:
            assert body(text, s).strip(), "no empty segment inside a page"
        if s.heading:
            assert s.heading in body(text, s)


# --------------------------------------------------------------------------- seeds


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_invariants(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    segs = segment_document(text)
    check_invariants(text, segs)
    assert len(segs) >= 2


def test_seed_000_live_page() -> None:
    text = seed("000")
    segs = segment_document(text, outlet="EA WorldView")
    kinds = [s.kind for s in segs]
    assert kinds == ["lead", "update", "update", "original", "story", "story", "story", "story"]
    assert [s.time for s in segs if s.kind == "update"] == ["1400 GMT", "0915 GMT"]
    up1400, up0915, original = segs[1], segs[2], segs[3]
    # each update ends where the next part starts, and holds only its own report
    assert body(text, up1400).startswith("UPDATE 1400 GMT")
    assert "Deir ez-Zor 24" in body(text, up1400) and "0915" not in body(text, up1400)
    assert "Foreign Ministry" in body(text, up0915) and "Ayyash" not in body(text, up0915)
    assert "Ayyash" in body(text, original) and "al-Masdar" in body(text, original)
    assert "UPDATE" not in body(text, original) and "Rami Jarrah" not in body(text, original)
    stories = {kw: [s.index for s in segs if kw in (s.heading or "")] for kw in
               ("Russian Warplanes", "Latakia", "Homs", "Damascus")}  # fmt: skip
    assert stories == {"Russian Warplanes": [4], "Latakia": [5], "Homs": [6], "Damascus": [7]}
    assert "Aleppo" in body(text, segs[4])
    # a link to an earlier day's page is not a story: the nationwide toll stays in the last one
    assert "Syria Daily, December 5" in body(text, segs[7]) and "LCC" in body(text, segs[7])
    assert {s.source for s in segs} == {"EA WorldView"}


def test_seed_001_compilation() -> None:
    text = seed("001")
    segs = segment_document(text)
    pieces = [s for s in segs if s.kind == "piece"]
    assert len(pieces) >= 5
    sources = [s.source for s in segs]
    for name in ("Press TV", "Syrian News", "Al Masdar News", "South Front", "Eva Bartlett"):
        assert name in sources
    press_tv = segs[sources.index("Press TV")]
    assert "UNSC" in body(text, press_tv), "a sub-heading stays inside its piece"
    masdar = segs[sources.index("Al Masdar News")]
    assert masdar.time == "6:00 A.M." and "Artillery Base" in (masdar.heading or "")
    # the video link between pieces is not credited to the piece above it
    video = [s for s in segs if "youtube" in body(text, s)]
    assert len(video) == 1 and video[0].source is None and video[0] is not masdar


def test_seed_004_compilation() -> None:
    text = seed("004")
    segs = segment_document(text)
    assert [(s.kind, s.source) for s in segs] == [("piece", "RT"), ("piece", "The Duran")]
    assert "Deir ez-Zor" in (segs[0].heading or "")
    assert "Russia shines light" in body(text, segs[1]), "sentence-case sub-heading stays"


def test_seed_002_live_page() -> None:
    text = seed("002")
    segs = segment_document(text)
    kinds = [s.kind for s in segs]
    assert kinds[:4] == ["lead", "update", "update", "original"]
    assert [s.time for s in segs[1:3]] == ["1345 GMT", "1330 GMT"]
    assert kinds[4:] == ["story"] * 8
    assert "Jump to Original Entry" in body(text, segs[0])
    assert "Khan Touman" in body(text, segs[2]) and "Khan Touman" not in body(text, segs[3])
    assert body(text, segs[3]).startswith("ORIGINAL ENTRY")
    # "See ..." links and the "Syria Special" cross-reference stay in the original entry
    assert "Syria Special" in body(text, segs[3])
    headings = [s.heading or "" for s in segs[4:]]
    for kw in ("Displaced", "Car Bomb", "Buffer Force", "Soleimani", "Top UN Official",
               "Currency", "Lavrov", "Gas Fields"):  # fmt: skip
        assert sum(kw in h for h in headings) == 1, kw
    camp = segs[4]
    assert "Sarmada" in body(text, camp) and "SARMADA MAP" in body(text, camp)
    assert "Homs" not in body(text, camp)


def test_seed_003_live_page() -> None:
    text = seed("003")
    segs = segment_document(text, outlet="eaworldview.com")
    assert [s.kind for s in segs] == ["lead", "story", "story", "story"]
    assert "Deir ez-Zor" in (segs[0].heading or "")
    assert "RT" in body(text, segs[0]), "an outlet named inside prose is not a byline"
    assert [s.heading.split(":")[0] for s in segs[1:]] == ["Video", "Video", "Report"]
    assert "Douma" in body(text, segs[1]) and "Related Posts" in body(text, segs[3])
    assert {s.source for s in segs} == {"EA WorldView"}


# --------------------------------------------------------------------------- small texts

LIVE = """Syria Live: Talks Resume in Geneva

UPDATE 1630 GMT: Rebel delegates say they will stay in the city until Friday at least.

UPDATE, 11:05 GMT: The envoy opened the session with a call for calm in the south.

ORIGINAL ENTRY: Talks between the regime and the opposition resume today after a pause of two weeks.

Both sides have traded accusations about shelling near the capital this week.

Market Fire Kills Three in Northern Town

A fire in the covered market of a northern town killed three people overnight, local officials said.
"""

STAMPED = """Live coverage of the day's events.

14:02 GMT – Officials say the convoy crossed the border this morning without incident.

2.30pm BST
Road Conditions Worsen In The Hills

Aid workers describe the road conditions as poor after heavy rain in the hills.
"""

COMPILATION = """Army advances on the eastern front

By Jane Roe
Source: rt.com
The army took two villages on Tuesday according to a statement read on state television.

Officials said clearing operations would continue through the week in the area.



Opinion: why the ceasefire failed

By Omar Doe, Reuters
A month after it began, the ceasefire has collapsed along most of the front lines in the north.



A short video from the front line

https://example.org/video/123
"""

TRAILING_SOURCE = """Officials report shelling in the old city

Shelling hit the old city overnight and residents reported damage to several homes nearby.

Local councils said repairs would start next week if the calm held long enough.

Source: Sputnik News
"""

DATELINES = """BEIRUT (Reuters) - Warplanes struck a town in the north on Monday, a monitoring group said.

The group said the strikes hit a market and a school in the town centre during the morning.

DAMASCUS, Syria (10:30 a.m.) - State media reported that a mortar round landed near a school in the capital.

No casualties were reported in the incident, according to the same report.
"""

PLAIN = """The council met on Tuesday to discuss the reconstruction budget for the coming year.

Key points

Members agreed to prioritise water and power over new roads, a spokesman said afterwards.
"The money is not enough," one member said, "but it is a start"

See also: last year's budget

The final vote is expected next month after a public consultation that runs for three weeks.
"""

WRAPPED = """Residents of the town said that the shelling began shortly after dawn and
continued for several hours, damaging homes near the main road and the
school. Local Council Members Said The Damage Was Worst In The North
district, where two buildings collapsed.

A doctor at the field hospital said he had treated eleven people for
wounds, most of them children.
"""

TOP_BYLINE = """How the siege was broken

By Anna Example
The siege of the town ended on Sunday after a three-day assault, according to several accounts.

What Comes Next

Residents now face a winter without power and with little food left in the shops.
"""


def kinds_sources_times(text: str, outlet: str | None = None) -> list[tuple]:
    segs = segment_document(text, outlet=outlet)
    check_invariants(text, segs)
    return [(s.kind, s.source, s.time) for s in segs]


@pytest.mark.parametrize(
    ("text", "outlet", "expected"),
    [
        pytest.param(
            LIVE,
            "EA World View",
            [
                ("lead", "EA WorldView", None),
                ("update", "EA WorldView", "1630 GMT"),
                ("update", "EA WorldView", "11:05 GMT"),
                ("original", "EA WorldView", None),
                ("story", "EA WorldView", None),
            ],
            id="live-updates",
        ),
        pytest.param(
            STAMPED,
            None,
            [("lead", None, None), ("update", None, "14:02 GMT"), ("update", None, "2.30pm BST")],
            id="timestamps",
        ),
        pytest.param(
            COMPILATION,
            None,
            [("piece", "RT", None), ("piece", "Reuters", None), ("story", None, None)],
            id="compilation",
        ),
        pytest.param(TRAILING_SOURCE, None, [("body", "Sputnik", None)], id="trailing-source"),
        pytest.param(
            DATELINES,
            None,
            [("lead", "Reuters", None), ("dateline", None, "10:30 a.m.")],
            id="datelines",
        ),
        pytest.param(PLAIN, None, [("body", None, None)], id="plain-article"),
        pytest.param(PLAIN, "Enab Baladi", [("body", "Enab Baladi", None)], id="plain-outlet"),
        pytest.param(WRAPPED, None, [("body", None, None)], id="hard-wrapped"),
        pytest.param(
            TOP_BYLINE,
            None,
            [("piece", "Anna Example", None), ("story", "Anna Example", None)],
            id="top-byline-covers-page",
        ),
    ],
)
def test_small_texts(text: str, outlet: str | None, expected: list[tuple]) -> None:
    assert kinds_sources_times(text, outlet) == expected


def test_headings_and_bodies_of_small_texts() -> None:
    segs = segment_document(LIVE)
    assert segs[0].heading == "Syria Live: Talks Resume in Geneva"
    assert segs[4].heading == "Market Fire Kills Three in Northern Town"
    assert [s.heading for s in segs[1:4]] == [None, None, None]
    segs = segment_document(STAMPED)
    assert [s.heading for s in segs] == [None, None, "Road Conditions Worsen In The Hills"]
    assert [s.heading for s in segment_document(flatten(STAMPED))] == [s.heading for s in segs]
    segs = segment_document(COMPILATION)
    assert segs[1].heading == "Opinion: why the ceasefire failed"
    assert "By Omar Doe" in body(COMPILATION, segs[1])
    assert segs[2].heading == "A short video from the front line"


def test_dateline_outlet_beats_a_person_byline() -> None:
    text = (
        "Rebels advance on a town in the north\n\nBy Jane Example\n"
        "ISTANBUL (Reuters) - Rebels advanced on a town in the north on Wednesday, sources said.\n"
    )
    assert kinds_sources_times(text) == [("piece", "Reuters", None)]


def test_byline_person_and_descriptor() -> None:
    text = (
        "Night raid on the old quarter\n\nBy local correspondent Sami Example\n"
        "Gunmen raided the old quarter overnight and detained four men, residents said.\n"
    )
    (seg,) = segment_document(text)
    assert (seg.kind, seg.source, seg.heading) == ("piece", "Sami Example", text.split("\n")[0])


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the week the front had barely moved.",
        "By Monday night the road was closed",
        "Source: a person familiar with the talks who spoke on condition of anonymity to reporters.",
        "RT reported the strike on Tuesday.",
        "By Land and Sea: Families Flee the Coast",
    ],
)
def test_sentences_are_not_bylines(line: str) -> None:
    text = f"Title Of The Page Here\n\n{line}\n\nMore text follows here in a full sentence of body prose.\n"
    segs = segment_document(text)
    assert all(s.source is None for s in segs)


def test_update_words_that_are_not_markers() -> None:
    text = (
        "Update on the talks: both sides agreed to meet again next month in the capital.\n\n"
        "Updated figures from the ministry: thirty people were wounded in the attacks.\n"
    )
    assert [s.kind for s in segment_document(text)] == ["body"]


def test_unmarked_original_entry_found_by_first_mention() -> None:
    text = (
        "UPDATE 1200 GMT: The ministry now says the attack killed five people.\n\n"
        "It gave no names.\n\n"
        "An attack on the market in the town centre killed at least two people on Monday, "
        "activists said.\n\n"
        "The town has been shelled for weeks by forces on the hills to the west of it.\n"
    )
    segs = segment_document(text)
    check_invariants(text, segs)
    assert [s.kind for s in segs] == ["update", "original"]
    original = segs[-1]
    assert body(text, original).startswith("An attack on the market")


def test_unmarked_original_not_forced() -> None:
    # 'a military source' names nothing the update already called 'the ...': no split
    text = (
        "UPDATE 1200 GMT: The military says its units repelled an assault at dawn.\n\n"
        "A military source added that reinforcements had arrived from the coast overnight.\n\n"
        "The statement gave no figures for losses on either side of the front line.\n"
    )
    assert [s.kind for s in segment_document(text)][-1] == "update"


@pytest.mark.parametrize("text", ["", "\n\n", "   \n"])
def test_empty_text_is_one_body_segment(text: str) -> None:
    (seg,) = segment_document(text)
    assert (seg.kind, seg.start, seg.end, seg.heading) == ("body", 0, len(text), None)


def test_crlf_and_offsets() -> None:
    text = COMPILATION.replace("\n", "\r\n")
    segs = segment_document(text)
    check_invariants(text, segs)
    assert [s.source for s in segs] == ["RT", "Reuters", None]
    assert body(text, segs[1]).startswith("Opinion:")


# --------------------------------------------------------------------------- outlets


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("RT", "RT"),
        ("Russia Today", "RT"),
        ("al-masdar", "Al Masdar News"),
        ("AL MASDAR NEWS", "Al Masdar News"),
        ("Al-Masdar News.", "Al Masdar News"),
        ("Syrian Arab News Agency", "SANA"),
        ("Duran", "The Duran"),
        ("The Duran", "The Duran"),
        ("SouthFront", "South Front"),
        ("Deir Ezzor 24", "Deir ez-Zor 24"),
        ("PressTV", "Press TV"),
        ("https://www.rt.com/news/123-story/", "RT"),
        ("english.aljazeera.net", "Al Jazeera"),
        ("Associated Press", "AP"),
        ("Agence France-Presse", "AFP"),
    ],
)
def test_match_outlet(written: str, canonical: str) -> None:
    found = match_outlet(written)
    assert found is not None and found.name == canonical


@pytest.mark.parametrize("text", ["", "  ", "RT reported", "Syria", "the", "example.com"])
def test_match_outlet_misses(text: str) -> None:
    assert match_outlet(text) is None


def test_outlet_table_contents() -> None:
    outlets = load_outlets()
    names = {o.name for o in outlets}
    required = {
        "EA WorldView", "Press TV", "RT", "Sputnik", "SANA", "Al Masdar News", "South Front",
        "The Duran", "Syrian News", "Al Jazeera", "Reuters", "AP", "AFP", "BBC", "Anadolu", "TASS",
        "Enab Baladi", "Deir ez-Zor 24", "Step News", "Qasioun", "Syria Direct", "Orient News",
        "Al-Monitor",
    }  # fmt: skip
    assert required <= names and len(names) > len(required)
    for outlet in outlets:
        assert outlet.kind and outlet.lean, outlet.name
        assert outlet.country is None or len(outlet.country) == 2
    assert match_outlet("RT").kind == "state_media"
    assert "Syria Daily" in series_names()


def test_user_outlets_extend_and_update(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "outlets.yaml").write_text(
        "outlets:\n"
        "  - {name: Levant Ledger, aliases: [The Ledger], kind: website, lean: none declared}\n"
        "  - {name: rt, aliases: [RT Documentary]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FOGWATCH_DATA_DIR", str(tmp_path))
    assert match_outlet("ledger").name == "Levant Ledger"
    rt = match_outlet("RT Documentary")
    assert rt.name == "RT" and "Russia Today" in rt.aliases and rt.lean == "Russian government"
    text = "Ledger piece title\n\nSource: The Ledger\nA long enough first paragraph of body prose to count here.\n"
    assert segment_document(text)[0].source == "Levant Ledger"
    monkeypatch.delenv("FOGWATCH_DATA_DIR")
    assert match_outlet("ledger") is None


def test_user_outlets_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "outlets.yaml").write_text(
        "outlets:\n  - {name: Typo Times, kind: newspapr}\n", encoding="utf-8"
    )
    monkeypatch.setenv("FOGWATCH_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="newspapr"):
        load_outlets()
    (tmp_path / "outlets.yaml").write_text("outlets:\n  - {name: Kindless Courier}\n")
    with pytest.raises(ValueError, match="Kindless Courier"):
        load_outlets()


# --------------------------------------------------------------------------- layouts


def flatten(text: str) -> str:
    """The page as HTML extractors write it: one paragraph a line, no blank lines."""
    return re.sub(r"\n\s*\n", "\n", text)


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_seed_without_blank_lines_segments_the_same(prefix: str) -> None:
    text = seed(prefix)
    flat = flatten(text)
    segs = segment_document(flat)
    check_invariants(flat, segs)
    expected = segment_document(text)
    assert [(s.kind, s.heading, s.source, s.time) for s in segs] == [
        (s.kind, s.heading, s.source, s.time) for s in expected
    ]


def test_compilation_without_blank_lines_keeps_its_pieces() -> None:
    flat = flatten(seed("001"))
    segs = segment_document(flat)
    check_invariants(flat, segs)
    pieces = [s.source for s in segs if s.kind == "piece"]
    assert pieces == ["Press TV", "Syrian News", "Eva Bartlett", "Al Masdar News", "South Front"]


def test_one_line_paragraphs() -> None:
    flat = flatten(LIVE)
    assert [s.kind for s in segment_document(flat)] == [s.kind for s in segment_document(LIVE)]


@pytest.mark.parametrize(
    ("marker", "time"),
    [
        ("UPDATE 1400 GMT:", "1400 GMT"),
        ("UPDATE, 14:30 GMT:", "14:30 GMT"),
        ("Update (10:05 a.m.):", "10:05 a.m."),
        ("UPDATED May 5, 0900 GMT:", "0900 GMT"),
        ("Update:", None),
        ("22:15 GMT -", "22:15 GMT"),
    ],
)
def test_update_markers(marker: str, time: str | None) -> None:
    text = f"Lead paragraph of the page, long enough to be prose.\n\n{marker} Troops moved north.\n"
    segs = segment_document(text)
    assert [(s.kind, s.time) for s in segs] == [("lead", None), ("update", time)]


@pytest.mark.parametrize(
    "middle",
    [
        "The victims were:\n\nAhmad Example Hassan\n\nOmar Example",
        "A statement from the family read:\n\nSamir Example Haddad Will Be Missed",
    ],
)
def test_lines_after_a_colon_are_not_headings(middle: str) -> None:
    text = (
        "The monitor named the dead in a statement on Friday evening.\n\n"
        f"{middle}\n\n"
        "Their bodies were taken to the hospital in the city centre for burial.\n"
    )
    assert [s.kind for s in segment_document(text)] == ["body"]


def test_dated_cross_reference_is_not_a_story() -> None:
    text = (
        "Opening paragraph of the page about the day's events in the north.\n\n"
        "Iraq Roundup, March 3: Militia Convoy Hit Near Border Crossing\n\n"
        "Officials on both sides of the border gave different accounts of the convoy.\n"
    )
    assert [s.kind for s in segment_document(text)] == ["body"]
    undated = text.replace("Iraq Roundup, March 3: ", "")
    assert [s.kind for s in segment_document(undated)] == ["lead", "story"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "The army said on Tuesday (SANA) – that the road was open again to traffic.",
        "Aleppo, Syria (2016) – a year of sieges and counter-sieges ended in the east.",
    ],
)
def test_not_datelines(paragraph: str) -> None:
    text = f"First paragraph of the report, in a full sentence.\n\n{paragraph}\n"
    segs = segment_document(text)
    assert [(s.kind, s.time, s.source) for s in segs] == [("body", None, None)]


def test_all_five_seeds_are_read() -> None:
    assert [p.name[:3] for p in SEED_FILES] == ["000", "001", "002", "003", "004"]

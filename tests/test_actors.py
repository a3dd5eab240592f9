"""The actor table: data sanity, phrase matching, spaCy patterns and user extension."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import spacy
import yaml

from fogwatch.model import ActorRef, Claimant
from fogwatch.nlp.actors import (
    LABEL,
    ActorInfo,
    ActorTable,
    add_actor_ruler,
    default_actor_table,
)

from conftest import REPO, SEEDS


@pytest.fixture(scope="module")
def table() -> ActorTable:
    return ActorTable.load()


@pytest.fixture(scope="module")
def ruler_nlp(table: ActorTable):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(table.entity_patterns())
    return nlp


# --------------------------------------------------------------------------- the data


def test_table_has_at_least_80_actors(table: ActorTable) -> None:
    assert len(table) >= 80


def test_no_alias_belongs_to_two_actors(table: ActorTable) -> None:
    assert table.collisions == []


def test_every_name_and_alias_resolves_to_its_own_actor(table: ActorTable) -> None:
    wrong = []
    for info in table:
        for alias in (info.name, *info.aliases):
            got = table.match(alias)
            if got is None or got.name != info.name:
                wrong.append((alias, info.name, got and got.name))
    assert wrong == []


def test_a_collision_inside_one_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "actors": [
                    {"name": "Alpha Brigade", "aliases": ["Shared Name"], "side": "rebel"},
                    {"name": "Beta Brigade", "aliases": ["shared names"], "side": "rebel"},
                ]
            }
        )
    )
    table = ActorTable.load(extra_paths=[path])
    assert ("shared names", "Alpha Brigade", "Beta Brigade") in table.collisions


def test_fields_follow_acled_conventions(table: ActorTable) -> None:
    syria = table.get("Military Forces of Syria")
    russia = table.get("Military Forces of Russia")
    sohr = table.get("Syrian Observatory for Human Rights")
    assert syria is not None and russia is not None and sohr is not None
    assert (syria.side, syria.inter, syria.country, syria.kind) == (
        "government",
        1,
        "SY",
        "military",
    )
    assert (russia.side, russia.inter, russia.country) == ("russia", 8, "RU")
    assert (sohr.side, sohr.inter, sohr.kind) == ("monitor", None, "monitor")
    unidentified = table.get("Unidentified Armed Group (Syria)")
    assert unidentified is not None and unidentified.side == "unknown"


def test_every_parent_exists_and_root_follows_the_chain(table: ActorTable) -> None:
    for info in table:
        if info.parent:
            assert table.get(info.parent) is not None, info.name
    root = table.root("104th Airborne Brigade")
    assert root is not None and root.name == "Military Forces of Syria"
    tiger = table.root("Tiger Forces")
    assert tiger is not None and tiger.name == "Military Forces of Syria"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"name": "X", "side": "martians"}, "side"),
        ({"name": "X", "kind": "wizard"}, "kind"),
        ({"name": "X", "inter": 9}, "inter"),
        ({"name": "X", "country": "Syria"}, "country"),
        ({"name": "X", "parent": "Nobody at all"}, "parent"),
    ],
)
def test_an_invalid_entry_is_refused(tmp_path: Path, item: dict, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"actors": [item]}))
    with pytest.raises(ValueError, match=message):
        ActorTable.load(extra_paths=[path])


# --------------------------------------------------------------------------- match

MATCH_CASES = [
    # Syrian government forces, however written
    ("SAA", "Military Forces of Syria"),
    ("the Syrian Arab Army", "Military Forces of Syria"),
    ("the Syrian army\u2019s position", "Military Forces of Syria"),
    ("the Syrian army's", "Military Forces of Syria"),
    ("Assad forces", "Military Forces of Syria"),
    ("regime", "Military Forces of Syria"),
    ("the regime", "Military Forces of Syria"),
    ("Regime troops", "Military Forces of Syria"),
    ("government forces", "Military Forces of Syria"),
    ("pro-government forces", "Military Forces of Syria"),
    ("loyalist forces", "Military Forces of Syria"),
    ("regime warplanes", "Military Forces of Syria"),
    ("the Syrian Arab Air-force", "Military Forces of Syria"),
    ("Syria's army", "Military Forces of Syria"),
    ("the Syrian army supported by the Russian Air Force", "Military Forces of Syria"),
    ("Tiger Forces", "Tiger Forces"),
    (
        "a military source from the Syrian Army\u2019s 104th Airborne Brigade",
        "104th Airborne Brigade",
    ),
    ("The Syrian Foreign Ministry", "Ministry of Foreign Affairs (Syria)"),
    ("Syria\u2019s foreign ministry", "Ministry of Foreign Affairs (Syria)"),
    ("President Assad", "Government of Syria"),
    ("Damascus", "Government of Syria"),
    ("Syria's", "Military Forces of Syria"),
    # Russia
    ("Russian warplanes", "Military Forces of Russia"),
    ("Russian jets", "Military Forces of Russia"),
    ("the Russian Aerospace Forces", "Military Forces of Russia"),
    ("Russia", "Military Forces of Russia"),
    ("Russian", "Military Forces of Russia"),
    ("Russian airstrikes", "Military Forces of Russia"),
    ("the Russian Defense Ministry", "Ministry of Defence (Russia)"),
    ("Russian MoD", "Ministry of Defence (Russia)"),
    ("Moscow", "Government of Russia"),
    ("Russian officials", "Government of Russia"),
    # the coalition and the US
    ("four US-led coalition warplanes", "Global Coalition against Daesh"),
    ("the coalition", "Global Coalition against Daesh"),
    ("CJTF-OIR", "Global Coalition against Daesh"),
    ("The US command for Operation Inherent Resolve", "Global Coalition against Daesh"),
    ("Warplanes from the international anti-terrorist coalition", "Global Coalition against Daesh"),
    ("American warplanes", "Military Forces of the United States"),
    ("U.S. troops", "Military Forces of the United States"),
    ("A \u201cUS military official\u201d", "Military Forces of the United States"),
    ("the Pentagon", "Department of Defense (United States)"),
    ("Washington", "Government of the United States"),
    # Islamic State and jihadists
    ("IS", "Islamic State"),
    ("ISIS fighters", "Islamic State"),
    ("ISIL", "Islamic State"),
    ("Daesh militants", "Islamic State"),
    ("Da\u2019esh", "Islamic State"),
    ("Jabhat al-Nusra", "Jabhat al-Nusra"),
    ("Nusra Front", "Jabhat al-Nusra"),
    ("Jabhat an-Nusra", "Jabhat al-Nusra"),
    ("JFS", "Jabhat Fateh al-Sham"),
    ("Jabhat Fatah al-Sham", "Jabhat Fateh al-Sham"),
    ("HTS", "Hay'at Tahrir al-Sham"),
    ("Hay\u2019at Tahrir al-Sham", "Hay'at Tahrir al-Sham"),
    ("Hayat Tahrir al Sham", "Hay'at Tahrir al-Sham"),
    # rebels
    ("FSA", "Free Syrian Army"),
    ("the Free Syrian Army\u2019s 1st Coastal Division", "1st Coastal Division"),
    ("Jaish al-Izza", "Jaysh al-Izza"),
    ("Nour al-Din al-Zinki", "Nour al-Din al-Zenki Movement"),
    ("Ahrar ash-Sham", "Ahrar al-Sham"),
    ("Failaq al-Rahman", "Faylaq al-Rahman"),
    ("Jaish al-Islam", "Jaysh al-Islam"),
    ("jihadist rebels of Jaysh Al-Fateh", "Jaysh al-Fateh"),
    ("Army of Conquest", "Jaysh al-Fateh"),
    ("rebel factions", "Opposition Rebels (Syria)"),
    # Kurdish-led forces
    ("SDF", "Syrian Democratic Forces"),
    ("Kurdish-led, US-supported Syrian Democratic Forces", "Syrian Democratic Forces"),
    ("Kurdish militia", "Syrian Democratic Forces"),
    ("YPG", "People's Protection Units"),
    ("YPJ", "Women's Protection Units"),
    # Iran and allies, Turkey, Israel
    ("Hezbollah", "Hezbollah"),
    ("Hizbullah fighters", "Hezbollah"),
    ("Kata'ib Hizballah", "Kata'ib Hezbollah"),
    ("Harakat al-Nujaba", "Harakat al-Nujaba"),
    ("PMU", "Popular Mobilization Forces"),
    ("IRGC", "Islamic Revolutionary Guard Corps"),
    ("Iranian Quds Force commander General Qassem Soleimani", "Quds Force"),
    ("Turkish troops", "Military Forces of Turkey"),
    ("TFSA", "Turkish-backed Free Syrian Army"),
    ("Euphrates Shield rebels", "Turkish-backed Free Syrian Army"),
    ("Israeli jets", "Military Forces of Israel"),
    ("the IDF", "Military Forces of Israel"),
    ("Jordanian army", "Military Forces of Jordan"),
    ("British warplanes", "Military Forces of the United Kingdom"),
    ("French jets", "Military Forces of France"),
    ("Iraqi government forces", "Military Forces of Iraq"),
    # claimants
    ("The UK-based Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
    ("SOHR", "Syrian Observatory for Human Rights"),
    ("The Local Coordination", "Local Coordination Committees"),
    ("The LCC", "Local Coordination Committees"),
    ("VDC", "Violations Documentation Center"),
    ("SNHR", "Syrian Network for Human Rights"),
    ("the White Helmets", "Syria Civil Defence"),
    ("State news agency SANA", "SANA"),
    ("the pro-Assad site al-Masdar", "Al Masdar News"),
    ("Russian State outlet RT", "RT"),
    ("Iran's Press TV", "Press TV"),
    ("Anadolu Agency", "Anadolu"),
    ("Doctors Without Borders", "Medecins Sans Frontieres"),
    ("the Syrian Arab Red Crescent", "Syrian Arab Red Crescent"),
    ("the World Food Program", "World Food Programme"),
    ("ICRC", "International Committee of the Red Cross"),
    ("OCHA", "UN Office for the Coordination of Humanitarian Affairs"),
    ("the UN Secretary-General", "United Nations"),
    ("Local activists", "Activists"),
    ("opposition activists", "Opposition activists"),
    ("pro-regime outlets", "Pro-regime media"),
    ("Pro-regime accounts", "Pro-regime media"),
    ("Syrian State media", "State media (Syria)"),
    ("a military source", "Unnamed military source"),
    ("Local Kurdish language media", "Kurdish media"),
    # generic and unidentified attackers
    ("unidentified gunmen", "Unidentified Armed Group (Syria)"),
    ("unknown assailants", "Unidentified Armed Group (Syria)"),
    ("two unidentified armed men", "Unidentified Armed Group (Syria)"),
    ("militants", "Unidentified Armed Group (Syria)"),
    ("civilians", "Civilians (Syria)"),
]


@pytest.mark.parametrize(("phrase", "expected"), MATCH_CASES)
def test_match_resolves_spelling_variants(table: ActorTable, phrase: str, expected: str) -> None:
    got = table.match(phrase)
    assert got is not None, phrase
    assert got.name == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "the weather",
        "Sunday",
        "let us know",  # "us" is a pronoun: acronyms match only in capitals
        "this is it",
        "the Syrian pound",  # a nationality word counts only on its own
        "the Russian economy",
        "Syrians",
        "a military base",
        "terrorist shelling",  # "terrorist" as an adjective is no attacker
        "far",  # not a plural of "Fars"
        "Rural Damascus",  # a place name counts only on its own
        "the Moscow metro",
        "un",
    ],
)
def test_match_returns_none_for_non_actors(table: ActorTable, phrase: str) -> None:
    assert table.match(phrase) is None


def test_find_all_gives_offsets_into_the_text(table: ActorTable) -> None:
    text = "Daesh militants shelled the Syrian army\u2019s base, al-Masdar said."
    found = [(m.text, m.actor.name) for m in table.find_all(text)]
    assert found == [
        ("Daesh militants", "Islamic State"),
        ("Syrian army", "Military Forces of Syria"),
        ("al-Masdar", "Al Masdar News"),
    ]
    for m in table.find_all(text):
        assert text[m.start : m.end] == m.text


# --------------------------------------------------------------------------- records


def test_to_ref_and_to_claimant_fill_the_claim_record(table: ActorTable) -> None:
    coalition = table.match("four US-led coalition warplanes")
    assert coalition is not None
    ref = table.to_ref(coalition, "four US-led coalition warplanes")
    assert isinstance(ref, ActorRef)
    assert ref.name == "Global Coalition against Daesh"
    assert "US-led coalition" in ref.aliases
    assert (ref.side, ref.inter, ref.text) == ("coalition", 8, "four US-led coalition warplanes")

    ministry = table.match("The Syrian Foreign Ministry")
    assert ministry is not None
    claimant = table.to_claimant(ministry, "The Syrian Foreign Ministry")
    assert isinstance(claimant, Claimant)
    assert claimant.kind == "government"
    assert "Syrian Foreign Ministry" in claimant.aliases
    assert claimant.model_dump(mode="json")["name"] == "Ministry of Foreign Affairs (Syria)"
    assert len(table.to_ref(coalition, None, max_aliases=2).aliases) == 2


def _scorer_names(expected: dict) -> list[list[str]]:
    lists = []
    for claims in expected["claims"].values():
        for claim in claims:
            for key in ("perpetrator", "target", "claimant"):
                if key in claim:
                    value = claim[key]
                    lists.append(value if isinstance(value, list) else [value])
    return lists


def test_actor_names_in_the_seed_examples_resolve_so_the_scorer_accepts_them(
    table: ActorTable,
) -> None:
    """Each expected actor list: a name in it resolves, and the actor's record carries
    one of the listed names as whole words (the scorer's rule), even without the text."""
    expected = yaml.safe_load((SEEDS / "expected.yaml").read_text(encoding="utf-8"))
    for names in _scorer_names(expected):
        resolved = [info for n in names if (info := table.match(n)) is not None]
        assert resolved, names
        for info in resolved:
            labels = [info.name, *info.aliases]
            assert any(
                re.search(rf"\b{re.escape(n)}\b", label, re.IGNORECASE)
                for n in names
                for label in labels
            ), (names, info.name)


# --------------------------------------------------------------------------- spaCy


def test_entity_ruler_marks_actors_with_their_canonical_ids(ruler_nlp) -> None:
    doc = ruler_nlp("Daesh fighters attacked the Syrian Arab Army near Palmyra")
    ents = [(e.text, e.label_, e.ent_id_) for e in doc.ents]
    assert ents == [
        ("Daesh fighters", LABEL, "Islamic State"),
        ("Syrian Arab Army", LABEL, "Military Forces of Syria"),
    ]


@pytest.mark.parametrize(
    ("text", "span", "actor"),
    [
        (
            "Then four US-led coalition warplanes struck.",
            "US-led coalition warplanes",
            "Global Coalition against Daesh",
        ),
        (
            "Hay\u2019at Tahrir al-Sham advanced.",
            "Hay\u2019at Tahrir al-Sham",
            "Hay'at Tahrir al-Sham",
        ),
        ("Jabhat al Nusra and Jaish-al-Islam clashed.", "Jabhat al Nusra", "Jabhat al-Nusra"),
        ("Jabhat al Nusra and Jaish-al-Islam clashed.", "Jaish-al-Islam", "Jaysh al-Islam"),
        ("The CJTF-OIR statement", "CJTF-OIR", "Global Coalition against Daesh"),
        ("U.S. troops moved in.", "U.S. troops", "Military Forces of the United States"),
        ("Russian jets bombed the town.", "Russian jets", "Military Forces of Russia"),
        (
            "Unidentified gunmen opened fire.",
            "Unidentified gunmen",
            "Unidentified Armed Group (Syria)",
        ),
        ("The Syrian army\u2019s position was hit.", "Syrian army", "Military Forces of Syria"),
    ],
)
def test_entity_ruler_handles_spacy_tokenisation(
    ruler_nlp, text: str, span: str, actor: str
) -> None:
    doc = ruler_nlp(text)
    assert (span, actor) in [(e.text, e.ent_id_) for e in doc.ents]


def test_entity_ruler_leaves_pronouns_and_verbs_alone(ruler_nlp) -> None:
    doc = ruler_nlp("It is clear to us that the weather is bad.")
    assert list(doc.ents) == []


def test_entity_ruler_agrees_with_match_on_every_alias(table: ActorTable, ruler_nlp) -> None:
    """Each alias, as a text of its own, is one ACTOR span whose id is its actor."""
    wrong = []
    for info in table:
        places = set(table.place_aliases(info.name))
        for alias in (info.name, *info.aliases):
            if alias in places:
                continue
            ids = [e.ent_id_ for e in ruler_nlp(alias).ents]
            if ids != [info.name]:
                wrong.append((alias, info.name, ids))
    assert wrong == []


def test_place_aliases_become_gpe_patterns_only_on_request(table: ActorTable) -> None:
    plain = table.entity_patterns()
    assert all(p["label"] == LABEL for p in plain)
    with_places = table.entity_patterns(include_places=True)
    gpe = [p for p in with_places if p["label"] == "GPE"]
    assert any(p["id"] == "Military Forces of Russia" for p in gpe)


def test_add_actor_ruler_goes_before_ner() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    add_actor_ruler(nlp, ActorTable.load())
    assert nlp.pipe_names.index("actor_ruler") < nlp.pipe_names.index("ner")


# --------------------------------------------------------------------------- extension


def _write_user_table(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "actors.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "actors": [
                    # a known actor gains an alias
                    {"name": "Military Forces of Syria", "aliases": ["Qalb al-Jaysh"]},
                    # a new actor
                    {
                        "name": "Liwa Test al-Nimr",
                        "aliases": ["Test Hawks"],
                        "side": "government",
                        "inter": 3,
                        "country": "SY",
                        "kind": "armed_group",
                        "parent": "Military Forces of Syria",
                    },
                    # an alias moved from a built-in actor
                    {"name": "Free Syrian Army", "aliases": ["rebel factions"]},
                ],
                "generic_patterns": {"force_nouns": ["gunboats"]},
            }
        )
    )
    return path


def test_user_data_dir_extends_the_table(tmp_path: Path, monkeypatch) -> None:
    _write_user_table(tmp_path / "data")
    monkeypatch.setenv("FOGWATCH_DATA_DIR", str(tmp_path / "data"))
    table = ActorTable.load()
    assert table.match("the Qalb al-Jaysh") == table.get("Military Forces of Syria")
    new = table.match("Test Hawks fighters")
    assert isinstance(new, ActorInfo)
    assert (new.name, new.inter, new.parent) == ("Liwa Test al-Nimr", 3, "Military Forces of Syria")
    assert table.match("rebel factions") == table.get("Free Syrian Army")
    assert "rebel factions" not in table.get("Opposition Rebels (Syria)").aliases
    assert table.match("Russian gunboats") == table.get("Military Forces of Russia")
    assert table.collisions == []


def test_extra_paths_extend_the_table_too(tmp_path: Path) -> None:
    path = _write_user_table(tmp_path)
    assert ActorTable.load().match("Test Hawks") is None
    assert ActorTable.load(extra_paths=[path]).match("Test Hawks") is not None


def test_default_table_is_loaded_once() -> None:
    default_actor_table.cache_clear()
    assert default_actor_table() is default_actor_table()
    assert len(default_actor_table()) >= 80


# --------------------------------------------------------------------------- the docs


def test_the_examples_in_the_docs_run(tmp_path: Path, monkeypatch) -> None:
    """docs/data-tables.md promises runnable examples; run them as written."""
    text = (REPO / "docs" / "data-tables.md").read_text(encoding="utf-8")
    section = text.split("## Actors", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL)
    python = [code for lang, code in blocks if lang == "python"]
    user_yaml = next(code for lang, code in blocks if lang == "yaml")
    assert len(python) == 2
    monkeypatch.setenv("FOGWATCH_DATA_DIR", str(tmp_path))  # restored after the test
    monkeypatch.setattr("tempfile.mkdtemp", lambda: str(tmp_path))
    default_actor_table.cache_clear()
    try:
        exec(python[0], {})
        exec(python[1], {"USER_YAML": user_yaml})
    finally:
        default_actor_table.cache_clear()


def test_no_syrian_place_name_is_taken_for_an_actor(table: ActorTable, ruler_nlp) -> None:
    """Names from the OCHA gazetteer must stay places for the geoparser: the ruler marks
    none of them, and match() resolves only the capital (a metonym for the government)."""
    gazetteer = SEEDS.parent / "data" / "gazetteer"
    columns = {
        "syr_adminpoints.csv": "name",
        "syr_admin3_subdistricts.csv": "adm3_name",
        "syr_city_neighbourhoods.csv": "neighborho",
    }
    names = set()
    for file, column in columns.items():
        with (gazetteer / file).open(encoding="utf-8") as fh:
            names |= {row[column] for row in csv.DictReader(fh) if row[column]}
    assert len(names) > 500
    allowed = {"Damascus", "Syrian Arab Republic"}  # the capital and the state itself
    matched = sorted(n for n in names - allowed if table.match(n) is not None)
    marked = sorted(n for n in names - allowed if ruler_nlp(n).ents)
    assert (matched, marked) == ([], [])


def test_remembered_matches_are_the_matches_and_stay_bounded(monkeypatch) -> None:
    """`ActorTable.match` remembers phrases it has matched; a remembered answer is the
    one matching afresh gives, and the memory is emptied when it is full."""
    import fogwatch.nlp.actors as actors

    monkeypatch.setattr(actors, "_MATCHED_LIMIT", 3)
    table = ActorTable.load()
    phrases = ["Russian jets", "the Syrian army", "SOHR", "the Moscow metro",
               "regime forces", "Russian jets", "US-led coalition warplanes"]  # fmt: skip
    for phrase in phrases * 2:
        assert table.match(phrase) == table._match(phrase)
        assert len(table._matched) <= 3
    assert table.match("Russian jets") is not None and table.match("the Moscow metro") is None

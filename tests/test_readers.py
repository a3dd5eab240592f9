"""Readers: every input kind, its metadata layers and its failure modes.

All fixtures are small texts written here into tmp_path; nothing is read from outside.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest

from fogwatch.ingest import language
from fogwatch.ingest.language import guess_language
from fogwatch.ingest.readers import ReadOptions, document_id, parse_published, read_inputs
from fogwatch.model import Document, IngestError

ENGLISH = (
    "Government forces said on Sunday that they had retaken the village of Tel Ward after "
    "two days of heavy fighting. A local monitor said at least nine fighters were killed."
)
ENGLISH_2 = (
    "Residents of the eastern district reported that an air strike hit a bakery early on "
    "Monday. The civil defence said it was still searching the rubble for survivors."
)
FRENCH = (
    "Les forces gouvernementales ont repris le village dimanche après deux jours de combats "
    "violents, selon un observatoire local qui fait état de neuf morts parmi les combattants."
)
ARABIC = "قالت القوات الحكومية يوم الأحد إنها استعادت السيطرة على القرية بعد يومين من القتال العنيف"

ARTICLE_HTML = f"""<!DOCTYPE html>
<html><head>
<title>Army retakes village - The Example Courier</title>
<meta property="og:site_name" content="The Example Courier">
<meta property="og:title" content="Army retakes village">
<meta name="date" content="2016-09-18">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Army retakes village</h1>
<p>{ENGLISH}</p>
<p>{ENGLISH_2}</p>
</article>
<footer>All rights reserved. Contact us. Subscribe to the newsletter.</footer>
</body></html>
"""

EMPTY_HTML = """<!DOCTYPE html><html><head><title>Menu</title></head>
<body><nav><a href="/">Home</a></nav><script>var x = 1;</script></body></html>"""

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Frontline Wire</title>
<link>http://wire.invalid/</link>
<description>Test feed</description>
<item>
  <title>Village retaken</title>
  <link>http://wire.invalid/a</link>
  <guid>http://wire.invalid/a</guid>
  <pubDate>Sun, 18 Sep 2016 10:00:00 +0000</pubDate>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>{ENGLISH}</p><p>{ENGLISH_2}</p><script>track()</script>]]></content:encoded>
</item>
<item>
  <title>Bakery hit</title>
  <link>http://wire.invalid/b</link>
  <pubDate>Mon, 19 Sep 2016 08:30:00 GMT</pubDate>
  <description>&lt;p&gt;{ENGLISH_2}&lt;/p&gt;</description>
</item>
</channel></rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Desk</title>
  <id>urn:uuid:feed</id>
  <updated>2016-09-18T10:00:00Z</updated>
  <entry>
    <title>Update</title>
    <id>urn:uuid:entry-1</id>
    <link href="http://atom.invalid/1"/>
    <updated>2016-09-18T10:00:00Z</updated>
    <content type="html">&lt;p&gt;{ENGLISH}&lt;/p&gt;</content>
  </entry>
</feed>
"""


def read(*inputs: str | Path, **options: object) -> list[Document | IngestError]:
    return list(read_inputs([str(i) for i in inputs], ReadOptions(**options)))  # type: ignore[arg-type]


def docs(results: list[Document | IngestError]) -> list[Document]:
    return [r for r in results if isinstance(r, Document)]


def errors(results: list[Document | IngestError]) -> list[IngestError]:
    return [r for r in results if isinstance(r, IngestError)]


def only_doc(results: list[Document | IngestError]) -> Document:
    assert len(results) == 1, results
    assert isinstance(results[0], Document), results[0]
    return results[0]


def only_error(results: list[Document | IngestError]) -> IngestError:
    assert len(results) == 1, results
    assert isinstance(results[0], IngestError), results[0]
    return results[0]


# --------------------------------------------------------------------------- ids


def test_document_id_is_stable_content_hash() -> None:
    assert document_id(ENGLISH) == document_id(ENGLISH)
    assert document_id(ENGLISH) == document_id(f"\n  {ENGLISH} \t\n")
    assert document_id("line one\r\nline two") == document_id("line one\nline two")
    assert document_id("caf\u00e9") == document_id("cafe\u0301")  # NFC
    assert document_id(ENGLISH) != document_id(ENGLISH_2)
    ident = document_id(ENGLISH)
    assert ident.startswith("d-") and len(ident) == 18
    int(ident[2:], 16)


def test_same_text_in_two_files_gets_same_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ENGLISH + "\n")
    (tmp_path / "b.txt").write_bytes(("\r\n" + ENGLISH + "  \r\n").encode())
    a, b = docs(read(tmp_path / "a.txt", tmp_path / "b.txt"))
    assert a.id == b.id == document_id(a.text)
    assert a.text == b.text == ENGLISH


# --------------------------------------------------------------------------- text


def test_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(ENGLISH)
    doc = only_doc(read(path))
    assert doc.name == "report.txt"
    assert doc.text == ENGLISH
    assert doc.language == "en"
    assert doc.segments == []
    assert doc.published is None and doc.outlet is None and doc.notes == []


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "notes.dat").write_text(ENGLISH)
    (tmp_path / "page.dat").write_text(ARTICLE_HTML)
    text_doc, html_doc = docs(read(tmp_path / "notes.dat", tmp_path / "page.dat"))
    assert text_doc.text == ENGLISH
    assert html_doc.title == "Army retakes village"
    assert "<p>" not in html_doc.text


def test_empty_and_whitespace_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    results = read(tmp_path / "empty.txt", tmp_path / "blank.txt")
    assert [type(r) for r in results] == [IngestError, IngestError]
    assert all("empty" in e.reason for e in errors(results))
    assert results[0].source == str(tmp_path / "empty.txt")


def test_binary_file_is_error(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "controls.bin").write_bytes(bytes([1, 2, 3, 4, 5, 6, 14, 15, 16]) * 50)
    results = read(tmp_path / "image.txt", tmp_path / "controls.bin")
    assert len(errors(results)) == 2
    assert all("binary file" in e.reason for e in errors(results))


def test_invalid_utf8_falls_back_with_note(tmp_path: Path) -> None:
    text = "The caf\u00e9 near the r\u00e9sidence was hit \u2013 \u201cno warning\u201d, witnesses said."
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    doc = only_doc(read(tmp_path / "legacy.txt"))
    assert doc.text == text
    assert any("not valid UTF-8" in note and "cp1252" in note for note in doc.notes)


def test_declared_charset_is_used_for_html(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1256"><title>t</title></head><body>'
        f"<article><p>{ARABIC}.</p><p>{ARABIC}، {ARABIC}.</p></article></body></html>"
    )
    (tmp_path / "ar.html").write_bytes(page.encode("cp1256"))
    doc = only_doc(read(tmp_path / "ar.html"))
    assert ARABIC in doc.text
    assert doc.notes == []
    assert doc.language not in (None, "en")


def test_utf16_with_bom(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_bytes(ARABIC.encode("utf-16"))
    (tmp_path / "wide-be.txt").write_bytes(b"\xfe\xff" + ENGLISH.encode("utf-16-be"))
    arabic, english = docs(read(tmp_path / "wide.txt", tmp_path / "wide-be.txt"))
    assert arabic.text == ARABIC and arabic.notes == []
    assert english.text == ENGLISH


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ENGLISH.encode())
    doc = only_doc(read(tmp_path / "bom.txt"))
    assert doc.text == ENGLISH and doc.notes == []


def test_over_cap_file_is_error_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(ENGLISH * 10)
    error = only_error(read(path, max_bytes=100))
    assert "larger than 100 bytes cap" in error.reason
    assert error.source == str(path)


def test_cap_message_names_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: costs no disk
    error = only_error(read(path, max_bytes=2 * 1024 * 1024))
    assert "larger than 2 MB cap" in error.reason


# --------------------------------------------------------------------------- gzip


def test_gzip_text_and_html(tmp_path: Path) -> None:
    (tmp_path / "report.txt.gz").write_bytes(gzip.compress(ENGLISH.encode()))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    text_doc, html_doc = docs(read(tmp_path / "report.txt.gz", tmp_path / "page.html.gz"))
    assert text_doc.text == ENGLISH and text_doc.name == "report.txt.gz"
    assert html_doc.title == "Army retakes village"


def test_truncated_gzip_is_error(tmp_path: Path) -> None:
    blob = gzip.compress((ENGLISH * 20).encode())
    (tmp_path / "cut.txt.gz").write_bytes(blob[: len(blob) // 2])
    error = only_error(read(tmp_path / "cut.txt.gz"))
    assert "truncated gzip" in error.reason


def test_gzip_bomb_is_capped(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 200_000))
    error = only_error(read(tmp_path / "bomb.txt.gz", max_bytes=10_000))
    assert "larger than" in error.reason and "cap" in error.reason


def test_gz_name_without_gzip_data_is_error(tmp_path: Path) -> None:
    (tmp_path / "fake.txt.gz").write_text(ENGLISH)
    assert "not a gzip file" in only_error(read(tmp_path / "fake.txt.gz")).reason


# --------------------------------------------------------------------------- html


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(ARTICLE_HTML)
    doc = only_doc(read(tmp_path / "page.html"))
    assert doc.name == "page.html"
    assert doc.title == "Army retakes village"
    assert doc.outlet == "The Example Courier"
    assert doc.published == dt.date(2016, 9, 18)
    assert "retaken the village of Tel Ward" in doc.text
    assert "searching the rubble" in doc.text
    assert "Subscribe to the newsletter" not in doc.text
    assert doc.language == "en"


def test_html_with_no_main_text_is_error(tmp_path: Path) -> None:
    (tmp_path / "menu.htm").write_text(EMPTY_HTML)
    assert only_error(read(tmp_path / "menu.htm")).reason == "HTML with no main text"


# --------------------------------------------------------------------------- sidecars


def test_json_sidecar_overrides_html_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(ARTICLE_HTML)
    sidecar = {"published": "2016-09-20", "outlet": "Sidecar Outlet", "url": "http://s.invalid/x"}
    (tmp_path / "page.html.meta.json").write_text(json.dumps(sidecar))
    doc = only_doc(read(tmp_path / "page.html"))
    assert doc.published == dt.date(2016, 9, 20)
    assert doc.outlet == "Sidecar Outlet"
    assert doc.url == "http://s.invalid/x"
    assert doc.title == "Army retakes village"  # not in the sidecar: HTML's stays


def test_yaml_sidecar_and_command_line_precedence(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(ENGLISH)
    (tmp_path / "report.txt.meta.yaml").write_text(
        "published: 2016-09-18\noutlet: Yaml Outlet\ntitle: A title\nreviewer: someone\n"
    )
    doc = only_doc(read(tmp_path / "report.txt"))
    assert (doc.published, doc.outlet, doc.title) == (
        dt.date(2016, 9, 18),
        "Yaml Outlet",
        "A title",
    )
    assert any("unknown keys ignored: reviewer" in note for note in doc.notes)

    cli = only_doc(read(tmp_path / "report.txt", published=dt.date(2017, 1, 2), outlet="CLI"))
    assert (cli.published, cli.outlet, cli.title) == (dt.date(2017, 1, 2), "CLI", "A title")


def test_yml_sidecar_and_broken_sidecar_note(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ENGLISH)
    (tmp_path / "a.txt.meta.yml").write_text("outlet: Yml Outlet\n")
    (tmp_path / "b.txt").write_text(ENGLISH_2)
    (tmp_path / "b.txt.meta.json").write_text("{not json")
    a, b = docs(read(tmp_path / "a.txt", tmp_path / "b.txt"))
    assert a.outlet == "Yml Outlet"
    assert b.outlet is None
    assert any("b.txt.meta.json" in note and "ignored" in note for note in b.notes)


def test_31_february_is_a_note_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(ENGLISH)
    (tmp_path / "r.txt.meta.json").write_text(json.dumps({"published": "31 February 2016"}))
    (tmp_path / "s.txt").write_text(ENGLISH_2)
    (tmp_path / "s.txt.meta.json").write_text(json.dumps({"published": "2016-02-31"}))
    r, s = docs(read(tmp_path / "r.txt", tmp_path / "s.txt"))
    assert r.published is None and s.published is None
    assert any("31 February 2016" in note for note in r.notes)
    assert any("2016-02-31" in note for note in s.notes)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-09-18", dt.date(2016, 9, 18)),
        ("2016-09-18T10:00:00Z", dt.date(2016, 9, 18)),
        ("2016-09-18T23:30:00-05:00", dt.date(2016, 9, 18)),
        ("Sun, 18 Sep 2016 10:00:00 +0000", dt.date(2016, 9, 18)),
        ("Sun, 18 Sep 2016 10:00:00 GMT", dt.date(2016, 9, 18)),
        ("18 September 2016", dt.date(2016, 9, 18)),
        ("September 18, 2016", dt.date(2016, 9, 18)),
        (dt.date(2016, 9, 18), dt.date(2016, 9, 18)),
        (dt.datetime(2016, 9, 18, 12), dt.date(2016, 9, 18)),
    ],
)
def test_parse_published_accepts(value: object, expected: dt.date) -> None:
    assert parse_published(value) == (expected, None)


@pytest.mark.parametrize(
    "value", ["31 February 2016", "2016-02-31", "yesterday", "Sunday", "soon", "2016-13-45", 42]
)
def test_parse_published_rejects_with_note(value: object) -> None:
    published, note = parse_published(value)
    assert published is None
    assert note


def test_parse_published_empty_is_silent() -> None:
    assert parse_published(None) == (None, None)
    assert parse_published("  ") == (None, None)


# --------------------------------------------------------------------------- jsonl / json


def test_jsonl_records(tmp_path: Path) -> None:
    lines = [
        {"id": "r1", "text": ENGLISH, "title": "One", "published": "2016-09-18", "outlet": "A"},
        {"id": 2, "text": ENGLISH_2, "url": "http://x.invalid/2"},
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    one, two = docs(read(path))
    assert (one.name, one.title, one.published, one.outlet) == (
        "r1", "One", dt.date(2016, 9, 18), "A"
    )  # fmt: skip
    assert (two.name, two.url) == ("2", "http://x.invalid/2")
    assert one.id == document_id(ENGLISH)


def test_jsonl_bad_lines_are_errors_and_others_go_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok1", "text": ENGLISH}),
                "this line is not json",
                json.dumps({"id": "num", "text": 42}),
                json.dumps({"id": "null", "text": None}),
                json.dumps({"id": "missing", "body": ENGLISH}),
                json.dumps(["a", "list"]),
                json.dumps({"id": "ok2", "text": ENGLISH_2, "published": "31 February 2016"}),
            ]
        )
    )
    results = read(path)
    assert [d.name for d in docs(results)] == ["ok1", "ok2"]
    by_source = {e.source: e.reason for e in errors(results)}
    assert set(by_source) == {f"{path}:{n}" for n in (2, 3, 4, 5, 6)}
    assert "not JSON" in by_source[f"{path}:2"]
    assert "int" in by_source[f"{path}:3"]
    assert "null" in by_source[f"{path}:4"]
    assert "'text'" in by_source[f"{path}:5"]
    assert docs(results)[1].published is None and docs(results)[1].notes


def test_jsonl_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "mapped.jsonl"
    path.write_text(json.dumps({"uid": "u-1", "body": ENGLISH, "date": "2016-09-18"}))
    doc = only_doc(read(path, id_col="uid", text_col="body", date_col="date"))
    assert (doc.name, doc.published) == ("u-1", dt.date(2016, 9, 18))


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"id": "a", "text": ENGLISH}, {"id": "b", "text": ENGLISH_2}]))
    assert [d.name for d in docs(read(path))] == ["a", "b"]


def test_record_sidecar_sets_outlet_not_title(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps({"id": "a", "text": ENGLISH, "outlet": "Own", "title": "T"}))
    (tmp_path / "records.jsonl.meta.json").write_text(
        json.dumps({"outlet": "Sidecar", "title": "Whole file"})
    )
    doc = only_doc(read(path))
    assert (doc.outlet, doc.title) == ("Sidecar", "T")


# --------------------------------------------------------------------------- csv


def test_csv_default_columns(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    path.write_text(
        "id,title,text,published,outlet,url\n"
        f'c1,First,"{ENGLISH}",2016-09-18,Outlet A,http://a.invalid/1\n'
        f'c2,Second,"{ENGLISH_2}\nwith a second line",,Outlet B,\n'
    )
    one, two = docs(read(path))
    assert (one.name, one.title, one.published, one.outlet, one.url) == (
        "c1", "First", dt.date(2016, 9, 18), "Outlet A", "http://a.invalid/1"
    )  # fmt: skip
    assert two.name == "c2" and two.published is None and two.url is None
    assert two.text.endswith("with a second line")


def test_csv_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f'Story ID,Body,Date,Source\nx9,"{ENGLISH}",18 September 2016,Wire\n')
    options = dict(id_col="story id", text_col="Body", date_col="Date", outlet_col="Source")
    doc = only_doc(read(path, **options))
    assert (doc.name, doc.published, doc.outlet) == ("x9", dt.date(2016, 9, 18), "Wire")


def test_csv_missing_text_column(tmp_path: Path) -> None:
    path = tmp_path / "notext.csv"
    path.write_text("id,body\n1,something\n")
    error = only_error(read(path))
    assert error.source == str(path)
    assert "'text'" in error.reason and "column" in error.reason


def test_csv_broken_quoting_names_line_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "id,text\n"
        f'1,"{ENGLISH}"\n'
        '2,"a quoted field "with junk" after it"\n'
        f'3,"{ENGLISH_2}"\n'
        "4,too,many,fields\n"
    )
    results = read(path)
    assert [d.name for d in docs(results)] == ["1", "3"]
    reasons = {e.source: e.reason for e in errors(results)}
    assert "CSV" in reasons[f"{path}:3"]
    assert "4 fields" in reasons[f"{path}:5"]


def test_csv_unterminated_quote(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text(f'id,text\n1,"{ENGLISH}"\n2,"never closed\n3,more\n')
    results = read(path)
    assert [d.name for d in docs(results)] == ["1"]
    assert errors(results)[0].source == f"{path}:3"


def test_csv_semicolon_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(f"id;text\n1;{ENGLISH}\n")
    assert only_doc(read(path)).text == ENGLISH


# --------------------------------------------------------------------------- feeds


def test_rss_feed(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS)
    first, second = docs(read(path))
    assert first.outlet == second.outlet == "Frontline Wire"
    assert first.title == "Village retaken"
    assert first.url == "http://wire.invalid/a" and first.name == "http://wire.invalid/a"
    assert first.published == dt.date(2016, 9, 18)
    assert first.text == f"{ENGLISH}\n\n{ENGLISH_2}"  # content, not summary; no script
    assert second.text == ENGLISH_2
    assert second.published == dt.date(2016, 9, 19)


def test_atom_feed_sniffed_without_feed_extension(tmp_path: Path) -> None:
    path = tmp_path / "desk.download"
    path.write_text(ATOM)
    doc = only_doc(read(path))
    assert (doc.outlet, doc.title, doc.published) == ("Atom Desk", "Update", dt.date(2016, 9, 18))
    assert doc.text == ENGLISH


def test_feed_that_is_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("This is not a feed at all, just words.\n")
    error = only_error(read(path))
    assert "not a valid RSS/Atom feed" in error.reason


def test_feed_sidecar_and_cli_override(tmp_path: Path) -> None:
    path = tmp_path / "wire.xml"
    path.write_text(RSS)
    (tmp_path / "wire.xml.meta.json").write_text(json.dumps({"outlet": "Sidecar Wire"}))
    assert {d.outlet for d in docs(read(path))} == {"Sidecar Wire"}
    assert {d.outlet for d in docs(read(path, outlet="CLI Wire"))} == {"CLI Wire"}


# --------------------------------------------------------------------------- directories


def test_directory_recursion_globs_and_skips(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "drafts").mkdir()
    (root / "z.txt").write_text(ENGLISH)
    (root / "a.txt").write_text(ENGLISH_2)
    (root / "a.txt.meta.json").write_text(json.dumps({"outlet": "Side"}))
    (root / "b" / "deep" / "c.txt").write_text("Third report from the deep folder, said monitors.")
    (root / "b" / "page.html").write_text(ARTICLE_HTML)
    (root / "b" / "skip.csv").write_text("id,text\n1,x\n")
    (root / ".hidden.txt").write_text("hidden")
    (root / ".git" / "config.txt").write_text("hidden dir")
    (root / "drafts" / "d.txt").write_text("a draft")

    everything = read(root)
    names = [d.name for d in docs(everything)]
    # sorted by path; the CSV's record is named by its id
    assert names == ["a.txt", "b/deep/c.txt", "b/page.html", "1", "drafts/d.txt", "z.txt"]
    assert errors(everything) == []

    filtered = read(root, include=("*.txt", "*.html"), exclude=("drafts",))
    assert [d.name for d in docs(filtered)] == ["a.txt", "b/deep/c.txt", "b/page.html", "z.txt"]
    assert docs(filtered)[0].outlet == "Side"

    only_deep = read(root, include=("b/*",), exclude=("*.html", "*.csv"))
    assert [d.name for d in docs(only_deep)] == ["b/deep/c.txt"]


def test_directory_error_source_is_file_path(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ENGLISH)
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 10)
    results = read(tmp_path)
    assert only_doc([r for r in results if isinstance(r, Document)]).name == "good.txt"
    assert errors(results) == [
        IngestError(source=str(tmp_path / "bad.txt"), reason="binary file (contains NUL bytes)")
    ]


def test_empty_directory(tmp_path: Path) -> None:
    assert "no files" in only_error(read(tmp_path)).reason


# --------------------------------------------------------------------------- stdin, misc


def test_stdin_text_and_html() -> None:
    options = ReadOptions(outlet="Piped")
    doc = only_doc(list(read_inputs(["-"], options, stdin=io.BytesIO(ENGLISH.encode()))))
    assert (doc.name, doc.text, doc.outlet) == ("stdin", ENGLISH, "Piped")
    page = only_doc(list(read_inputs(["-"], options, stdin=io.BytesIO(ARTICLE_HTML.encode()))))
    assert page.title == "Army retakes village" and page.outlet == "Piped"


def test_stdin_empty_and_gzip() -> None:
    options = ReadOptions()
    error = only_error(list(read_inputs(["-"], options, stdin=io.BytesIO(b""))))
    assert error.source == "-" and "empty" in error.reason
    packed = io.BytesIO(gzip.compress(ENGLISH.encode()))
    assert only_doc(list(read_inputs(["-"], options, stdin=packed))).text == ENGLISH


def test_bad_inputs_do_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ENGLISH)
    (tmp_path / "b.txt").write_text(ENGLISH_2)
    results = read(
        tmp_path / "a.txt", tmp_path / "missing.txt", "file:///etc/hosts", tmp_path / "b.txt"
    )
    assert [type(r) for r in results] == [Document, IngestError, IngestError, Document]
    assert results[1].reason == "no such file or directory"
    assert "scheme 'file'" in results[2].reason


def test_non_english_language(tmp_path: Path) -> None:
    (tmp_path / "fr.txt").write_text(FRENCH)
    (tmp_path / "ar.txt").write_text(ARABIC)
    fr, ar = docs(read(tmp_path / "fr.txt", tmp_path / "ar.txt"))
    assert fr.language not in (None, "en")
    assert ar.language not in (None, "en")


def test_guess_language_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without py3langid the stopword count still tells English from the rest."""
    monkeypatch.setattr(language, "_langid_model", lambda: None)
    assert guess_language(ENGLISH) == "en"
    assert guess_language(FRENCH) == "fr"
    assert guess_language(ARABIC) == "und"


def test_guess_language_english_and_short() -> None:
    assert guess_language(ENGLISH) == "en"
    assert guess_language("Hi") is None
    assert guess_language(FRENCH) != "en"


def test_directory_walk_skips_non_documents_unless_included(tmp_path):
    (tmp_path / "story.txt").write_text("Shelling hit the eastern district on Sunday morning.")
    (tmp_path / "README.md").write_text("# About this folder\n\nNotes for people, not an article.")
    (tmp_path / "truth.yaml").write_text("claims: []\n")
    names = [d.name for d in read_inputs([str(tmp_path)], ReadOptions())]
    assert names == ["story.txt"]
    with_md = [d.name for d in read_inputs([str(tmp_path)], ReadOptions(include=("*.md",)))]
    assert with_md == ["README.md"]


def test_jsonl_files_are_streamed_with_the_same_reading_as_whole_text(tmp_path):
    """A JSONL file is read a line at a time (a 100,000-record corpus is not held in
    memory: docs/reliability.md); what it yields equals the whole-text reading, blank
    lines, CRLF, a byte-order mark, a bad line and a non-UTF-8 line included."""
    import json as _json

    from fogwatch.ingest.readers import _read_jsonl, _streamable_jsonl

    lines = [
        "\ufeff" + _json.dumps({"id": "a", "text": "Shelling hit the old market on Monday."}),
        "",
        "{not json",
        _json.dumps({"id": "b", "text": "Two rockets fell near the school.", "outlet": "X"}),
    ]
    raw = (
        "\r\n".join(lines).encode("utf-8")
        + b"\r\n"
        + (b'{"id": "c", "text": "Caf\xe9 owners said the blast shook the street."}\n')
    )
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(raw)
    assert _streamable_jsonl(path)
    streamed = list(read_inputs([str(path)], ReadOptions()))
    text = raw.decode("utf-8", errors="replace").replace("\ufffd", "\u00e9").lstrip("\ufeff")
    whole = list(_read_jsonl(text, str(path), path.name, _for_records_empty(), [], ReadOptions()))
    assert [type(x).__name__ for x in streamed] == [
        "Document",
        "IngestError",
        "Document",
        "Document",
    ]
    assert [getattr(x, "text", None) for x in streamed] == [getattr(x, "text", None) for x in whole]
    assert streamed[1].source.endswith(":3")
    assert streamed[3].notes and not streamed[0].notes  # only the non-UTF-8 line says so


def _for_records_empty():
    from fogwatch.ingest.readers import _Fields

    return _Fields()

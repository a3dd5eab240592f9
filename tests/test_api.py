"""The JSON API on both store backends: filters, search, paging, GeoJSON, pages, tokens,
ingest, and hostile input on every filter."""

from __future__ import annotations

import itertools
import uuid

import pytest
from fastapi.testclient import TestClient

from fogwatch.api.app import content_security_policy, create_app, tile_origin
from fogwatch.api.queries import disputes, query_tokens
from fogwatch.store.tokens import create_token, list_tokens, revoke_token, verify_token
from test_api_fixtures import CONTESTED, HOSTILE, Corpus, HostileExtractor, build_corpus

ALL = {"i-saraqib", "i-homs", "i-raqqa", "i-deir", "i-daraa", "i-douma", "i-mosul"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus(request, tmp_path_factory) -> tuple[str, Corpus]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"api_{uuid.uuid4().hex[:8]}")
    return url, build_corpus(url)


@pytest.fixture(scope="module")
def client(corpus) -> TestClient:
    url, _ = corpus
    return TestClient(create_app(url, extractor_factory=HostileExtractor))


def ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


# --------------------------------------------------------------------------- incidents


def test_lists_every_incident_newest_first(client):
    body = client.get("/api/incidents").json()
    assert {i["id"] for i in body["items"]} == ALL
    dates = [i["date"] for i in body["items"]]
    assert dates == sorted(dates, reverse=True)
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"contested": "true"}, {"i-saraqib", "i-daraa"}),
        ({"contested": "false"}, ALL - {"i-saraqib", "i-daraa"}),
        ({"grade": "fair"}, {"i-homs", "i-daraa"}),
        ({"type": "Air/drone strike"}, {"i-saraqib", "i-mosul"}),
        ({"type": "Battles"}, {"i-daraa"}),
        ({"since": "2017-05-01", "until": "2017-05-31"}, {"i-deir", "i-daraa"}),
        ({"until": "2016-12-31"}, {"i-homs", "i-douma"}),
        ({"bbox": "38,34.5,41,36.5"}, {"i-raqqa", "i-deir"}),
        ({"bbox": "170,-10,-170,10"}, set()),  # crosses the antimeridian, nothing there
        ({"actor": "russian air force"}, {"i-saraqib"}),
        ({"actor": "Islamic State"}, {"i-homs", "i-raqqa"}),
        ({"outlet": "Valley Monitor"}, {"i-saraqib", "i-deir"}),
        ({"outlet": "Euphrates Desk", "contested": "true"}, {"i-daraa"}),
        ({"q": "market"}, {"i-saraqib"}),
        ({"q": "bakery"}, {"i-homs"}),  # evidence sentence
        ({"q": "toll rises"}, {"i-saraqib"}),  # document title
        ({"q": "Nineveh"}, {"i-mosul"}),  # place (admin1)
        ({"q": "ISIS"}, {"i-homs", "i-raqqa"}),  # actor alias
        ({"q": "Russ"}, {"i-saraqib"}),  # last word is a prefix
        ({"q": "killed"}, {"i-saraqib", "i-homs", "i-raqqa", "i-deir"}),  # stemmed
        ({"q": "zzzz-nothing"}, set()),
    ],
)
def test_incident_filters(client, params, expected):
    assert ids(client.get("/api/incidents", params=params)) == expected


def test_incidents_carry_disputes_and_outlets(client):
    items = {i["id"]: i for i in client.get("/api/incidents").json()["items"]}
    saraqib = items[CONTESTED]
    assert saraqib["disputes"] == ["toll", "blame", "denial"]
    assert saraqib["contested"] is True
    assert saraqib["outlets"] == ["North Ridge Courier", "State Evening Bulletin", "Valley Monitor"]
    assert saraqib["killed"] == {"acled": 6, "low": 6, "best": 24, "high": 27}
    assert items["i-homs"]["disputes"] == [] and items["i-homs"]["contested"] is False


def test_cursor_paging_visits_each_incident_once(client):
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/incidents", params=params).json()
        assert len(body["items"]) <= 3
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(ALL)
    assert seen == [i["id"] for i in client.get("/api/incidents").json()["items"]]


def test_geojson_by_accept_header_and_format(client):
    for response in (
        client.get("/api/incidents", headers={"Accept": "application/geo+json"}),
        client.get("/api/incidents", params={"format": "geojson"}),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/geo+json")
        collection = response.json()
        assert collection["type"] == "FeatureCollection"
        features = {f["id"]: f for f in collection["features"]}
        assert set(features) == ALL
        assert features[CONTESTED]["geometry"] == {
            "type": "Point",
            "coordinates": [36.8059, 35.8645],
        }
        assert features["i-douma"]["geometry"] is None  # no coordinates: kept, null geometry
    forced_json = client.get(
        "/api/incidents", params={"format": "json"}, headers={"Accept": "application/geo+json"}
    )
    assert forced_json.headers["content-type"].startswith("application/json")


def test_incident_detail_has_every_claim_with_evidence_in_context(client, corpus):
    _, data = corpus
    detail = client.get(f"/api/incidents/{CONTESTED}").json()
    claims = detail["claim_records"]
    assert {c["id"] for c in claims} == {c.id for c in data.claims[CONTESTED]}
    figures = {c["claimant"]["name"]: c["killed"] for c in claims}
    assert figures["Saraqib Civil Defence"]["low"] == 21
    assert figures["Syrian Army General Command"]["low"] == 6
    assert figures["Valley Monitor"]["low"] == 27
    assert sorted(c["stance"] for c in claims).count("denies") == 2
    for claim in claims:
        ctx = claim["context"]
        assert ctx["text"] == claim["evidence"]["text"]
        text = client.get(f"/api/documents/{claim['document_id']}").json()["text"]
        assert text[ctx["start"] : ctx["end"]] == ctx["text"]
        assert text[ctx["start"] - len(ctx["before"]) : ctx["start"]] == ctx["before"]
    assert {d["outlet"] for d in detail["documents"]} == {
        "North Ridge Courier",
        "State Evening Bulletin",
        "Valley Monitor",
    }


def test_unknown_ids_are_404(client):
    assert client.get("/api/incidents/i-nope").status_code == 404
    assert client.get("/api/documents/d-nope").status_code == 404
    assert client.get("/api/sources/Nobody At All").status_code == 404


# --------------------------------------------------------------------------- claims, documents


def test_claim_filters(client):
    denials = client.get("/api/claims", params={"stance": "denies"}).json()["items"]
    assert {c["claimant"]["name"] for c in denials} == {
        "Syrian military source",
        "Russian Ministry of Defence",
    }
    assert all(c["incident"] == CONTESTED for c in denials)
    by_claimant = client.get("/api/claims", params={"claimant": "valley monitor"}).json()
    assert len(by_claimant["items"]) == 2
    in_incident = client.get("/api/claims", params={"incident": CONTESTED}).json()["items"]
    assert len(in_incident) == 5
    searched = client.get("/api/claims", params={"q": "children"}).json()["items"]
    assert [c["claimant"]["name"] for c in searched] == ["Valley Monitor"]
    geo = client.get("/api/claims", params={"format": "geojson", "incident": "i-douma"}).json()
    assert geo["features"][0]["geometry"] is None


def test_claim_paging(client):
    first = client.get("/api/claims", params={"limit": 5}).json()
    second = client.get("/api/claims", params={"limit": 5, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}


def test_document_spans_point_at_the_evidence(client, corpus):
    _, data = corpus
    document = data.documents["bulletin_saraqib-depot.txt"]
    body = client.get(f"/api/documents/{document.id}").json()
    assert body["title"] == document.title and body["text"] == document.text
    assert len(body["spans"]) == 3 == len(body["claims"])
    by_id = {c["id"]: c for c in body["claims"]}
    for span in body["spans"]:
        assert (
            body["text"][span["start"] : span["end"]] == by_id[span["claim_id"]]["evidence"]["text"]
        )
    assert body["incidents"] == [CONTESTED]


# --------------------------------------------------------------------------- sources


def test_sources_list_outlets_and_claimants(client):
    sources = {s["name"]: s for s in client.get("/api/sources").json()}
    assert sources["North Ridge Courier"]["roles"] == ["outlet"]
    assert sources["North Ridge Courier"]["documents"] == 3
    assert sources["Saraqib Civil Defence"]["roles"] == ["claimant"]
    assert sources["Valley Monitor"]["roles"] == ["claimant", "outlet"]


def test_source_profile_compares_figures_and_counts_blame(client):
    outlet = client.get("/api/sources/State Evening Bulletin").json()
    assert outlet["roles"] == ["outlet"] and outlet["documents"] == 2
    assert outlet["stances"] == {"asserts": 2, "denies": 2}
    blames = {b["actor"]: b for b in outlet["blames"]}
    assert blames["Russian Air Force"] == {"actor": "Russian Air Force", "asserts": 0, "denies": 1}
    assert blames["Syrian Arab Air Force"]["asserts"] == 1
    six = next(f for f in outlet["figures"] if f["incident"] == CONTESTED)
    assert six["killed"]["low"] == 6 and six["consensus_killed"] == 24
    assert six["relation"] == "below"
    assert {c["name"] for c in outlet["claimants_cited"]} >= {"Syrian Army General Command"}
    claimant = client.get("/api/sources/Saraqib Civil Defence").json()
    assert claimant["roles"] == ["claimant"]
    assert claimant["carried_by"] == [{"name": "North Ridge Courier", "count": 1}]
    assert claimant["figure_relations"] == {"above": 0, "within": 1, "below": 0}


def test_facets_and_health(client):
    facets = client.get("/api/facets").json()
    assert "Air/drone strike" in facets["types"] and "Valley Monitor" in facets["outlets"]
    assert "Russian Air Force" in facets["actors"]
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["counts"]["incidents"] == 7
    assert health["search"] in {"sqlite-fts5", "postgresql-tsvector"}


# --------------------------------------------------------------------------- hostile input

INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "1; DROP TABLE incidents; --",
    "'; DELETE FROM claims; --",
    "i-saraqib' --",
    "%' OR '%'='",
    "') OR ('1'='1",
    "' UNION SELECT token_hash FROM api_tokens --",
    "*",
    '"unbalanced',
    "NEAR(market bakery)",
    "market OR bakery",
    "evidence:market",
    "-- -",
    "\\",
    "%",
    "_",
    "' AND sleep(5) --",
    "\u202e\ufeff",
    "x" * 5000,
]

LIST_FILTERS = {
    "/api/incidents": [
        "bbox", "since", "until", "type", "actor", "outlet", "grade", "contested", "q",
        "cursor", "limit", "format",
    ],
    "/api/claims": [
        "bbox", "since", "until", "type", "actor", "outlet", "claimant", "stance", "incident",
        "document", "q", "cursor", "limit", "format",
    ],
}  # fmt: skip


def test_injection_attempts_on_every_filter_are_rejected_or_empty(client, corpus):
    _, data = corpus
    before = data.store.stats()
    for (path, names), payload in itertools.product(LIST_FILTERS.items(), INJECTIONS):
        for name in names:
            response = client.get(path, params={name: payload})
            assert response.status_code < 500, (path, name, payload, response.text)
            if response.status_code != 200:
                assert 400 <= response.status_code < 500
                continue
            found = ids(response)
            if name == "q":  # words of the payload may match real text, never more
                assert found <= (ALL if path == "/api/incidents" else found)
            else:
                assert found == set(), (path, name, payload)
    for payload in INJECTIONS:
        for path in ("/api/incidents/{}", "/api/documents/{}", "/api/sources/{}"):
            response = client.get(path.format(payload))
            assert response.status_code in (404, 422), (path, payload, response.status_code)
    assert data.store.stats() == before
    assert ids(client.get("/api/incidents")) == ALL


def test_nul_bytes_are_a_client_error(client):
    assert client.get("/api/incidents", params={"actor": "a\x00b"}).status_code == 400
    assert client.get("/api/incidents/i-sar%00aqib").status_code == 400


def test_malformed_values_are_4xx(client):
    for params in (
        {"bbox": "1,2,3"},
        {"bbox": "200,0,201,1"},
        {"bbox": "0,10,1,5"},
        {"since": "yesterday"},
        {"grade": "excellent"},
        {"limit": 0},
        {"limit": 100000},
        {"cursor": "not-base64!"},
        {"cursor": "WyJ4Il0"},  # valid base64 JSON, wrong shape
        {"format": "xml"},
    ):
        response = client.get("/api/incidents", params=params)
        assert 400 <= response.status_code < 500, params


def test_search_words_are_reduced_to_plain_tokens():
    assert query_tokens('market" OR bakery*') == ["market", "OR", "bakery"]
    assert query_tokens("'; DROP TABLE x; --") == ["DROP", "TABLE", "x"]
    assert query_tokens("Dayr al-Zawr") == ["Dayr", "al", "Zawr"]
    assert query_tokens("***") == []


def test_disputes_are_the_contradiction_flags_in_api_words():
    assert disputes(["casualties_disagree", "single_source"]) == ["toll"]
    assert disputes(["denied", "perpetrator_disputed"]) == ["blame", "denial"]
    assert disputes(["truce_violation"]) == []


# --------------------------------------------------------------------------- security headers


def test_every_response_has_a_strict_csp(client):
    for path in ("/", "/api/health", "/static/js/app.js", "/openapi.json"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "require-trusted-types-for 'script'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/docs").status_code == 404  # Swagger UI would need a CDN


def test_tile_origin_is_the_only_outside_source():
    assert (
        tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
        == "https://*.tiles.example.org"
    )
    assert tile_origin("http://localhost:8080/{z}/{x}/{y}.png") == "http://localhost:8080"
    csp = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' https://tiles.example.org" in csp
    with pytest.raises(ValueError):
        tile_origin("javascript:alert(1)")


def test_openapi_documents_geojson_and_models(client):
    schema = client.get("/openapi.json").json()
    listing = schema["paths"]["/api/incidents"]["get"]["responses"]["200"]["content"]
    assert set(listing) == {"application/json", "application/geo+json"}
    assert "IncidentFeatureCollection" in schema["components"]["schemas"]
    assert schema["components"]["schemas"]["IncidentOut"].get("examples")
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


# --------------------------------------------------------------------------- tokens and ingest


def test_tokens_are_stored_only_as_hashes(corpus):
    _, data = corpus
    secret, info = create_token(data.store, "test")
    assert verify_token(data.store, secret).id == info.id
    assert verify_token(data.store, secret + "x") is None
    assert verify_token(data.store, None) is None
    with data.store.engine.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert secret not in stored and all(len(h) == 64 for h in stored)
    assert revoke_token(data.store, info.id)
    assert verify_token(data.store, secret) is None
    assert not revoke_token(data.store, info.id)
    assert any(t.id == info.id and t.revoked_at for t in list_tokens(data.store))


def test_ingest_needs_a_token(client):
    body = {"text": "Shelling killed 3 people in Homs on Monday, the monitor said."}
    missing = client.post("/api/ingest", json=body)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/ingest", json=body, headers={"Authorization": "Bearer fw_nope"})
    assert wrong.status_code == 401


def test_ingest_text_runs_the_pipeline_once(client, corpus):
    _, data = corpus
    secret, _ = create_token(data.store, "ingest-test")
    auth = {"Authorization": f"Bearer {secret}"}
    sentence = f"Shelling killed 3 people in Homs on Monday {HOSTILE} the monitor said."
    body = {
        "text": f"Title line\n\n{sentence}\n\nMore.",
        "title": "Hostile <b>title</b>",
        "outlet": "Test Wire",
        "published": "2017-06-06",
    }
    first = client.post("/api/ingest", json=body, headers=auth)
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["stored"] == 1 and result["claims"] == 1 and len(result["documents"]) == 1
    doc = client.get(f"/api/documents/{result['documents'][0]}").json()
    assert doc["title"] == "Hostile <b>title</b>" and doc["outlet"] == "Test Wire"
    assert doc["published"] == "2017-06-06"
    span = doc["spans"][0]
    assert doc["text"][span["start"] : span["end"]] == sentence
    again = client.post("/api/ingest", json=body, headers=auth).json()
    assert again["stored"] == 0 and again["skipped_existing"] == 1
    upload = client.post(
        "/api/ingest/file",
        headers=auth,
        files={"file": ("../../etc/report.txt", body["text"].replace("Title", "Other"))},
        data={"outlet": "Upload Wire", "published": "2017-06-07"},
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["stored"] == 1
    bad = client.post("/api/ingest", json={"title": "no text"}, headers=auth)
    assert bad.status_code == 422

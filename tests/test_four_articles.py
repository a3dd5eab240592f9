"""Three reports of one strike with different tolls and a denial that names only the
province: one incident, flagged; an unrelated report stays apart (issue 17).

The texts are in tests/data/four-articles (written for these tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogwatch.ingest.options import ReadOptions
from fogwatch.pipeline import ingest
from fogwatch.store import Store
from fogwatch.store.incidents import list_incidents

pytestmark = pytest.mark.slow

CASE = Path(__file__).parent / "data" / "four-articles"


@pytest.fixture(scope="module")
def extractor():
    from fogwatch.nlp.extractor import Extractor

    return Extractor()


def test_one_strike_three_tolls_and_a_provincial_denial_are_one_incident(store_url, extractor):
    store = Store.open(store_url)
    report = ingest([str(CASE)], ReadOptions(include=("*.txt",)), store, extractor)
    assert report.stored == 5 and not report.errors
    incidents = list_incidents(store)
    with store.session() as s:
        from sqlalchemy import select

        from fogwatch.store.schema import ClaimRow, DocumentRow

        doc_of = dict(
            s.execute(
                select(ClaimRow.id, DocumentRow.name).join(
                    DocumentRow, DocumentRow.id == ClaimRow.document_id
                )
            ).all()
        )
    docs_of = {i["id"]: {doc_of[c] for c in i["claim_ids"]} for i in incidents}
    strike = next(i for i in incidents if "denial.txt" in docs_of[i["id"]])
    assert docs_of[strike["id"]] == {"strike-12.txt", "strike-19.txt", "strike-7.txt", "denial.txt"}
    assert {"casualties_disagree", "denied"} <= set(strike["flags"])
    assert strike["contested"] is True
    assert strike["location"]["name"] == "Kafr Takharim"  # the town, not the province
    assert strike["killed"]["low"] == 7 and strike["killed"]["high"] == 19
    unrelated = [i for i in incidents if "unrelated.txt" in docs_of[i["id"]]]
    assert unrelated and all(docs_of[i["id"]] == {"unrelated.txt"} for i in unrelated)

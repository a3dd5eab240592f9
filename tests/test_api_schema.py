"""Property-based checks of the API against its own OpenAPI schema (schemathesis, in
process over ASGI: no network). Every operation gets a bounded number of generated
requests; responses must never be 5xx and must match the documented schema, status
codes and content types.

`positive_data_acceptance` is left out: a schema-valid request may still be a
documented 400 (a bbox with south above north, a cursor that was never issued), and
the schema cannot express those rules. The ingest endpoints are exercised without a
token (they must answer 401), so no generated URL is ever fetched."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from fogwatch.api.app import create_app
from test_api_fixtures import build_corpus

# Built at import: schemathesis needs the schema when it generates the test items
# (its fixture-based loader does not work with this pytest).
_URL = f"sqlite:///{Path(tempfile.mkdtemp(prefix='fogwatch-schema-')) / 'schema.db'}"
build_corpus(_URL)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_URL))


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])

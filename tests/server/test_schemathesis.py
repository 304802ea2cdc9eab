"""Property test against the live server's OpenAPI schema: no generated request gets a 5xx.

Schemathesis generates requests for every operation from the schema the
server publishes; each reply must not be a server error and must match the
documented response schema. Bounded on purpose (a few examples per
operation, the 3 s item limit) so the module stays well under a minute on
two cores. The hypothesis loop is driven by hand because schemathesis's
pytest plugin does not run on this pytest version.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.server.live import LiveServer

# A deeper local run: RLVR_SCHEMATHESIS_EXAMPLES=300 pytest tests/server/test_schemathesis.py
EXAMPLES_PER_OPERATION = int(os.environ.get("RLVR_SCHEMATHESIS_EXAMPLES", "12"))
OPERATIONS = [
    "POST /v1/rewards",
    "POST /get_reward",
    "POST /v1/reward",
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
]


@pytest.mark.parametrize("label", OPERATIONS)
def test_generated_requests_never_get_a_server_error(server: LiveServer, label: str) -> None:
    api = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = {op.label: op for op in (r.ok() for r in api.get_all_operations())}
    assert set(OPERATIONS) <= set(operations), sorted(operations)
    calls: list[int] = []

    @given(operations[label].as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            base_url=server.url, checks=[not_a_server_error, response_schema_conformance]
        )
        calls.append(response.status_code)

    check()
    assert calls, "schemathesis generated no request"

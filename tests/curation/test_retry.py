"""The retry rule shared by curation's HTTP clients."""

from __future__ import annotations

import pytest

from verifiers.core.retry import RetryPolicy, parse_retry_after

GENERATION = RetryPolicy(
    retries=3, retry_status=frozenset({503}), backoff_s=0.5, max_retry_after_s=60.0
)
SERVER = RetryPolicy(
    retries=4,
    retry_status=frozenset({503}),
    backoff_s=1.0,
    max_retry_after_s=30.0,
    max_backoff_s=30.0,
)


@pytest.mark.parametrize(
    ("policy", "attempt", "retry_after", "delay"),
    [
        pytest.param(GENERATION, 1, None, 0.5, id="first_retry_backs_off"),
        pytest.param(GENERATION, 3, None, 2.0, id="backoff_doubles"),
        pytest.param(GENERATION, 9, None, 128.0, id="generation_backoff_uncapped"),
        pytest.param(SERVER, 9, None, 30.0, id="server_backoff_capped"),
        pytest.param(GENERATION, 2, "7", 7.0, id="server_hint_wins"),
        pytest.param(GENERATION, 1, "0", 0.0, id="zero_hint_means_now"),
        pytest.param(GENERATION, 1, "120", 60.0, id="hint_capped"),
        pytest.param(SERVER, 1, "120", 30.0, id="server_hint_capped"),
        pytest.param(GENERATION, 1, "-5", 0.5, id="negative_hint_ignored"),
        pytest.param(SERVER, 1, "1.2.3", 1.0, id="malformed_hint_ignored_not_raised"),
        pytest.param(SERVER, 2, "Wed, 21 Oct 2026 07:28:00 GMT", 2.0, id="http_date_backs_off"),
        pytest.param(SERVER, 1, "nan", 1.0, id="nan_hint_ignored"),
    ],
)
def test_delay(policy: RetryPolicy, attempt: int, retry_after: str | None, delay: float) -> None:
    assert policy.delay(attempt, retry_after) == delay


def test_attempts_count_the_first_try() -> None:
    assert GENERATION.attempts == 4


@pytest.mark.parametrize("value", ["", None, "inf", "-1", "abc"])
def test_unusable_retry_after(value: str | None) -> None:
    assert parse_retry_after(value) is None

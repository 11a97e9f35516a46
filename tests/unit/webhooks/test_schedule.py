"""The retry schedule: about three days in all, jittered, never before Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from qrstack_webhooks.schedule import attempts_allowed, parse_retry_after, retry_delay
from qrstack_webhooks.settings import DEFAULT_RETRY_SCHEDULE_S, WebhookSettings


def test_the_default_schedule_spans_about_three_days() -> None:
    total = sum(DEFAULT_RETRY_SCHEDULE_S)
    assert 2.9 * 86_400 <= total <= 3.3 * 86_400
    assert attempts_allowed(DEFAULT_RETRY_SCHEDULE_S, None) == len(DEFAULT_RETRY_SCHEDULE_S) + 1
    assert attempts_allowed(DEFAULT_RETRY_SCHEDULE_S, 1) == 1


def test_delays_are_jittered_within_20_percent() -> None:
    delays = {retry_delay((10.0, 100.0), 2, None) for _ in range(200)}
    assert min(delays) >= 80 and max(delays) <= 120 and len(delays) > 100


def test_retry_after_pushes_the_next_attempt_later_never_earlier() -> None:
    assert retry_delay((5.0,), 1, 60.0) == 60.0
    assert retry_delay((5.0,), 1, 0.0) >= 4.0


def test_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after("99999999") == 86_400.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_schedule_setting_reads_a_comma_list(monkeypatch) -> None:
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE", "1, 2.5,10")
    assert WebhookSettings().retry_schedule_s == (1.0, 2.5, 10.0)

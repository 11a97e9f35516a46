"""Settings for an in-process API app on the test infrastructure."""

from __future__ import annotations

from qrstack_api.settings import ApiSettings
from qrstack_launcher.stack import Infrastructure


def api_settings(infra: Infrastructure, **changes: object) -> ApiSettings:
    values: dict[str, object] = {
        "database_url": infra.database_url,
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "short_url_base": "https://qr.example.test",
        "topic_partitions": infra.partitions,
        # Every test app counts in the same PostgreSQL table from 127.0.0.1: one anonymous
        # bucket for the whole suite. Tests of the limits set their own small ones.
        "rate_limit_anonymous": 1_000_000,
    }
    values.update(changes)
    return ApiSettings(**values)  # type: ignore[arg-type]

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
    }
    values.update(changes)
    return ApiSettings(**values)  # type: ignore[arg-type]

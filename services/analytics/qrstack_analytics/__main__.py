"""`python -m qrstack_analytics` serves the analytics service (ANALYTICS_HOST, ANALYTICS_PORT)."""

from __future__ import annotations

from qrstack_analytics.app import create_app
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_common.logs import configure_logging
from qrstack_common.serve import serve


def main() -> None:
    settings = AnalyticsSettings()
    configure_logging("analytics", settings.log_level, settings.log_format)
    serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

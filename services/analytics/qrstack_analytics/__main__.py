"""`python -m qrstack_analytics` serves the analytics service (ANALYTICS_HOST, ANALYTICS_PORT)."""

from __future__ import annotations

import gc

from qrstack_analytics.app import create_app
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_common.logs import configure_logging
from qrstack_common.serve import serve


def main() -> None:
    settings = AnalyticsSettings()
    configure_logging("analytics", settings.log_level, settings.log_format)
    app = create_app(settings)
    # Everything built so far lives as long as the process: keep it out of the collector's
    # full passes, which ingestion (millions of short-lived objects a minute) triggers often.
    gc.freeze()
    serve(app, settings.host, settings.port)


if __name__ == "__main__":
    main()

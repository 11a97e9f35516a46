"""`python -m qrstack_webhooks` runs the webhook delivery worker (WEBHOOKS_HOST, WEBHOOKS_PORT
serve /healthz, /readyz and /metrics)."""

from __future__ import annotations

from qrstack_common.logs import configure_logging
from qrstack_common.serve import serve
from qrstack_webhooks.app import create_app
from qrstack_webhooks.settings import WebhookSettings


def main() -> None:
    settings = WebhookSettings()
    configure_logging("webhooks", settings.log_level, settings.log_format)
    serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

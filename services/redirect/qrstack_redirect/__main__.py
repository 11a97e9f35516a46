"""`python -m qrstack_redirect` serves scans (REDIRECT_HOST, REDIRECT_PORT)."""

from __future__ import annotations

from qrstack_common.logs import configure_logging
from qrstack_common.serve import serve
from qrstack_redirect.app import create_app
from qrstack_redirect.settings import RedirectSettings


def main() -> None:
    settings = RedirectSettings()
    configure_logging("redirect", settings.log_level, settings.log_format)
    serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

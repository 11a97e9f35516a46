"""`python -m qrstack_redirect` serves scans on REDIRECT_HOST:REDIRECT_PORT, in one process or,
with REDIRECT_WORKERS=N, in N worker processes on that one port (`serving`)."""

from __future__ import annotations

import os

from qrstack_common.logs import configure_logging
from qrstack_redirect.app import ROUTES, create_app
from qrstack_redirect.serving import WORKER_ENV, serve, supervise
from qrstack_redirect.settings import RedirectSettings


def main() -> None:
    settings = RedirectSettings()
    configure_logging("redirect", settings.log_level, settings.log_format)
    workers = settings.worker_count()
    if workers > 1 and WORKER_ENV not in os.environ:
        supervise(workers, settings.spool_dir)
        return
    app = create_app(settings)
    serve(app, app[ROUTES], settings.host, settings.port, reuse_port=settings.reuse_port)


if __name__ == "__main__":
    main()

"""`python -m qrstack_renderer` serves the renderer on RENDERER_HOST:RENDERER_PORT (uvloop)."""

from __future__ import annotations

from qrstack_common.logs import configure_logging
from qrstack_common.serve import serve
from qrstack_renderer.app import create_app
from qrstack_renderer.settings import RendererSettings


def main() -> None:
    settings = RendererSettings()
    configure_logging("renderer", settings.log_level, settings.log_format)
    serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

"""The renderer's settings, read from `RENDERER_*` environment variables."""

from __future__ import annotations

from qrstack_common.settings import ServiceSettings, setting


class RendererSettings(ServiceSettings):
    """Where the renderer listens, how much it caches and how it fetches logos by URL."""

    host: str = setting("RENDERER_HOST", "127.0.0.1", description="Bind.")
    port: int = setting("RENDERER_PORT", 8002, ge=0, le=65535)
    cache_bytes: int = setting(
        "RENDERER_CACHE_BYTES",
        64 << 20,
        ge=0,
        description="Memory budget of the rendered-image cache; 0 turns the cache off.",
    )
    render_threads: int = setting(
        "RENDERER_THREADS",
        2,
        ge=1,
        le=64,
        description="Threads that render cache misses, so the event loop keeps answering.",
    )
    max_pixels: int = setting(
        "RENDERER_MAX_PIXELS",
        4096 * 5120,
        ge=21 * 21,
        description="Largest raster image painted (width × height); larger ones are refused "
        "with 400. Painting costs ~28 bytes a pixel: size the memory limit from it.",
    )
    logo_max_bytes: int = setting(
        "RENDERER_LOGO_MAX_BYTES",
        1 << 20,
        ge=1024,
        description="Largest logo accepted, fetched or inline.",
    )
    logo_fetch_timeout: float = setting(
        "RENDERER_LOGO_FETCH_TIMEOUT",
        5.0,
        gt=0,
        description="Seconds allowed for fetching a logo URL, redirects included.",
    )
    logo_fetch_redirects: int = setting("RENDERER_LOGO_FETCH_REDIRECTS", 3, ge=0, le=10)
    logo_allow_private_hosts: bool = setting(
        "RENDERER_LOGO_ALLOW_PRIVATE_HOSTS",
        False,
        description="Allow logo URLs on loopback/private addresses. Off in production (SSRF "
        "guard); only for closed test networks.",
    )

"""The renderer's settings, read from `RENDERER_*` environment variables."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from qrstack_common.settings import ServiceSettings


class RendererSettings(ServiceSettings):
    """Where the renderer listens, how much it caches and how it fetches logos by URL."""

    host: str = Field(
        "127.0.0.1", validation_alias=AliasChoices("RENDERER_HOST", "host"), description="Bind."
    )
    port: int = Field(8002, ge=0, le=65535, validation_alias=AliasChoices("RENDERER_PORT", "port"))
    cache_bytes: int = Field(
        64 << 20,
        ge=0,
        validation_alias=AliasChoices("RENDERER_CACHE_BYTES", "cache_bytes"),
        description="Memory budget of the rendered-image cache; 0 turns the cache off.",
    )
    render_threads: int = Field(
        2,
        ge=1,
        le=64,
        validation_alias=AliasChoices("RENDERER_THREADS", "render_threads"),
        description="Threads that render cache misses, so the event loop keeps answering.",
    )
    logo_max_bytes: int = Field(
        1 << 20,
        ge=1024,
        validation_alias=AliasChoices("RENDERER_LOGO_MAX_BYTES", "logo_max_bytes"),
        description="Largest logo accepted, fetched or inline.",
    )
    logo_fetch_timeout: float = Field(
        5.0,
        gt=0,
        validation_alias=AliasChoices("RENDERER_LOGO_FETCH_TIMEOUT", "logo_fetch_timeout"),
        description="Seconds allowed for fetching a logo URL, redirects included.",
    )
    logo_fetch_redirects: int = Field(
        3,
        ge=0,
        le=10,
        validation_alias=AliasChoices("RENDERER_LOGO_FETCH_REDIRECTS", "logo_fetch_redirects"),
    )
    logo_allow_private_hosts: bool = Field(
        False,
        validation_alias=AliasChoices(
            "RENDERER_LOGO_ALLOW_PRIVATE_HOSTS", "logo_allow_private_hosts"
        ),
        description=(
            "Allow logo URLs on loopback/private addresses. Off in production (SSRF guard); "
            "only for closed test networks."
        ),
    )

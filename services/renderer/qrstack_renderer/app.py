"""The renderer's HTTP service: `create_app(settings)`.

- `POST /v1/render` with a JSON `RenderSpec` → the image.
- `GET /v1/render?data=…&format=…&size=…&scale=…&margin=…&errorCorrection=…&dpi=…&fg=…&bg=…
  &pattern=…&corners=…` → the same for simple renders.
- `POST /v1/check` with the same JSON → 204 when it would render and scan, else the 400
  `POST /v1/render` would answer; nothing is drawn. For callers that store a design (the API
  at save time): the scannability guard has one implementation, here.

Every image answer carries its content address as a strong `ETag` and
`Cache-Control: public, max-age=31536000, immutable`; a matching `If-None-Match` gets 304
without rendering. Cache misses render in a thread pool so the event loop keeps serving
hits. Bad fields and unscannable styles get 400 `validation_failed` with one issue per field.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web

from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import etag_matches, read_model, validate
from qrstack_common.metrics import RendererMetrics
from qrstack_common.observability import METRICS, new_service_app
from qrstack_common.render.spec import RenderSpec
from qrstack_renderer.cache import RenderCache
from qrstack_renderer.logos.fetch import LogoFetcher
from qrstack_renderer.print import routes as printing
from qrstack_renderer.render import RenderedImage, check, content_address, render
from qrstack_renderer.scannability import routes as scannability
from qrstack_renderer.settings import RendererSettings

SETTINGS = web.AppKey("renderer_settings", RendererSettings)
CACHE = web.AppKey("render_cache", RenderCache)
RENDER_POOL = web.AppKey("render_pool", ThreadPoolExecutor)
LOGO_FETCHER = web.AppKey("logo_fetcher", LogoFetcher)

IMMUTABLE = "public, max-age=31536000, immutable"
MAX_BODY = 3 << 20
"""A 1 MB logo as a base64 data URI plus the rest of the spec fits with room to spare."""

_QUERY_TOP = {
    "data": "data",
    "format": "format",
    "size": "size",
    "scale": "scale",
    "margin": "margin",
    "errorCorrection": "errorCorrection",
    "ecc": "errorCorrection",
    "dpi": "dpi",
}
_QUERY_STYLE = {
    "fg": "foreground",
    "fg_color": "foreground",
    "foreground": "foreground",
    "bg": "background",
    "bg_color": "background",
    "background": "background",
    "pattern": "pattern",
    "corners": "corners",
    "eyeOuter": "eyeOuter",
    "eyeInner": "eyeInner",
}


def spec_from_query(query: Any) -> RenderSpec:
    """A `RenderSpec` from GET parameters; unknown parameters are refused by name."""
    body: dict[str, Any] = {}
    style: dict[str, Any] = {}
    unknown: list[Issue] = []
    for key, value in query.items():
        if key in _QUERY_TOP:
            body[_QUERY_TOP[key]] = value
        elif key in _QUERY_STYLE:
            style[_QUERY_STYLE[key]] = value
        else:
            allowed = ", ".join(sorted({*_QUERY_TOP, *_QUERY_STYLE}))
            unknown.append(Issue((key,), f"unknown parameter; use one of {allowed}"))
    if unknown:
        raise validation_failed(unknown)
    if style:
        body["style"] = style
    return validate(RenderSpec, body)


def _metrics(app: web.Application) -> RendererMetrics:
    metrics = app[METRICS]
    assert isinstance(metrics, RendererMetrics)
    return metrics


async def render_response(request: web.Request, spec: RenderSpec) -> web.StreamResponse:
    """Answer with the rendered image of `spec`: 304, a cache hit, or a fresh render."""
    app = request.app
    metrics = _metrics(app)
    spec = await app[LOGO_FETCHER].inline(spec)
    key = content_address(spec)
    etag = f'"{key}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag_matches(request, etag):
        metrics.renders.labels(spec.format, "not_modified").inc()
        return web.Response(status=304, headers=headers)
    cache = app[CACHE]
    image = cache.get(key)
    if image is not None:
        metrics.renders.labels(spec.format, "hit").inc()
    else:
        image = await _render_off_loop(app, spec)
        cache.put(key, image)
        metrics.cache_bytes.set(cache.bytes)
        metrics.renders.labels(spec.format, "miss").inc()
    return web.Response(body=image.body, content_type=image.media_type, headers=headers)


async def _render_off_loop(app: web.Application, spec: RenderSpec) -> RenderedImage:
    metrics = _metrics(app)
    start = time.perf_counter()
    loop = asyncio.get_running_loop()
    try:
        paint = functools.partial(render, spec, max_pixels=app[SETTINGS].max_pixels)
        image = await loop.run_in_executor(app[RENDER_POOL], paint)
    except ApiError:
        metrics.refused.inc()
        raise
    metrics.render_seconds.labels(spec.format).observe(time.perf_counter() - start)
    return image


async def post_render(request: web.Request) -> web.StreamResponse:
    try:
        spec = await read_model(request, RenderSpec, max_bytes=MAX_BODY)
    except ApiError:
        _metrics(request.app).refused.inc()
        raise
    return await render_response(request, spec)


async def get_render(request: web.Request) -> web.StreamResponse:
    return await render_response(request, spec_from_query(request.query))


async def post_check(request: web.Request) -> web.StreamResponse:
    """204 when the spec would render and scan; the refusal `POST /v1/render` would give."""
    spec = await read_model(request, RenderSpec, max_bytes=MAX_BODY)
    spec = await request.app[LOGO_FETCHER].inline(spec)
    loop = asyncio.get_running_loop()
    budget = request.app[SETTINGS].max_pixels
    await loop.run_in_executor(
        request.app[RENDER_POOL], functools.partial(check, spec, max_pixels=budget)
    )
    return web.Response(status=204)


async def _render_pool(app: web.Application) -> AsyncIterator[None]:
    pool = ThreadPoolExecutor(max_workers=app[SETTINGS].render_threads, thread_name_prefix="render")
    app[RENDER_POOL] = pool
    yield
    pool.shutdown(wait=True, cancel_futures=True)


async def _logo_fetcher(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    metrics = _metrics(app)
    async with LogoFetcher(
        max_bytes=settings.logo_max_bytes,
        timeout=settings.logo_fetch_timeout,
        max_redirects=settings.logo_fetch_redirects,
        allow_private_hosts=settings.logo_allow_private_hosts,
        metrics=metrics,
    ) as fetcher:
        app[LOGO_FETCHER] = fetcher
        yield


def create_app(settings: RendererSettings) -> web.Application:
    """The renderer application; background resources live in `cleanup_ctx`."""
    app = new_service_app(RendererMetrics(), client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[CACHE] = RenderCache(settings.cache_bytes)
    app.cleanup_ctx.append(_render_pool)
    app.cleanup_ctx.append(_logo_fetcher)
    app.router.add_post("/v1/render", post_render)
    app.router.add_get("/v1/render", get_render, allow_head=True)
    app.router.add_post("/v1/check", post_check)
    scannability.install(app, pool=RENDER_POOL, logo_fetcher=LOGO_FETCHER, max_body=MAX_BODY)
    printing.install(app, pool=RENDER_POOL, logo_fetcher=LOGO_FETCHER, max_body=MAX_BODY)
    return app

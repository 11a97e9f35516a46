"""`POST /v1/scannability`: score a design (see `score.py` for the grade's rule).

Scores run in the render pool (a score is about twenty decodes) and are cached by design
hash in a small LRU, so asking again about the same design costs nothing. A logo URL is
fetched first, like a render's, so the hash covers the logo's bytes.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from qrstack_common.http import json_response, read_model
from qrstack_common.render.score import ScoreResult
from qrstack_renderer.cache import LruCache
from qrstack_renderer.logos.fetch import LogoFetcher
from qrstack_renderer.scannability.model import ScoreRequest
from qrstack_renderer.scannability.score import design_hash, score

SCORE_CACHE_ENTRIES = 1024


class ScoreCache(LruCache[ScoreResult]):
    """Scores by design hash, at most `entries`, least recently used first out."""

    def __init__(self, entries: int = SCORE_CACHE_ENTRIES) -> None:
        super().__init__(entries, lambda _: 1)


SCORES = web.AppKey("score_cache", ScoreCache)


def install(
    app: web.Application,
    *,
    pool: web.AppKey[ThreadPoolExecutor],
    logo_fetcher: web.AppKey[LogoFetcher],
    max_body: int,
) -> None:
    """Add the route; the render pool and logo fetcher are the app's (under these keys)."""

    async def post_scannability(request: web.Request) -> web.Response:
        body = await read_model(request, ScoreRequest, max_bytes=max_body)
        body = await request.app[logo_fetcher].inline(body)
        key = design_hash(body)
        cache = request.app[SCORES]
        result = cache.get(key)
        cached = result is not None
        if result is None:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(request.app[pool], score, body)
            cache.put(key, result)
        answer = result.model_dump(mode="json", by_alias=True)
        return json_response(answer, headers={"X-Score-Cache": "hit" if cached else "miss"})

    app[SCORES] = ScoreCache()
    app.router.add_post("/v1/scannability", post_scannability)

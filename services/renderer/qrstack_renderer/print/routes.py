"""`POST /v1/print` (one code for print) and `POST /v1/labels` (a label sheet PDF).

Both render in the render pool; answers carry a content-address `ETag` and are immutable,
like renders.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from qrstack_common.http import read_model
from qrstack_renderer.logos.fetch import LogoFetcher
from qrstack_renderer.print.labels import write_label_sheet
from qrstack_renderer.print.model import LabelSheetSpec, PrintSpec
from qrstack_renderer.print.output import print_output

IMMUTABLE = "public, max-age=31536000, immutable"


def install(
    app: web.Application,
    *,
    pool: web.AppKey[ThreadPoolExecutor],
    logo_fetcher: web.AppKey[LogoFetcher],
    max_body: int,
) -> None:
    async def post_print(request: web.Request) -> web.Response:
        spec = await read_model(request, PrintSpec, max_bytes=max_body)
        spec = await request.app[logo_fetcher].inline(spec)
        loop = asyncio.get_running_loop()
        image = await loop.run_in_executor(request.app[pool], print_output, spec)
        headers = {"ETag": image.etag, "Cache-Control": IMMUTABLE}
        return web.Response(body=image.body, content_type=image.media_type, headers=headers)

    async def post_labels(request: web.Request) -> web.Response:
        sheet = await read_model(request, LabelSheetSpec, max_bytes=max_body)
        loop = asyncio.get_running_loop()
        body = await loop.run_in_executor(request.app[pool], write_label_sheet, sheet)
        return web.Response(body=body, content_type="application/pdf")

    app.router.add_post("/v1/print", post_print)
    app.router.add_post("/v1/labels", post_labels)

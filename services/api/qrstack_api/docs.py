"""`/v1/openapi.json` (OpenAPI 3.1, generated from the handlers) and `/v1/docs`, a
self-contained page that lists every operation (no external scripts or fonts)."""

from __future__ import annotations

from html import escape
from importlib.metadata import version
from typing import Any

from aiohttp import web

from qrstack_api.openapi import build_openapi
from qrstack_common.http import json_response

routes = web.RouteTableDef()

_TITLE = "qrstack API"


def _document(app: web.Application) -> dict[str, Any]:
    return build_openapi(app, title=_TITLE, version=version("qrstack"))


@routes.get("/v1/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    return json_response(_document(request.app))


@routes.get("/v1/docs")
async def docs_page(request: web.Request) -> web.Response:
    doc = _document(request.app)
    sections: list[str] = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            codes = ", ".join(op["responses"])
            sections.append(
                f"<section><h3><span class=m>{escape(method.upper())}</span> "
                f"<code>{escape(path)}</code></h3><p>{escape(op['summary'])}</p>"
                f"<p class=r>Responses: {escape(codes)}</p></section>"
            )
    html = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{_TITLE}</title><style>body{{font-family:system-ui,sans-serif;max-width:60rem;"
        "margin:2rem auto;padding:0 1rem;color:#1d2330}h3{margin:.2rem 0;font-size:1rem}"
        "section{border-top:1px solid #e3e6ea;padding:.6rem 0}.m{display:inline-block;"
        "min-width:4.5rem;font-weight:700;color:#2d7a4e}.r{color:#5a6272;font-size:.9rem}"
        f"</style><h1>{_TITLE}</h1><p>Machine-readable: <a href='/v1/openapi.json'>"
        f"/v1/openapi.json</a> (OpenAPI 3.1).</p>{''.join(sections)}</html>"
    )
    return web.Response(text=html, content_type="text/html")

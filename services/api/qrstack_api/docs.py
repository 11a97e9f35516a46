"""`/v1/openapi.json` (OpenAPI 3.1, generated from the handlers) and `/v1/docs`, the reference
page: Swagger UI, vendored (`openapi/swagger_ui/VENDORED.md`), served from this origin under a
strict Content-Security-Policy, with request and response examples and try-it."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from typing import Any

from aiohttp import web

from qrstack_api.openapi import build_openapi
from qrstack_common.http import json_response

routes = web.RouteTableDef()

TITLE = "qrstack API"
DESCRIPTION = (
    "Dynamic and static QR codes of 24 types, styles, folders, tags, scheduling, scan caps, "
    "passwords, routing rules, custom domains, API keys and analytics. Authenticate with "
    "`Authorization: Bearer <key>` (or `X-API-Key`, `?apiKey=`, HTTP Basic with a user's email "
    "and password). Errors are `{error, detail, issues}`; `issues` lists every failing field."
)
_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "init.js": "text/javascript",
    "LICENSE": "text/plain",
    "NOTICE": "text/plain",
    "swagger-ui-bundle.js.LICENSE.txt": "text/plain",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE} reference</title>
<link rel="stylesheet" href="/v1/docs/swagger-ui.css?v={{v}}">
</head>
<body>
<noscript>This reference needs JavaScript; the document itself is
<a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</noscript>
<div id="swagger-ui"></div>
<script src="/v1/docs/swagger-ui-bundle.js?v={{v}}"></script>
<script src="/v1/docs/init.js?v={{v}}"></script>
</body>
</html>
"""


def document(app: web.Application) -> dict[str, Any]:
    return build_openapi(app, title=TITLE, version=version("qrstack"), description=DESCRIPTION)


@cache
def _asset(name: str) -> tuple[bytes, str]:
    body = files("qrstack_api.openapi").joinpath("swagger_ui", name).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@cache
def _assets_version() -> str:
    return hashlib.sha256(b"".join(_asset(n)[1].encode() for n in sorted(_ASSETS))).hexdigest()[:12]


@routes.get("/v1/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    return json_response(document(request.app))


@routes.get("/v1/docs")
async def docs_page(request: web.Request) -> web.Response:
    return web.Response(
        text=_PAGE.replace("{v}", _assets_version()),
        content_type="text/html",
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )


@routes.get("/v1/docs/{name}")
async def docs_asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    media = _ASSETS.get(name)
    if media is None:
        raise web.HTTPNotFound()
    body, etag = _asset(name)
    headers = {
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        # The page asks for ?v=<hash of every asset>: a versioned URL never changes content.
        "Cache-Control": "public, max-age=31536000, immutable"
        if request.query.get("v") == _assets_version()
        else "public, no-cache",
    }
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=media, charset="utf-8", headers=headers)

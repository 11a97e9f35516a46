"""TrakQR's and Trackier's HTTP behaviours, on every API surface (`/v1/…` and `/api/…`).

- HTTPS only: with `FORCE_HTTPS` on, a request that came over plain HTTP is answered 301 with
  `Location` the same URL over https (TrakQR: "If an HTTP connection is attempted, we will
  return a 301"). Behind a reverse proxy that terminates TLS, the proxy's `X-Forwarded-Proto`
  says how the client came, but only a proxy listed in `API_TRUSTED_PROXIES` is believed (any
  client can send the header), and only the value it wrote itself (the last one). Health and
  metrics endpoints are left alone: probes speak plain HTTP inside the cluster.
- 405 with `Allow` for other verbs, 415 for bodies that are not JSON, ISO 8601 dates: the
  common error middleware, `read_json` and each surface's views already do these.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from qrstack_api.accounts.client_address import IPNetwork, is_trusted_proxy
from qrstack_api.context import SETTINGS
from qrstack_common.http import Handler

API_PREFIXES = ("/v1/", "/api/")


def client_scheme(request: web.Request, trusted: Sequence[IPNetwork]) -> str:
    """`https` or `http`: how the client reached us, as far as it can be vouched for."""
    if request.secure:
        return "https"
    if not is_trusted_proxy(request.remote, trusted):
        return request.scheme
    values = [v.strip().lower() for h in request.headers.getall("X-Forwarded-Proto", [])
              for v in h.split(",") if v.strip()]  # fmt: skip
    return values[-1] if values else request.scheme


@web.middleware
async def https_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    if (
        settings.force_https
        and request.path.startswith(API_PREFIXES)
        and client_scheme(request, settings.trusted_proxies) != "https"
    ):
        location = f"https://{request.host}{request.rel_url}"
        return web.Response(status=301, headers={"Location": location})
    return await handler(request)

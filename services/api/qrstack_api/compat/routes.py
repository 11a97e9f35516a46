"""The routes of every compatibility surface, for the app's list of route modules."""

from __future__ import annotations

from aiohttp.web import AbstractRouteDef

from qrstack_api.compat.recodeqr import generate as recodeqr_generate
from qrstack_api.compat.recodeqr import routes as recodeqr
from qrstack_api.compat.u2qr import routes as u2qr

routes: tuple[AbstractRouteDef, ...] = (*recodeqr.routes, *recodeqr_generate.routes, *u2qr.routes)

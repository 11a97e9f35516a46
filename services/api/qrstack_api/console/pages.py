"""Rendering console pages: one autoescaping Jinja2 environment and the security headers.

Every page answers with a strict Content-Security-Policy (scripts, styles and images from this
origin only, no inline script, no framing), `X-Content-Type-Options: nosniff` and
`Referrer-Policy: same-origin`, and is never cached (it shows one user's data).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def _when(value: Any) -> str:
    """An ISO timestamp from the API as `2026-12-06 21:30 UTC` (empty for None)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ("—" if value is None else str(value))


def _size(value: Any) -> str:
    """A byte count as people read it: `12.3 KiB (12,612 bytes)`, `0 bytes`."""
    if not isinstance(value, int):
        return _number(value)
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if value >= 1 << shift:
            return f"{value / (1 << shift):,.1f} {unit} ({value:,} bytes)"
    return f"{value:,} bytes"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["number"] = _number
    env.filters["size"] = _size
    return env


ENV = web.AppKey("console_templates", jinja2.Environment)


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    html = request.app[ENV].get_template(template).render(**context)
    return web.Response(
        text=html, status=status, content_type="text/html", headers=SECURITY_HEADERS
    )


def see_other(location: str, **headers: str) -> web.Response:
    """A 303 after a form post (the browser then GETs `location`)."""
    return web.Response(status=303, headers={"Location": location, **headers})

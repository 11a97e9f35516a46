"""RecodeQR's on-the-fly generation (seed 002): `GET /api/generate` and `POST /api/generate`.
Nothing is saved. An API key is optional (it raises the rate limit: 100/min per address
without one, 1000/min per key).

- GET: `data` (the text to encode, required), `format` png (default), jpeg or svg, `bg_color`,
  `fg_color`.
- POST: `destination` and its `data` object (as for a saved code: a link encodes its URL, a
  Wi-Fi network its `WIFI:` string, ...), `format` png, svg or jpeg (required), `styles`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from qrstack_api.compat.recodeqr.body import MAX_BODY_BYTES, recodeqr_issue
from qrstack_api.compat.recodeqr.destinations import (
    DOCUMENTED,
    checked_data,
    destination_type,
)
from qrstack_api.compat.recodeqr.images import render_image
from qrstack_api.compat.recodeqr.styles import styles_input
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import read_json
from qrstack_common.payloads import encode_payload, validate_payload
from qrstack_common.render.spec import MAX_DATA_CHARS

GENERATE_FORMATS = ("png", "jpeg", "svg")
_BODY_FIELDS = ("destination", "format", "data", "styles")

routes = web.RouteTableDef()


def _format(value: object, issues: list[Issue], *, required: bool) -> str:
    if value is None:
        if required:
            issues.append(Issue(("format",), "This field is required."))
        return "png"
    if not isinstance(value, str) or value.lower() not in GENERATE_FORMATS:
        issues.append(Issue(("format",), f"must be one of {', '.join(GENERATE_FORMATS)}"))
        return "png"
    return value.lower()


def _spec(data: str, fmt: str, style: Mapping[str, Any] | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"data": data, "format": fmt}
    if style:
        spec["style"] = dict(style)
    return spec


@routes.get("/api/generate")
async def generate_basic(request: web.Request) -> web.Response:
    query = request.query
    issues: list[Issue] = []
    data = query.get("data")
    if not data:
        issues.append(Issue(("data",), "This field is required."))
    elif len(data) > MAX_DATA_CHARS:
        issues.append(Issue(("data",), f"must be at most {MAX_DATA_CHARS} characters"))
    fmt = _format(query.get("format"), issues, required=False)
    colours = {key: query[key] for key in ("bg_color", "fg_color") if query.get(key)}
    style, style_issues = styles_input(colours, None)
    # The query has no `styles` object: report colour problems on the parameters themselves.
    issues.extend(Issue(i.path[1:] or i.path, i.reason) for i in style_issues)
    if issues:
        raise validation_failed(issues)
    assert data is not None
    return await render_image(request, _spec(data, fmt, style))


@routes.post("/api/generate")
async def generate_advanced(request: web.Request) -> web.Response:
    raw = await read_json(request, max_bytes=MAX_BODY_BYTES)
    if not isinstance(raw, Mapping):
        raise validation_failed([Issue((), "the body must be a JSON object")])
    issues = [Issue((str(key),), "is not a field of this request; use " + ", ".join(_BODY_FIELDS))
              for key in raw if key not in _BODY_FIELDS]  # fmt: skip
    payload_type = None
    if raw.get("destination") is None:
        issues.append(Issue(("destination",), "This field is required."))
    elif (payload_type := destination_type(raw["destination"])) is None:
        issues.append(Issue(("destination",), f"unknown destination {raw['destination']!r}; "
                            f"one of: {DOCUMENTED}"))  # fmt: skip
    fmt = _format(raw.get("format"), issues, required=True)
    data = raw.get("data")
    if data is None:
        issues.append(Issue(("data",), "This field is required."))
    elif not isinstance(data, Mapping):
        issues.append(Issue(("data",), "must be an object"))
    style, style_issues = styles_input(raw.get("styles"), None)
    issues.extend(style_issues)
    content = None
    if payload_type is not None and isinstance(data, Mapping):
        checked, data_problems = checked_data(payload_type.name, data)
        issues.extend(data_problems)
        try:
            content = encode_payload(validate_payload(payload_type.name, checked, at=("data",)))
        except ApiError as exc:
            reported = [i.path for i in issues]
            # A type that is never static (a hosted page) is a problem of the destination.
            found = (
                Issue(("destination",), i.reason)
                if i.path == ("dynamic",)
                else recodeqr_issue(i, payload_type.name, list(data))
                for i in exc.issues
            )
            issues.extend(i for i in found if not any(i.path[: len(p)] == p for p in reported))
    if issues or content is None:
        raise validation_failed(issues)
    spec = _spec(content, fmt, style)
    if payload_type is not None and payload_type.error_correction:
        spec["errorCorrection"] = payload_type.error_correction
    return await render_image(request, spec)

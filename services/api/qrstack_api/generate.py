"""`GET/POST /v1/generate`: images of codes that are not saved.

Authentication is optional (a key raises the rate limit). `data` is encoded as given; or send a
`type` with its content nested under the type's key (as for POST /v1/codes) and the standard
payload string is encoded (Wi-Fi, vCard, event, ...). Nothing is stored.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.openapi import operation
from qrstack_api.upstream import relay_render
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.http import read_json, validate
from qrstack_common.payloads import PAYLOAD_TYPES, encode_payload, find_type, validate_payload
from qrstack_common.render.spec import Style

routes = web.RouteTableDef()

ImageFormat = Literal["png", "svg", "pdf", "jpeg", "webp"]
_IMAGES = {
    "image/png": "PNG", "image/svg+xml": "SVG", "application/pdf": "PDF",
    "image/jpeg": "JPEG", "image/webp": "WebP",
}  # fmt: skip
_PAYLOAD_KEYS = frozenset(key for t in PAYLOAD_TYPES.values() for key in t.payload_keys)


class GenerateQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    data: str = Field(min_length=1, max_length=4296, description="The text to encode.")
    format: ImageFormat = "png"
    size: int | None = Field(None, ge=21, le=4096)
    margin: int | None = Field(None, ge=0, le=40)
    error_correction: Literal["L", "M", "Q", "H"] | None = Field(None, alias="errorCorrection")
    fg: str | None = Field(None, description="Foreground hex colour.")
    bg: str | None = Field(None, description="Background hex colour or transparent.")


class GenerateRequest(BaseModel):
    """An image to render: `data`, or a `type` with its content under the type's key."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    data: str | None = Field(None, min_length=1, max_length=4296)
    type: str | None = None
    format: ImageFormat = "png"
    size: int | None = Field(None, ge=21, le=4096)
    scale: int | None = Field(None, ge=1, le=100)
    margin: int | None = Field(None, ge=0, le=40)
    dpi: int | None = Field(None, ge=72, le=2400)
    error_correction: Literal["L", "M", "Q", "H"] | None = Field(None, alias="errorCorrection")
    style: Style | None = None


@routes.get("/v1/generate")
@operation(
    summary="An image of any text (not saved); API key optional",
    tag="images",
    query=GenerateQuery,
    responses={200: _IMAGES},
    errors=(400, 429, 503),
    auth="optional",
)
async def generate_get(request: web.Request) -> web.Response:
    query = validate(GenerateQuery, dict(request.query))
    spec: dict[str, Any] = {"data": query.data, "format": query.format}
    if query.size is not None:
        spec["size"] = query.size
    if query.margin is not None:
        spec["margin"] = query.margin
    if query.error_correction is not None:
        spec["errorCorrection"] = query.error_correction
    style = {k: v for k, v in (("foreground", query.fg), ("background", query.bg)) if v}
    if style:
        spec["style"] = style
    return await relay_render(request, spec)


@routes.post("/v1/generate")
@operation(
    summary="An image of text or of a typed payload, with a style (not saved); API key optional",
    tag="images",
    body=GenerateRequest,
    responses={200: _IMAGES},
    errors=(400, 415, 429, 503),
    auth="optional",
)
async def generate_post(request: web.Request) -> web.Response:
    raw = await read_json(request)
    if not isinstance(raw, dict):
        raise validation_failed([Issue((), "the body must be a JSON object")])
    payload_raw = {k: raw.pop(k) for k in list(raw) if k in _PAYLOAD_KEYS}
    target_url = raw.pop("targetUrl", None)  # a url type's content sits on the body itself
    body = validate(GenerateRequest, raw)
    data = body.data
    if body.type is not None:
        payload_type = find_type(body.type)
        if payload_type is None:
            raise validation_failed([Issue(("type",), f"unknown type {body.type!r}")])
        if data is not None:
            raise validation_failed([Issue(("data",), "send data or a type, not both")])
        if payload_type.name == "url":
            content: Any = target_url or payload_raw.get("url")
            payload = validate_payload("url", {"url": content}, at=("targetUrl",))
        else:
            key = next((k for k in payload_type.payload_keys if k in payload_raw), None)
            if key is None:
                main = payload_type.payload_keys[0] if payload_type.payload_keys else "data"
                raise validation_failed([Issue((main,), f"is required for {payload_type.name}")])
            payload = validate_payload(payload_type.name, payload_raw[key], at=(key,))
        data = encode_payload(payload)
    elif payload_raw or target_url is not None:
        key = next(iter(payload_raw), "targetUrl")
        raise validation_failed([Issue((key,), "send it with its type")])
    if data is None:
        raise validation_failed([Issue(("data",), "send data, or a type with its content")])
    spec = body.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"type"})
    spec["data"] = data
    if body.style is not None:
        spec["style"] = body.style.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return await relay_render(request, spec)

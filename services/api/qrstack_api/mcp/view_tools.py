"""The tools that look at a code: its image (drawn by the renderer in the code's stored
style, as GET /v1/codes/{id}/image) and its analytics (GET /v1/codes/{id}/analytics)."""

from __future__ import annotations

import base64
from typing import Any

import mcp_types as types
import orjson

from qrstack_api.analytics.model import AnalyticsQuery
from qrstack_api.analytics.routes import code_answer
from qrstack_api.codes.images import code_image
from qrstack_api.codes.model import ImageFormatQuery
from qrstack_api.codes.paths import CODE_NOT_FOUND
from qrstack_api.mcp.schemas import with_id
from qrstack_api.mcp.tools import (
    Answer,
    Call,
    ToolSpec,
    arguments_of,
    id_argument,
    image_block,
    json_answer,
    upstream_error,
)
from qrstack_common.ids import public_id


async def _render(call: Call, args: dict[str, Any]) -> Answer:
    code_id = id_argument(args, "code", CODE_NOT_FOUND)
    query = arguments_of(ImageFormatQuery, args, also=("id",))
    response = await code_image(call.app, call.principal, code_id, query.format, query)
    if response.status != 200:
        raise upstream_error(response)
    body = bytes(response.body)  # type: ignore[arg-type]
    media_type = response.content_type
    if query.format == "svg":
        block: types.ContentBlock = types.TextContent(text=body.decode())
    elif query.format == "pdf":
        block = types.EmbeddedResource(
            resource=types.BlobResourceContents(
                uri=f"qrstack://codes/{public_id('code', code_id)}.pdf",
                blob=base64.b64encode(body).decode(),
                mime_type=media_type,
            )
        )
    else:
        block = image_block(body, media_type)
    return Answer(content=[block])


def _parameter(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


async def _analytics(call: Call, args: dict[str, Any]) -> Answer:
    code_id = id_argument(args, "code", CODE_NOT_FOUND)
    query = arguments_of(AnalyticsQuery, args, also=("id",))
    params = {
        k: _parameter(v) for k, v in query.model_dump(by_alias=True, exclude_none=True).items()
    }
    response = await code_answer(call.app, call.principal, code_id, "analytics", params)
    if response.status != 200:
        raise upstream_error(response)
    return json_answer(orjson.loads(response.body))  # type: ignore[arg-type]


VIEW_TOOLS = (
    ToolSpec(
        name="render_code",
        title="Draw a QR code",
        description="The code's image in its stored style: PNG (default), JPEG or WebP as an "
        "image, SVG as text, PDF as an embedded resource. Options as on GET "
        "/v1/codes/{id}/image: size (pixels), scale, margin (modules), dpi, errorCorrection.",
        scope="codes:read",
        input_schema=with_id("code", "code", ImageFormatQuery),
        run=_render,
        read_only=True,
    ),
    ToolSpec(
        name="get_code_analytics",
        title="Read a code's analytics",
        description="A code's scans as GET /v1/codes/{id}/analytics answers: totals (scans, "
        "uniqueIpHashes, countries), series, byCountry, byDevice, byOs, byBrowser, byReferer, "
        "byHour, byDayOfWeek. range 7d/30d (default)/90d/all, or start and end; tz for the "
        "buckets; top values per breakdown.",
        scope="analytics:read",
        input_schema=with_id("code", "code", AnalyticsQuery),
        run=_analytics,
        read_only=True,
    ),
)

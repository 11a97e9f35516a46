"""Unknown query parameters are a 400 that names them and lists the valid ones.

A parameter the handler does not read (a typo such as `?limt=10`, a filter /v1 does not have)
would otherwise be ignored silently and the client would believe it was applied. What each
route reads is what its `@operation` declares (its `query=` model), the same declaration the
OpenAPI document shows; the auth layer's `apiKey` and `workspaceId` are valid on every
authenticated route."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from qrstack_api.openapi.operation import operation_of
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.suggest import unknown_key_reason, wire_names

# Read by the auth layer on every authenticated route.
AUTH_PARAMETERS = ("apiKey", "workspaceId")


@web.middleware
async def refuse_unknown_query_parameters(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    op = operation_of(request.match_info.handler) if request.query else None
    if op is None:
        return await handler(request)
    shown = [*AUTH_PARAMETERS] if op.auth != "none" else []
    if op.query is not None:
        shown.extend(wire_names(op.query))
    # snake_case spellings of the model's fields are accepted too (not shown)
    valid = {*shown, *(op.query.model_fields if op.query is not None else ())}
    unknown = [name for name in dict.fromkeys(request.query) if name not in valid]
    if unknown:
        raise validation_failed(
            [
                Issue((name,), unknown_key_reason(name, shown, what="query parameter"))
                for name in unknown
            ]
        )
    return await handler(request)

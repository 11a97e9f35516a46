"""What a tool is (name, description, scope, input schema, what it runs) and the helpers the
tools share to read their arguments the way /v1 reads a request."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from uuid import UUID

import mcp_types as types
import orjson
from aiohttp import web
from pydantic import BaseModel

from qrstack_api.accounts.principal import Principal
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import validate
from qrstack_common.ids import Kind, parse_id
from qrstack_common.suggest import unknown_key_reason, wire_names

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Call:
    """One tool call: the API app (its pool, settings, upstream session) and who calls."""

    app: web.Application
    principal: Principal


Answer = types.CallToolResult
Run = Callable[[Call, dict[str, Any]], Awaitable[Answer]]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    scope: str  # the API key scope the call needs, as on the /v1 route it mirrors
    input_schema: Mapping[str, Any]
    run: Run
    read_only: bool = False
    destructive: bool = False
    extras: Mapping[str, Any] = field(default_factory=dict)

    def listed(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            title=self.title,
            description=f"{self.description} Needs the `{self.scope}` scope.",
            input_schema=dict(self.input_schema),
            annotations=types.ToolAnnotations(
                title=self.title,
                read_only_hint=self.read_only,
                destructive_hint=self.destructive if not self.read_only else None,
                idempotent_hint=self.read_only or None,
                open_world_hint=False,
            ),
        )


def json_answer(value: Any) -> Answer:
    """A JSON result: the value as structured content, and as text for older clients."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return Answer(
        content=[types.TextContent(text=text)],
        structured_content=value if isinstance(value, dict) else {"result": value},
    )


def error_answer(error: ApiError) -> Answer:
    """A tool error the model can read and act on: the /v1 error code and detail, then one
    line per failing field (`path: reason`); the /v1 envelope as structured content."""
    lines = [f"{error.code} ({error.status}): {error.detail}"]
    lines += [f"- {'.'.join(map(str, i.path)) or '(arguments)'}: {i.reason}" for i in error.issues]
    return Answer(
        content=[types.TextContent(text="\n".join(lines))],
        structured_content=error.body(),
        is_error=True,
    )


def under(error: ApiError, argument: str) -> ApiError:
    """`error` with its field paths inside the tool argument `argument` (`code.wifi.ssid`)."""
    issues = [replace(i, path=(argument, *i.path)) for i in error.issues]
    detail = error.detail
    if error.issues and error.issues[0].path:
        detail = f"{argument}.{detail}"
    elif error.issues:
        detail = f"{argument}: {detail.removeprefix('body: ')}"
    return ApiError(error.code, detail, issues, error.headers)


def refuse_unknown(args: Mapping[str, Any], valid: list[str]) -> None:
    unknown = [name for name in args if name not in valid]
    if unknown:
        raise validation_failed(
            [Issue((n,), unknown_key_reason(n, valid, what="argument")) for n in unknown]
        )


def arguments_of(model: type[M], args: Mapping[str, Any], also: tuple[str, ...] = ()) -> M:
    """`args` validated by `model` (the /v1 model), unknown arguments refused by name."""
    refuse_unknown(args, [*also, *wire_names(model)])
    return validate(model, {k: v for k, v in args.items() if k not in also})


def required(args: Mapping[str, Any], name: str) -> Any:
    if args.get(name) is None:
        raise validation_failed([Issue((name,), "is required")])
    return args[name]


def id_argument(args: Mapping[str, Any], kind: Kind, not_found: str) -> UUID:
    """The `id` argument as an id of `kind`; 404 `not_found` when it names nothing, as the
    same id in a /v1 path would."""
    raw = required(args, "id")
    parsed = parse_id(kind, raw) if isinstance(raw, str) else None
    if parsed is None:
        raise ApiError("not_found", not_found)
    return parsed


def upstream_error(response: web.Response) -> ApiError:
    """A relayed refusal (renderer, analytics) as the error it carried."""
    try:
        body = orjson.loads(response.body)  # type: ignore[arg-type]
        issues = [
            Issue(tuple(i.get("path", ())), i.get("message") or i.get("reason", ""))
            for i in body.get("issues", [])
        ]
        return ApiError(body["error"], body.get("detail", ""), issues)
    except (ValueError, KeyError, TypeError, AttributeError):
        return ApiError("bad_gateway", f"An internal service answered {response.status}.")


def image_block(body: bytes, media_type: str) -> types.ImageContent:
    return types.ImageContent(data=base64.b64encode(body).decode(), mime_type=media_type)

"""`@operation`: what a handler accepts and answers, for the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])

_ATTRIBUTE = "__qrstack_operation__"

# Media type → description, for responses that are not JSON models (images, CSV, HTML).
RawResponse = Mapping[str, str]


@dataclass(frozen=True)
class BodySchema:
    """A request body whose schema is built rather than one model's (the code body: a union
    on `type` generated from the payload registry). `schemas()` returns every named schema it
    needs, `name` among them; `examples` are named request examples."""

    name: str
    schemas: Callable[[], Mapping[str, Any]]
    examples: Mapping[str, Any] = field(default_factory=dict)
    media_types: tuple[str, ...] = ("application/json",)


Body = type[BaseModel] | BodySchema


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    description: str = ""
    body: Body | None = None
    query: type[BaseModel] | None = None
    responses: Mapping[int, type[BaseModel] | RawResponse | None] = field(default_factory=dict)
    headers: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # status → header names
    errors: tuple[int, ...] = ()  # statuses answered with the error envelope
    scope: str | None = None  # API key scope required
    multipart: Mapping[str, str] | None = None  # multipart field → description
    auth: Literal["required", "optional", "none"] = "none"  # "required" whenever scope is set


def operation(
    *,
    summary: str,
    tag: str,
    description: str = "",
    body: Body | None = None,
    query: type[BaseModel] | None = None,
    responses: Mapping[int, type[BaseModel] | RawResponse | None] | None = None,
    headers: Mapping[int, tuple[str, ...]] | None = None,
    errors: tuple[int, ...] = (),
    scope: str | None = None,
    multipart: Mapping[str, str] | None = None,
    auth: Literal["required", "optional", "none"] | None = None,
) -> Callable[[F], F]:
    """Attach the operation's description to a handler (used by `build_openapi`). `auth`:
    "required" (any credential; implied by `scope`), "optional" (a credential raises limits),
    or "none" (public). `headers`: the response headers (names from the document's
    `components/headers`: ETag, Location, Cache-Control, ...) each status sends."""
    op = Operation(
        summary=summary,
        tag=tag,
        description=description,
        body=body,
        query=query,
        responses=responses or {200: None},
        headers=headers or {},
        errors=errors,
        scope=scope,
        multipart=multipart,
        auth=auth if auth is not None else ("required" if scope else "none"),
    )

    def attach(handler: F) -> F:
        setattr(handler, _ATTRIBUTE, op)
        return handler

    return attach


def operation_of(handler: object) -> Operation | None:
    op = getattr(handler, _ATTRIBUTE, None)
    return op if isinstance(op, Operation) else None

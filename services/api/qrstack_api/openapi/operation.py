"""`@operation`: what a handler accepts and answers, for the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])

_ATTRIBUTE = "__qrstack_operation__"

# Media type → description, for responses that are not JSON models (images, CSV, HTML).
RawResponse = Mapping[str, str]


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    description: str = ""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: Mapping[int, type[BaseModel] | RawResponse | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()  # statuses answered with the error envelope
    scope: str | None = None  # API key scope required; None = public route
    multipart: Mapping[str, str] | None = None  # multipart field → description


def operation(
    *,
    summary: str,
    tag: str,
    description: str = "",
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: Mapping[int, type[BaseModel] | RawResponse | None] | None = None,
    errors: tuple[int, ...] = (),
    scope: str | None = None,
    multipart: Mapping[str, str] | None = None,
) -> Callable[[F], F]:
    """Attach the operation's description to a handler (used by `build_openapi`)."""
    op = Operation(
        summary=summary,
        tag=tag,
        description=description,
        body=body,
        query=query,
        responses=responses or {200: None},
        errors=errors,
        scope=scope,
        multipart=multipart,
    )

    def attach(handler: F) -> F:
        setattr(handler, _ATTRIBUTE, op)
        return handler

    return attach


def operation_of(handler: object) -> Operation | None:
    op = getattr(handler, _ATTRIBUTE, None)
    return op if isinstance(op, Operation) else None

"""The one error type of qrstack and its HTTP mapping.

Handlers raise `ApiError` (or a subclass helper below); the error middleware in
`qrstack_common.http` turns it into the envelope every client sees:

    {"error": "machine_code", "detail": "human sentence", "issues": [...]}

`issues` is present only on 400 `validation_failed` and lists every failing field with its
path (a list of keys and indexes) and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STATUS_BY_CODE: Mapping[str, int] = {
    "validation_failed": 400,
    "bad_request": 400,
    "unauthorized": 401,
    "plan_limit_exceeded": 402,
    "forbidden": 403,
    "ip_not_allowed": 403,
    "account_locked": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "slug_taken": 409,
    "conflict": 409,
    "file_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "internal": 500,
    "bad_gateway": 502,
    "unavailable": 503,
}


@dataclass(frozen=True)
class Issue:
    """One failing input field: where it is and why it was refused."""

    path: tuple[str | int, ...]
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "reason": self.reason}


@dataclass
class ApiError(Exception):
    """An error a client is meant to see. `code` must be a key of STATUS_BY_CODE."""

    code: str
    detail: str
    issues: Sequence[Issue] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in STATUS_BY_CODE:
            raise ValueError(f"unknown error code {self.code!r}")
        super().__init__(self.detail)

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.code, "detail": self.detail}
        if self.issues:
            out["issues"] = [issue.as_json() for issue in self.issues]
        return out


def validation_failed(issues: Iterable[Issue], detail: str | None = None) -> ApiError:
    """A 400 listing every failing field."""
    listed = list(issues)
    if detail is None:
        first = listed[0] if listed else None
        where = ".".join(str(p) for p in first.path) if first and first.path else "body"
        detail = f"{where}: {first.reason}" if first else "The request is not valid."
        if len(listed) > 1:
            detail += f" (and {len(listed) - 1} more)"
    return ApiError("validation_failed", detail, listed)


def not_found(what: str = "Resource") -> ApiError:
    return ApiError("not_found", f"{what} not found.")


def issues_from_pydantic(errors: Iterable[Mapping[str, Any]]) -> list[Issue]:
    """Convert `ValidationError.errors()` into our issues, one per failing field."""
    out: list[Issue] = []
    for err in errors:
        loc = tuple(p for p in err.get("loc", ()) if isinstance(p, str | int))
        msg = str(err.get("msg", "invalid value"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        out.append(Issue(loc, msg))
    return out

"""The one error type of qrstack and its HTTP mapping.

Handlers raise `ApiError` (or a subclass helper below); the error middleware in
`qrstack_common.http` turns it into the envelope every client sees:

    {"error": "machine_code", "detail": "human sentence", "issues": [...]}

`issues` is present only on 400 `validation_failed` and lists every failing field the way a
Zod-validated API does: `path` (a list of keys and indexes), `message` (why), `code` (Zod's
issue code: `invalid_type`, `too_small`, `too_big`, `invalid_string`, `invalid_enum_value`,
`unrecognized_keys`, `invalid_date`, `custom`), plus `reason` (= `message`, qrstack's earlier
name, kept for existing clients).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qrstack_common.suggest import model_at, unknown_key_reason, wire_names

if TYPE_CHECKING:
    from pydantic import BaseModel

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
    "range_not_satisfiable": 416,
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
    code: str = "custom"

    def as_json(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "message": self.reason,
            "code": self.code,
            "reason": self.reason,
        }


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


# pydantic error type (or its prefix/suffix) → Zod issue code.
_ZOD_CODES: Mapping[str, str] = {
    "missing": "invalid_type",
    "extra_forbidden": "unrecognized_keys",
    "literal_error": "invalid_enum_value",
    "enum": "invalid_enum_value",
    "string_pattern_mismatch": "invalid_string",
    "url_parsing": "invalid_string",
    "url_scheme": "invalid_string",
    "url_syntax_violation": "invalid_string",
    "url_too_long": "too_big",
    "string_too_short": "too_small",
    "too_short": "too_small",
    "greater_than": "too_small",
    "greater_than_equal": "too_small",
    "string_too_long": "too_big",
    "too_long": "too_big",
    "less_than": "too_big",
    "less_than_equal": "too_big",
    "value_error": "custom",
    "assertion_error": "custom",
}


def zod_code(pydantic_type: str) -> str:
    """The Zod issue code closest to a pydantic error type."""
    if pydantic_type in _ZOD_CODES:
        return _ZOD_CODES[pydantic_type]
    if pydantic_type.startswith(("datetime", "date", "time", "timezone")):
        return "invalid_date"
    if pydantic_type.endswith(("_type", "_parsing")):
        return "invalid_type"
    return "custom"


def issues_from_pydantic(
    errors: Iterable[Mapping[str, Any]],
    model: type[BaseModel] | None = None,
    *,
    extra_keys: Iterable[str] = (),
) -> list[Issue]:
    """Convert `ValidationError.errors()` into our issues, one per failing field. Given the
    `model` that was validated, an unknown key's reason names the key it probably meant and
    the valid ones (`extra_keys`: more keys valid at the top level, read by someone else)."""
    out: list[Issue] = []
    for err in errors:
        loc = tuple(p for p in err.get("loc", ()) if isinstance(p, str | int))
        msg = str(err.get("msg", "invalid value"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if err.get("type") == "extra_forbidden" and model is not None and loc:
            owner = model_at(model, loc[:-1])
            if owner is not None:
                valid = [*wire_names(owner), *(extra_keys if len(loc) == 1 else ())]
                msg = unknown_key_reason(str(loc[-1]), valid)
        out.append(Issue(loc, msg, zod_code(str(err.get("type", "")))))
    return out

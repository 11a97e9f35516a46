"""Identifiers as /v1 and its webhook events show them: TurtleQR's prefixed form, `code_` +
the UUID's 32 hex digits.

Every resource is stored under a UUID; /v1 writes it with its kind's prefix (`code_…`,
`ws_…`, `folder_…`, `rule_…`, `key_…`, `domain_…`, `user_…`, `inv_…`, `sub_…`) and reads back
either that form or the bare UUID qrstack issued before (with or without dashes), so stored
ids keep working. The spelling is reversible without a lookup, like RecodeQR's `qr_` + hex.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

Kind = Literal[
    "code", "workspace", "folder", "rule", "key", "domain", "user", "invite", "submission"
]

PREFIXES: dict[Kind, str] = {
    "code": "code_",
    "workspace": "ws_",
    "folder": "folder_",
    "rule": "rule_",
    "key": "key_",
    "domain": "domain_",
    "user": "user_",
    "invite": "inv_",
    "submission": "sub_",
}
_HEX = r"[0-9a-fA-F]{32}"
_DASHED = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_FORMS = {
    kind: re.compile(rf"{prefix}({_HEX})|({_DASHED})|({_HEX})") for kind, prefix in PREFIXES.items()
}

# A path segment that may be an id of any kind (routes check the kind with `parse_id`).
PATH_PATTERN = rf"(?:[a-z]{{1,8}}_{_HEX}|{_DASHED}|{_HEX})"


def public_id(kind: Kind, value: UUID) -> str:
    """The id as /v1 writes it: `code_7c9e6679742540de944be07fc1f90ae7`."""
    return PREFIXES[kind] + value.hex


def parse_id(kind: Kind, text: str) -> UUID | None:
    """The UUID `text` names as an id of `kind` (prefixed, or a bare UUID); None if it is not
    one (another kind's prefix, or no id at all)."""
    match = _FORMS[kind].fullmatch(text.strip())
    if match is None:
        return None
    return UUID(next(group for group in match.groups() if group is not None))


def _reader(kind: Kind) -> Any:
    def read(value: Any) -> Any:
        if isinstance(value, str):
            parsed = parse_id(kind, value)
            if parsed is None:
                raise ValueError(
                    f"must be a {kind} id ({PREFIXES[kind]} followed by 32 hex digits)"
                )
            return parsed
        return value

    return read


def _writer(kind: Kind) -> Any:
    def write(value: UUID) -> str:
        return public_id(kind, value)

    return write


def _schema(kind: Kind) -> dict[str, Any]:
    example = PREFIXES[kind] + "7c9e6679742540de944be07fc1f90ae7"
    return {
        "type": "string",
        "examples": [example],
        "description": f"A {kind} id: {PREFIXES[kind]} and 32 hex digits (a bare UUID is also "
        "read).",
    }


CodeId = Annotated[
    UUID,
    BeforeValidator(_reader("code")),
    PlainSerializer(_writer("code"), return_type=str),
    WithJsonSchema(_schema("code")),
]
WorkspaceId = Annotated[
    UUID,
    BeforeValidator(_reader("workspace")),
    PlainSerializer(_writer("workspace"), return_type=str),
    WithJsonSchema(_schema("workspace")),
]
FolderId = Annotated[
    UUID,
    BeforeValidator(_reader("folder")),
    PlainSerializer(_writer("folder"), return_type=str),
    WithJsonSchema(_schema("folder")),
]
RuleId = Annotated[
    UUID,
    BeforeValidator(_reader("rule")),
    PlainSerializer(_writer("rule"), return_type=str),
    WithJsonSchema(_schema("rule")),
]
KeyId = Annotated[
    UUID,
    BeforeValidator(_reader("key")),
    PlainSerializer(_writer("key"), return_type=str),
    WithJsonSchema(_schema("key")),
]
DomainId = Annotated[
    UUID,
    BeforeValidator(_reader("domain")),
    PlainSerializer(_writer("domain"), return_type=str),
    WithJsonSchema(_schema("domain")),
]
UserId = Annotated[
    UUID,
    BeforeValidator(_reader("user")),
    PlainSerializer(_writer("user"), return_type=str),
    WithJsonSchema(_schema("user")),
]
InviteId = Annotated[
    UUID,
    BeforeValidator(_reader("invite")),
    PlainSerializer(_writer("invite"), return_type=str),
    WithJsonSchema(_schema("invite")),
]
SubmissionId = Annotated[
    UUID,
    BeforeValidator(_reader("submission")),
    PlainSerializer(_writer("submission"), return_type=str),
    WithJsonSchema(_schema("submission")),
]

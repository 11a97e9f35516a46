"""Identifiers as /v1 and its webhook events show them: TurtleQR's prefixed form, `code_` +
the UUID's 32 hex digits.

Every resource is stored under a UUID; /v1 writes it with its kind's prefix (`code_…`,
`ws_…`, `folder_…`, `rule_…`, `key_…`, `domain_…`, `user_…`, `inv_…`, `sub_…`) and reads back
either that form or the bare UUID qrstack issued before (with or without dashes), so stored
ids keep working. The spelling is reversible without a lookup, like RecodeQR's `qr_` + hex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BeforeValidator, GetCoreSchemaHandler, PlainSerializer, WithJsonSchema
from pydantic_core import CoreSchema

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


@dataclass(frozen=True)
class PrefixedId:
    """The annotation that makes a `UUID` field a /v1 id of `kind`: it reads the prefixed form
    or a bare UUID, writes the prefixed form, and shows it so in the JSON Schema."""

    kind: Kind

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return handler(
            Annotated[
                source,
                BeforeValidator(self._read),
                PlainSerializer(self._write, return_type=str),
                WithJsonSchema(self._schema()),
            ]
        )

    def _read(self, value: Any) -> Any:
        if isinstance(value, str):
            parsed = parse_id(self.kind, value)
            if parsed is None:
                raise ValueError(
                    f"must be a {self.kind} id ({PREFIXES[self.kind]} followed by 32 hex digits)"
                )
            return parsed
        return value

    def _write(self, value: UUID) -> str:
        return public_id(self.kind, value)

    def _schema(self) -> dict[str, Any]:
        prefix = PREFIXES[self.kind]
        return {
            "type": "string",
            "examples": [prefix + "7c9e6679742540de944be07fc1f90ae7"],
            "description": f"A {self.kind} id: {prefix} and 32 hex digits (a bare UUID is also "
            "read).",
        }


CodeId = Annotated[UUID, PrefixedId("code")]
WorkspaceId = Annotated[UUID, PrefixedId("workspace")]
FolderId = Annotated[UUID, PrefixedId("folder")]
RuleId = Annotated[UUID, PrefixedId("rule")]
KeyId = Annotated[UUID, PrefixedId("key")]
DomainId = Annotated[UUID, PrefixedId("domain")]
UserId = Annotated[UUID, PrefixedId("user")]
InviteId = Annotated[UUID, PrefixedId("invite")]
SubmissionId = Annotated[UUID, PrefixedId("submission")]

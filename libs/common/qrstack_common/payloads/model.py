"""The base of every payload model: naming, strictness and the cross-field checks.

Field names are camelCase on the wire (TurtleQR's spelling), snake_case in Python; both
spellings are accepted, and a field may list other seeds' names as aliases (`alias`).
Unknown fields are refused so a misspelt field is reported instead of silently dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, AliasGenerator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel, to_snake

from qrstack_common.errors import Issue


def alias(canonical: str, *others: str, **field_options: Any) -> Any:
    """A field accepted under `canonical` (its wire name), its snake_case form and each of
    `others` (other seeds' names for the same thing). `field_options` go to pydantic's
    `Field` (default, ...)."""
    names = dict.fromkeys((canonical, to_snake(canonical), *others))
    return Field(
        validation_alias=AliasChoices(*names),
        serialization_alias=canonical,
        **field_options,
    )


class PayloadPart(BaseModel):
    """A nested object inside a payload (a link, a menu section, an address...)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=AliasGenerator(
            validation_alias=lambda name: AliasChoices(to_camel(name), name),
            serialization_alias=to_camel,
        ),
        validate_by_name=True,
        validate_by_alias=True,
    )


class Payload(PayloadPart):
    """The validated content of one code type. Instances come from `validate_payload`."""

    def cross_field_issues(self) -> list[Issue]:
        """Rules that span several fields (a password required unless the network is open,
        an end after the start, ...). Paths start with the Python field name; the registry
        rewrites it to the spelling the client used. Empty when the payload is valid."""
        return []

    def as_json(self) -> dict[str, Any]:
        """The canonical JSON form (camelCase names, unset fields left out): what the API
        stores and returns, and what `validate_payload` accepts back unchanged."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

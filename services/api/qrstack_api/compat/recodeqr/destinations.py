"""RecodeQR's ten destinations: the fields of each one's `data`, exactly as seed 002 lists them.

The shared payload models (`qrstack_common.payloads`) already accept RecodeQR's field names as
aliases and do every type's validation and encoding. This table adds what the RecodeQR surface
documents on top: its required fields, its own length limits where they are stricter than the
shared model's (text 1024 instead of 1500, SMS message 255 instead of 1500), and its choices
(Wi-Fi encryption WPA/WEP/nopass, crypto currency bitcoin/ethereum). It also says how a stored
payload (camelCase, /v1's names) reads back in RecodeQR's names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic.alias_generators import to_snake

from qrstack_common.errors import Issue
from qrstack_common.payloads import PayloadType, find_type


@dataclass(frozen=True)
class DataField:
    """One documented field of a destination's `data`: RecodeQR's key, the key the shared
    model stores it under, and the seed's rules for it."""

    key: str
    stored: str
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Destination:
    name: str  # RecodeQR's word for it
    type_name: str  # the payload registry's
    fields: tuple[DataField, ...]


F = DataField
_CONTACT = (
    F("first_name", "firstName", required=True, max_length=255),
    F("last_name", "lastName", max_length=255),
    F("phone", "phones", max_length=20),
    F("email", "emails"),
)
DESTINATIONS: Mapping[str, Destination] = {
    d.name: d
    for d in (
        Destination("link", "url", (F("url", "targetUrl", required=True),)),
        Destination("text", "text", (F("text", "text", required=True, max_length=1024),)),
        Destination(
            "email",
            "email",
            (
                F("address", "to", required=True),
                F("subject", "subject", max_length=255),
                F("body", "body", max_length=1000),
            ),
        ),
        Destination(
            "vcard",
            "vcard",
            (
                *_CONTACT,
                F("org", "organization", max_length=255),
                F("title", "title", max_length=255),
                F("url", "website"),
                F("note", "notes", max_length=255),
            ),
        ),
        Destination(
            "sms",
            "sms",
            (
                F("phone", "number", required=True, max_length=20),
                F("message", "body", max_length=255),
            ),
        ),
        Destination("phone", "phone", (F("phone", "number", required=True, max_length=20),)),
        Destination(
            "wifi",
            "wifi",
            (
                F("ssid", "ssid", required=True, max_length=32),
                F("encryption", "encryption", choices=("WPA", "WEP", "nopass")),
                F("password", "password", max_length=63),
                F("hidden", "hidden"),
            ),
        ),
        Destination(
            "event",
            "event",
            (
                F("title", "title", required=True, max_length=255),
                F("date_start", "startsAt", required=True),
                F("date_end", "endsAt", required=True),
                F("location", "location", max_length=255),
                F("description", "description", max_length=255),
                F("timezone", "timezone"),
            ),
        ),
        Destination(
            "mecard",
            "mecard",
            (*_CONTACT, F("url", "website"), F("note", "notes", max_length=255)),
        ),
        Destination(
            "crypto",
            "crypto",
            (
                F("currency", "chain", choices=("bitcoin", "ethereum")),
                F("address", "address", required=True, max_length=256),
                F("amount", "amount"),
                F("label", "label", max_length=64),
                F("message", "message", max_length=64),
            ),
        ),
    )
}
_BY_TYPE = {d.type_name: d for d in DESTINATIONS.values()}
DOCUMENTED = ", ".join(DESTINATIONS)


def destination_type(name: object) -> PayloadType[Any] | None:
    """The payload type a RecodeQR `destination` names: one of the ten, or any other type
    qrstack has (codes made through /v1 keep their type's name here). None when unknown."""
    if not isinstance(name, str):
        return None
    documented = DESTINATIONS.get(name.strip().lower())
    return find_type(documented.type_name if documented else name)


def destination_name(type_name: str) -> str:
    """What RecodeQR calls a stored type (`url` is `link`)."""
    documented = _BY_TYPE.get(type_name)
    return documented.name if documented else type_name


def data_issues(type_name: str, data: Mapping[str, Any]) -> list[Issue]:
    """The seed's own rules for a destination's `data` (required fields, its length limits and
    choices), as issues under `data`. The shared model checks everything else."""
    destination = _BY_TYPE.get(type_name)
    if destination is None:
        return []
    issues: list[Issue] = []
    for field in destination.fields:
        value = data.get(field.key)
        if value is None or value == "":
            if field.required:
                issues.append(Issue(("data", field.key), "This field is required."))
            continue
        text = value if isinstance(value, str) else None
        if text is not None and field.max_length is not None and len(text) > field.max_length:
            issues.append(
                Issue(
                    ("data", field.key),
                    f"must be at most {field.max_length} characters (got {len(text)})",
                )
            )
        choices = {c.lower() for c in field.choices}
        if text is not None and choices and text.strip().lower() not in choices:
            issues.append(Issue(("data", field.key), f"must be one of {', '.join(field.choices)}"))
    if destination.name == "link":
        issues.extend(
            Issue(("data", key), "is not a field of link data (only url)")
            for key in data
            if key != "url"
        )
    return issues


def checked_data(type_name: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Issue]]:
    """`data_issues`, and the data for the shared model to validate: without the fields the
    seed's rules already refused, so each problem is reported once (a refused currency does
    not also make the address "not a valid dogecoin address")."""
    issues = data_issues(type_name, data)
    refused = {issue.path[1] for issue in issues if len(issue.path) > 1}
    return {k: v for k, v in data.items() if k not in refused}, issues


def data_field_name(type_name: str, key: str | int, sent: Collection[str]) -> str | int:
    """RecodeQR's name for a field the shared model reports under its stored name (a missing
    required field: `targetUrl` is `url`, `firstName` is `first_name`); a key the client sent
    stays as sent."""
    destination = _BY_TYPE.get(type_name)
    if destination is None or key in sent:
        return key
    return next((f.key for f in destination.fields if f.stored == key), key)


def _snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {to_snake(k): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def data_view(type_name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A stored payload in RecodeQR's names: the documented fields under their RecodeQR keys
    (one phone number or e-mail address as a string, as RecodeQR has them), and whatever else
    the code holds (set through /v1: a card's address, several phone numbers, a hosted page)
    in snake_case, which RecodeQR-style bodies send back unchanged."""
    destination = _BY_TYPE.get(type_name)
    rest = dict(payload)
    out: dict[str, Any] = {}
    for field in destination.fields if destination else ():
        if field.stored not in rest:
            continue
        value = rest[field.stored]
        if field.stored == "phones":
            if len(value) != 1:
                continue  # several: stays a list under `phones`
            if isinstance(value[0], dict):
                if set(value[0]) != {"number"}:
                    continue  # typed: stays a list under `phones`
                value = value[0]["number"]
            else:
                value = value[0]
        elif field.stored == "emails":
            if len(value) != 1:
                continue
            value = value[0]
        out[field.key] = value
        del rest[field.stored]
    defaults = _defaults(type_name)
    out.update(_snake({k: v for k, v in rest.items() if k not in defaults or defaults[k] != v}))
    return out


def _defaults(type_name: str) -> dict[str, Any]:
    """The default of each optional field of a type's model, by its stored key: a field left
    at its default (an event's `allDay: false`, a card's empty `phones`) is not shown."""
    payload_type = find_type(type_name)
    if payload_type is None:
        return {}
    out: dict[str, Any] = {}
    for name, info in payload_type.model.model_fields.items():
        if info.is_required():
            continue
        default = info.get_default(call_default_factory=True)
        out[info.serialization_alias or name] = default
    return out

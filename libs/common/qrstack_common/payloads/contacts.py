"""Contact cards: vCard 3.0 (RFC 2426, escaping per RFC 6350) and MeCard (DoCoMo).

vCard is 3.0, not 4.0: iOS garbles non-ASCII text in a 4.0 card without a CHARSET parameter,
and every reader takes 3.0 as UTF-8 in a QR code. Lines end with CRLF and are folded at 75
octets without splitting a character (`content_lines`).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from qrstack_common.errors import Issue
from qrstack_common.payloads.content_lines import content_lines, escape_text
from qrstack_common.payloads.fields import (
    NOT_EMPTY,
    EmailAddress,
    Line,
    PhoneNumber,
    Prose,
    WebUrl,
    at_most,
)
from qrstack_common.payloads.model import Payload, PayloadPart, alias

MAX_PHONES = 5
MAX_EMAILS = 5

Name = Annotated[Line, at_most(255)]  # RecodeQR: names, organisation, title: max 255


def _listed(value: Any) -> Any:
    """RecodeQR sends one `phone` / `email` string; a card holds a list of them."""
    return [value] if isinstance(value, str | dict) else value


class _KeepsShape(PayloadPart):
    """A part that may also be sent as one bare string (taken as its `BARE_FIELD`), and that
    reads back in the shape it was sent: a string stays a string (TurtleQR: "phones, emails
    and address in the shape sent")."""

    BARE_FIELD: ClassVar[str] = ""
    _bare: bool = PrivateAttr(False)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_shape(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, str):
            part = handler({cls.BARE_FIELD: value})
            part._bare = True
            return part
        return handler(value)

    @model_serializer(mode="wrap")
    def _as_sent(self, handler: SerializerFunctionWrapHandler) -> Any:
        return getattr(self, self.BARE_FIELD) if self._bare else handler(self)


class PhoneEntry(_KeepsShape):
    """A phone number and what kind it is; a bare string is a number of no particular kind."""

    BARE_FIELD: ClassVar[str] = "number"
    number: PhoneNumber
    type: Literal["mobile", "work", "home", "fax"] | None = None


class Address(_KeepsShape):
    """A postal address; a bare string is taken as the street line."""

    BARE_FIELD: ClassVar[str] = "street"
    street: Name | None = None
    city: Name | None = None
    region: Name | None = None
    postal_code: Annotated[Line, at_most(32)] | None = None
    country: Name | None = None


Phones = Annotated[
    list[PhoneEntry],
    Field(max_length=MAX_PHONES),
    BeforeValidator(_listed),
]
Emails = Annotated[list[EmailAddress], Field(max_length=MAX_EMAILS), BeforeValidator(_listed)]


class ContactFields(Payload):
    """What vCard and MeCard share. RecodeQR's singular `phone`, `email`, `url`, `note`
    are accepted for `phones`, `emails`, `website`, `notes`."""

    first_name: Name | None = None
    last_name: Name | None = None
    phones: Phones = alias("phones", "phone", default_factory=list)
    emails: Emails = alias("emails", "email", default_factory=list)
    website: WebUrl | None = alias("website", "url", default=None)
    notes: Annotated[Prose, at_most(255)] | None = alias("notes", "note", default=None)


class VCardPayload(ContactFields):
    """A vCard: at least one of firstName, lastName, organization (TurtleQR's rule)."""

    organization: Name | None = alias("organization", "org", default=None)
    title: Name | None = None
    address: Address | None = None

    def cross_field_issues(self) -> list[Issue]:
        if not (self.first_name or self.last_name or self.organization):
            return [
                Issue(("first_name",), "give at least one of firstName, lastName, organization")
            ]
        return []


_TEL_TYPES = {"mobile": "CELL", "work": "WORK", "home": "HOME", "fax": "FAX"}


def _full_name(card: ContactFields) -> str:
    return " ".join(part for part in (card.first_name, card.last_name) if part)


def encode_vcard(card: VCardPayload) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{escape_text(card.last_name or '')};{escape_text(card.first_name or '')};;;",
        f"FN:{escape_text(_full_name(card) or card.organization or '')}",
    ]
    if card.organization:
        lines.append(f"ORG:{escape_text(card.organization)}")
    if card.title:
        lines.append(f"TITLE:{escape_text(card.title)}")
    for phone in card.phones:
        kind = f";TYPE={_TEL_TYPES[phone.type]}" if phone.type else ""
        lines.append(f"TEL{kind}:{escape_text(phone.number)}")
    lines.extend(f"EMAIL;TYPE=INTERNET:{escape_text(email)}" for email in card.emails)
    if card.website:
        lines.append(f"URL:{card.website}")  # a URI value: not TEXT, so not escaped
    if card.address:
        a = card.address
        parts = ("", "", a.street, a.city, a.region, a.postal_code, a.country)
        lines.append("ADR:" + ";".join(escape_text(p or "") for p in parts))
    if card.notes:
        lines.append(f"NOTE:{escape_text(card.notes)}")
    lines.append("END:VCARD")
    return content_lines(lines)


# --------------------------------------------------------------------------------------------
# MeCard


class MeCardPayload(ContactFields):
    """A MeCard (RecodeQR): `firstName` is required."""

    first_name: Annotated[Name, NOT_EMPTY]


_MECARD_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", ":": "\\:"})


def escape_mecard(value: str) -> str:
    """DoCoMo's rule: backslash, semicolon, comma and colon get a backslash. Newlines need
    none (fields end at an unescaped semicolon)."""
    return value.translate(_MECARD_ESCAPES)


def encode_mecard(card: MeCardPayload) -> str:
    name = escape_mecard(card.first_name)
    if card.last_name:
        name = f"{escape_mecard(card.last_name)},{name}"  # "Last,First"
    fields = [f"N:{name}"]
    fields.extend(f"TEL:{escape_mecard(phone.number)}" for phone in card.phones)
    fields.extend(f"EMAIL:{escape_mecard(email)}" for email in card.emails)
    if card.website:
        fields.append(f"URL:{escape_mecard(card.website)}")
    if card.notes:
        fields.append(f"NOTE:{escape_mecard(card.notes)}")
    return "MECARD:" + "".join(field + ";" for field in fields) + ";"

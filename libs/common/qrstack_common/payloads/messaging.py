"""Codes that start a message or a call: e-mail (mailto, RFC 6068), phone (tel:, RFC 3966),
SMS (`SMSTO:`) and WhatsApp (wa.me click-to-chat)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator

from qrstack_common.payloads.fields import (
    EmailAddress,
    Line,
    PhoneNumber,
    Prose,
    at_most,
    dialable,
)
from qrstack_common.payloads.model import Payload, alias

MESSAGE_MAX_LENGTH = 1500  # TurtleQR's SMS body; RecodeQR's SMS message is 255


def _percent(value: str) -> str:
    """RFC 3986 percent-encoding of UTF-8: only unreserved characters stay as they are, so
    a space is %20 (never +, which mail clients show literally) and &, =, # are data."""
    return quote(value, safe="")


class EmailPayload(Payload):
    """`to` (RecodeQR: `address`), optional `subject` (255) and `body` (1000)."""

    to: EmailAddress = alias("to", "address", "email")
    subject: Annotated[Line, at_most(255)] | None = None
    body: Annotated[Prose, at_most(1000)] | None = None


def encode_email(payload: EmailPayload) -> str:
    """`mailto:addr?subject=…&body=…`; line breaks in the body become %0D%0A (RFC 6068 §5)."""
    out = "mailto:" + quote(payload.to, safe="@+")
    fields = []
    if payload.subject:
        fields.append("subject=" + _percent(payload.subject))
    if payload.body:
        fields.append("body=" + _percent(payload.body.replace("\n", "\r\n")))
    return out + ("?" + "&".join(fields) if fields else "")


class PhonePayload(Payload):
    """`number` (RecodeQR: `phone`): digits, +, spaces, parentheses, dashes; max 20."""

    number: PhoneNumber = alias("number", "phone")


def encode_phone(payload: PhonePayload) -> str:
    return "tel:" + dialable(payload.number)


class SmsPayload(Payload):
    """`number` (RecodeQR: `phone`) and an optional `body` (RecodeQR: `message`), max 1500."""

    number: PhoneNumber = alias("number", "phone")
    body: Annotated[Prose, at_most(MESSAGE_MAX_LENGTH)] | None = alias(
        "body", "message", default=None
    )


def encode_sms(payload: SmsPayload) -> str:
    """`SMSTO:number:body`. The body needs no escaping: readers split at the first colon
    after the number, which has none. (The `sms:` URI loses the body on iOS.)"""
    return f"SMSTO:{dialable(payload.number)}:{payload.body or ''}"


def _whatsapp_number(value: str) -> str:
    digits = sum(ch.isdigit() for ch in value)
    if not 7 <= digits <= 15:
        raise ValueError(f"must have 7 to 15 digits with the country code, got {digits}")
    return value


class WhatsAppPayload(Payload):
    """`number` with country code (7-15 digits) and an optional pre-filled `message`."""

    number: Annotated[PhoneNumber, AfterValidator(_whatsapp_number)] = alias("number", "phone")
    message: Annotated[Prose, at_most(MESSAGE_MAX_LENGTH)] | None = alias(
        "message", "text", default=None
    )


def encode_whatsapp(payload: WhatsAppPayload) -> str:
    """`https://wa.me/<digits>?text=…` (wa.me wants the number without + or separators)."""
    url = "https://wa.me/" + dialable(payload.number).removeprefix("+")
    return url + ("?text=" + _percent(payload.message) if payload.message else "")


def redirect_whatsapp(payload: WhatsAppPayload, os: str | None) -> str:
    return encode_whatsapp(payload)

"""SEPA credit transfers: the EPC QR code ("GiroCode", EPC069-12, version 002).

Fixed line order, LF separated, empty lines kept in the middle (a reader counts lines), UTF-8
(character set 1), at most 331 bytes. The standard requires error correction level M.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from qrstack_common.errors import Issue
from qrstack_common.payloads.fields import NOT_EMPTY, Line, at_most
from qrstack_common.payloads.model import Payload, alias

MAX_OCTETS = 331
ERROR_CORRECTION = "M"


def _mod97(alphanumeric: str) -> int:
    """ISO 7064 MOD 97-10 over letters-as-numbers (A=10 … Z=35), as IBAN and RF use it."""
    return int("".join(str(int(ch, 36)) for ch in alphanumeric)) % 97


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _iban(value: str) -> str:
    iban = _compact(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        raise ValueError("must be an IBAN: country code, 2 check digits, up to 30 letters/digits")
    if _mod97(iban[4:] + iban[:4]) != 1:
        raise ValueError("is not a valid IBAN (its check digits do not match)")
    return iban


def _bic(value: str) -> str:
    bic = _compact(value)
    if not re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?", bic):
        raise ValueError("must be a BIC of 8 or 11 characters, like DEUTDEFF or DEUTDEFF500")
    return bic


def _purpose(value: str) -> str:
    code = _compact(value)
    if not re.fullmatch(r"[A-Z]{4}", code):
        raise ValueError("must be a 4-letter ISO 20022 purpose code, like CHAR or GDDS")
    return code


def _creditor_reference(value: str) -> str:
    ref = _compact(value)
    if not re.fullmatch(r"RF[0-9]{2}[A-Z0-9]{1,21}", ref) or _mod97(ref[4:] + ref[:4]) != 1:
        raise ValueError("must be an ISO 11649 creditor reference (RF, check digits, reference)")
    return ref


class EpcPayload(Payload):
    """`name` of the beneficiary (max 70), `iban`, optional `bic`, `amount` in euro
    (0.01-999999999.99), `purpose` code, and either a structured `reference` (RF…) or a
    remittance `text` (max 140), plus `information` for the payer (max 70)."""

    name: Annotated[Line, NOT_EMPTY, at_most(70)] = alias("name", "beneficiary")
    iban: Annotated[str, AfterValidator(_iban)]
    bic: Annotated[str, AfterValidator(_bic)] | None = None
    amount: (
        Annotated[
            Decimal,
            Field(
                ge=Decimal("0.01"),
                le=Decimal("999999999.99"),
                decimal_places=2,
                allow_inf_nan=False,
            ),
        ]
        | None
    ) = None
    purpose: Annotated[str, AfterValidator(_purpose)] | None = None
    reference: Annotated[str, AfterValidator(_creditor_reference)] | None = None
    text: Annotated[Line, at_most(140)] | None = alias("text", "remittanceText", default=None)
    information: Annotated[Line, at_most(70)] | None = None

    def cross_field_issues(self) -> list[Issue]:
        if self.reference and self.text:
            return [Issue(("text",), "give either a reference or a text, not both")]
        octets = len(encode_epc(self).encode("utf-8"))
        if octets > MAX_OCTETS:
            return [Issue((), f"the payment code is {octets} bytes; EPC allows {MAX_OCTETS}")]
        return []


def encode_epc(payload: EpcPayload) -> str:
    lines = [
        "BCD",
        "002",
        "1",  # character set: UTF-8
        "SCT",
        payload.bic or "",
        payload.name,
        payload.iban,
        f"EUR{payload.amount:.2f}" if payload.amount is not None else "",
        payload.purpose or "",
        payload.reference or "",
        payload.text or "",
        payload.information or "",
    ]
    while not lines[-1]:
        lines.pop()  # trailing empty elements may be left out; the middle ones may not
    return "\n".join(lines)

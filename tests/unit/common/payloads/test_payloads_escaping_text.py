"""Property tests for the one-string formats: arbitrary Unicode in free-text fields is
encoded, parsed back by a small reader written here from each format's rules, and comes back
exactly (Wi-Fi, MeCard, mailto, SMSTO, wa.me, geo, BIP21 / Solana Pay, EPC)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TypeVar
from urllib.parse import unquote

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qrstack_common.errors import ApiError
from qrstack_common.payloads import Payload, encode_payload, validate_payload
from qrstack_common.payloads.contacts import MeCardPayload
from qrstack_common.payloads.crypto import CryptoPayload
from qrstack_common.payloads.epc import EpcPayload
from qrstack_common.payloads.location import LocationPayload
from qrstack_common.payloads.messaging import EmailPayload, SmsPayload, WhatsAppPayload
from qrstack_common.payloads.wifi import WifiPayload

FAST = settings(max_examples=200, deadline=None)

LINE_CHARS = st.one_of(
    st.sampled_from("\\;,:\"'&=?#%+()@ \t"),
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
)
PROSE_CHARS = st.one_of(LINE_CHARS, st.sampled_from("\n\r"))


def line(min_size: int = 0, max_size: int = 64) -> st.SearchStrategy[str]:
    return st.text(LINE_CHARS, min_size=min_size, max_size=max_size)


def prose(max_size: int) -> st.SearchStrategy[str]:
    return st.text(PROSE_CHARS, max_size=max_size)


P = TypeVar("P", bound=Payload)


def valid(type_name: str, data: dict[str, object], model: type[P]) -> P:
    """The validated payload; examples the model refuses (blank names...) are skipped."""
    try:
        payload = validate_payload(type_name, data)
    except ApiError:
        assume(False)
        raise
    assert isinstance(payload, model)
    return payload


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split at separators not preceded by an escaping backslash; escapes are kept."""
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\":
            assert i + 1 < len(text), f"dangling backslash in {text!r}"
            current += text[i : i + 2]
            i += 2
        elif text[i] == separator:
            parts.append(current)
            current, i = "", i + 1
        else:
            current, i = current + text[i], i + 1
    parts.append(current)
    return parts


def unescape_backslashes(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value, flags=re.DOTALL)


def query(text: str) -> dict[str, str]:
    """Percent-decoding of `k=v&k=v`. A raw '+' is refused: form-style readers take it for a
    space, so data must carry it as %2B (and a space as %20)."""
    assert " " not in text
    assert "+" not in text
    pairs = [pair.split("=", 1) for pair in text.split("&")] if text else []
    return {k: unquote(v, errors="strict") for k, v in pairs}


# ------------------------------------------------------------------------------------------
# Wi-Fi


def parse_wifi(text: str) -> dict[str, str]:
    assert text.startswith("WIFI:")
    assert text.endswith(";;")
    fields = split_unescaped(text[len("WIFI:") : -1], ";")
    assert fields[-1] == ""
    out = {}
    for field in fields[:-1]:
        key, sep, value = field.partition(":")
        assert sep
        assert key in "TSPH"
        assert not re.search(r"[;,:\\]", re.sub(r"\\.", "", value, flags=re.DOTALL)), value
        out[key] = unescape_backslashes(value)
    return out


@FAST
@given(
    ssid=line(1, 32),
    password=line(8, 63),
    encryption=st.sampled_from(["WPA", "WEP"]),
    hidden=st.booleans(),
)
def test_wifi_ssid_and_password_survive(
    ssid: str, password: str, encryption: str, hidden: bool
) -> None:
    assume(len(ssid.encode("utf-8")) <= 32)
    payload = valid(
        "wifi",
        {"ssid": ssid, "password": password, "encryption": encryption, "hidden": hidden},
        WifiPayload,
    )
    parsed = parse_wifi(encode_payload(payload))
    assert parsed["S"] == ssid  # kept exactly: no trimming of network names
    assert parsed["P"] == password
    assert parsed["T"] == encryption
    assert parsed.get("H") == ("true" if hidden else None)


# ------------------------------------------------------------------------------------------
# MeCard


def parse_mecard(text: str) -> dict[str, list[str]]:
    assert text.startswith("MECARD:")
    assert text.endswith(";;")
    fields = split_unescaped(text[len("MECARD:") : -1], ";")
    assert fields[-1] == ""
    out: dict[str, list[str]] = {}
    for field in fields[:-1]:
        key, sep, value = field.partition(":")
        assert sep
        out.setdefault(key, []).append(value)
    return out


@FAST
@given(first=line(1, 255), last=line(0, 255), notes=prose(255))
def test_mecard_fields_survive(first: str, last: str, notes: str) -> None:
    card = valid(
        "mecard",
        {
            "firstName": first,
            "lastName": last,
            "notes": notes,
            "url": "https://example.com/a;b,c:d",
        },
        MeCardPayload,
    )
    fields = parse_mecard(encode_payload(card))
    name = [unescape_backslashes(p) for p in split_unescaped(fields["N"][0], ",")]
    expected = [card.last_name, card.first_name] if card.last_name else [card.first_name]
    assert name == expected
    assert [unescape_backslashes(v) for v in fields.get("NOTE", [])] == (
        [card.notes] if card.notes else []
    )
    assert unescape_backslashes(fields["URL"][0]) == "https://example.com/a;b,c:d"


# ------------------------------------------------------------------------------------------
# mailto (RFC 6068)


LOCAL_PART = st.text(alphabet="abcXYZ019.!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=20)


@FAST
@given(local=LOCAL_PART, subject=line(0, 255), body=prose(1000))
def test_mailto_address_subject_and_body_survive(local: str, subject: str, body: str) -> None:
    payload = valid(
        "email", {"to": f"{local}@example.com", "subject": subject, "body": body}, EmailPayload
    )
    text = encode_payload(payload)
    assert text.startswith("mailto:")
    to, _, rest = text[len("mailto:") :].partition("?")
    assert unquote(to) == f"{local}@example.com"
    fields = query(rest)
    assert fields.get("subject", "") == (payload.subject or "")
    body_sent = fields.get("body", "")
    assert "\n" not in body_sent.replace("\r\n", "")  # every line break is CRLF (RFC 6068 §5)
    assert body_sent.replace("\r\n", "\n") == (payload.body or "")


# ------------------------------------------------------------------------------------------
# SMSTO and wa.me


@FAST
@given(body=prose(1500))
def test_sms_body_survives(body: str) -> None:
    payload = valid("sms", {"number": "+1 (555) 010-0199", "body": body}, SmsPayload)
    scheme, number, sent = encode_payload(payload).split(":", 2)
    assert (scheme, number) == ("SMSTO", "+15550100199")
    assert sent == (payload.body or "")


@FAST
@given(message=prose(1500))
def test_whatsapp_message_survives(message: str) -> None:
    payload = valid(
        "whatsapp", {"number": "+49 151 2345 6789", "message": message}, WhatsAppPayload
    )
    base, _, rest = encode_payload(payload).partition("?")
    assert base == "https://wa.me/4915123456789"
    assert query(rest).get("text", "") == (payload.message or "")


# ------------------------------------------------------------------------------------------
# geo


GEO = re.compile(r"geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:\?q=\1,\2\(([^()]*)\))?")


@FAST
@given(
    lat=st.floats(min_value=-90, max_value=90),
    lon=st.floats(min_value=-180, max_value=180),
    label=line(0, 255),
)
def test_geo_point_and_label_survive(lat: float, lon: float, label: str) -> None:
    payload = valid(
        "location", {"latitude": lat, "longitude": lon, "label": label}, LocationPayload
    )
    match = GEO.fullmatch(encode_payload(payload))
    assert match, encode_payload(payload)
    assert float(match.group(1)) == payload.latitude
    assert float(match.group(2)) == payload.longitude
    assert abs(payload.latitude - lat) <= 5e-8
    assert unquote(match.group(3) or "") == (payload.label or "")


# ------------------------------------------------------------------------------------------
# BIP21 and Solana Pay


@FAST
@given(
    chain=st.sampled_from(["bitcoin", "solana"]),
    amount=st.decimals(min_value=0, max_value=10**6, places=8, allow_nan=False),
    label=line(0, 64),
    message=line(0, 64),
)
def test_payment_request_amount_label_and_message_survive(
    chain: str, amount: Decimal, label: str, message: str
) -> None:
    address = {
        "bitcoin": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "solana": "mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN",
    }[chain]
    payload = valid(
        "crypto",
        {
            "chain": chain,
            "address": address,
            "amount": str(amount),
            "label": label,
            "message": message,
        },
        CryptoPayload,
    )
    base, _, rest = encode_payload(payload).partition("?")
    assert base == f"{chain}:{address}"
    fields = query(rest)
    assert "e" not in fields.get("amount", "").lower()  # never an exponent
    assert Decimal(fields.get("amount", "0")) == amount
    assert fields.get("label", "") == (payload.label or "")
    assert fields.get("message", "") == (payload.message or "")


@FAST
@given(amount=st.decimals(min_value=0, max_value=10**6, places=18, allow_nan=False))
def test_ethereum_value_is_the_exact_amount_in_wei(amount: Decimal) -> None:
    payload = valid(
        "crypto",
        {"chain": "ethereum", "address": "0x" + "ab" * 20, "amount": str(amount)},
        CryptoPayload,
    )
    base, _, rest = encode_payload(payload).partition("?")
    assert base == "ethereum:0x" + "ab" * 20
    assert int(query(rest).get("value", "0")) == amount * 10**18


# ------------------------------------------------------------------------------------------
# EPC


@FAST
@given(
    name=line(1, 70),
    text=line(0, 140),
    information=line(0, 70),
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2),
)
def test_epc_fields_survive_on_their_lines(
    name: str, text: str, information: str, amount: Decimal
) -> None:
    payload = valid(
        "epc",
        {
            "name": name,
            "iban": "DE89370400440532013000",
            "amount": str(amount),
            "text": text,
            "information": information,
        },
        EpcPayload,
    )
    encoded = encode_payload(payload)
    assert len(encoded.encode("utf-8")) <= 331
    lines = encoded.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    lines += [""] * (12 - len(lines))  # trailing empty elements may be left out
    assert len(lines) == 12
    assert lines[5] == payload.name
    assert lines[7] == f"EUR{amount:.2f}"
    assert lines[10] == (payload.text or "")
    assert lines[11] == (payload.information or "")

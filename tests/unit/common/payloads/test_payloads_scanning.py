"""A real reader gets the exact payload: rendered with segno, decoded with zxing-cpp."""

from __future__ import annotations

import io

import pytest
import segno
import zxingcpp
from PIL import Image

from qrstack_common.payloads import encode_payload, validate_payload


def decoded(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    buffer.seek(0)
    results = zxingcpp.read_barcodes(Image.open(buffer))
    assert results, "nothing decoded"
    found: str = results[0].text
    return found


SCANNED: list[tuple[str, dict[str, object]]] = [
    ("url", {"targetUrl": "https://example.com/autumn-menu?utm_source=print&x=%20"}),
    ("text", {"text": "Grüße aus Köln 👋\nzweite Zeile"}),
    ("wifi", {"ssid": 'Café;"Net"', "encryption": "WPA", "password": "pa:ss\\w,o;rd"}),
    (
        "vcard",
        {
            "firstName": "Jürgen",
            "lastName": "Müller-Lüdenscheidt",
            "organization": "Städtische Bühnen, Köln",
            "phones": ["+49 221 123456"],
            "emails": ["j.mueller@example.de"],
            "notes": "Ansprechpartner für Presse; Termine nach Absprache.\n"
            "日本語のメモ — 長い行は折り返されます 😀😀😀",
        },
    ),
    ("mecard", {"first_name": "Zoë", "last_name": "O'Neil", "note": "a;b,c:d\\e"}),
    (
        "event",
        {
            "title": "Sommerfest, Hof 2; Eintritt frei",
            "startsAt": "2026-07-04T18:00:00",
            "endsAt": "2026-07-04T23:30:00",
            "timezone": "Europe/Berlin",
            "location": "Hof 2, Köln",
            "description": "Bring Freunde mit\nund gute Laune 🎉",
        },
    ),
    ("email", {"to": "presse@example.de", "subject": "Anfrage: Sommerfest", "body": "Hallo,\nwir"}),
    ("sms", {"number": "+49 151 2345 6789", "body": "Ja: ich komme! 👍"}),
    ("whatsapp", {"number": "+49 151 2345 6789", "message": "Hallo & willkommen"}),
    ("location", {"latitude": 50.9413, "longitude": 6.9583, "label": "Kölner Dom (Süd)"}),
    (
        "crypto",
        {
            "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "amount": "0.00042",
            "label": "Café Nord",
            "message": "Rechnung #42",
        },
    ),
    (
        "crypto",
        {
            "chain": "usdc-eth",
            "address": "0xfb6916095ca1df60bb79Ce92cE3Ea74c37c5d359",
            "amount": "5",
        },
    ),
    ("social", {"platform": "tiktok", "handle": "@khaby.lame"}),
    (
        "epc",
        {
            "name": "Förderverein Stadtbücherei e.V.",
            "iban": "DE89 3704 0044 0532 0130 00",
            "bic": "COBADEFFXXX",
            "amount": "25.00",
            "text": "Spende Sommerfest – danke!",
        },
    ),
]


@pytest.mark.parametrize(
    ("type_name", "data"), SCANNED, ids=[f"{t}-{i}" for i, (t, _) in enumerate(SCANNED)]
)
def test_a_reader_decodes_the_exact_payload(type_name: str, data: dict[str, object]) -> None:
    payload = encode_payload(validate_payload(type_name, data))
    assert decoded(payload) == payload

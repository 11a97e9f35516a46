"""Documented examples of every static type encode to the exact string its standard wants."""

from __future__ import annotations

import pytest

from qrstack_common.payloads import encode_payload, validate_payload

CRLF = "\r\n"

EXAMPLES: list[tuple[str, dict[str, object], str]] = [
    # url: TurtleQR's targetUrl, RecodeQR's link/url, U2QR's WEBSITE/url
    ("url", {"targetUrl": "https://example.com/autumn-menu"}, "https://example.com/autumn-menu"),
    ("link", {"url": "https://recodeqr.com/new-product"}, "https://recodeqr.com/new-product"),
    ("WEBSITE", {"url": "http://example.com/a?b=1&c=%20"}, "http://example.com/a?b=1&c=%20"),
    # text
    ("text", {"text": "Hello, world"}, "Hello, world"),
    ("TEXT", {"content": "Line 1\r\nLine 2"}, "Line 1\nLine 2"),
    # email: RFC 6068, %20 for spaces, CRLF in the body as %0D%0A
    (
        "email",
        {"to": "jane@example.com", "subject": "Hello there", "body": "Line one\nTwo & more"},
        "mailto:jane@example.com?subject=Hello%20there&body=Line%20one%0D%0ATwo%20%26%20more",
    ),
    ("email", {"address": "a+tag@example.com"}, "mailto:a+tag@example.com"),
    (
        "email",
        {"to": "x@example.org", "subject": "50% off?"},
        "mailto:x@example.org?subject=50%25%20off%3F",
    ),
    # phone
    ("phone", {"phone": "+1234567890"}, "tel:+1234567890"),
    ("phone", {"number": "+1 (555) 010-0199"}, "tel:+15550100199"),
    # sms: SMSTO:number:body, the body verbatim
    (
        "sms",
        {"phone": "+1234567890", "message": "Hi: see you at 5"},
        "SMSTO:+1234567890:Hi: see you at 5",
    ),
    ("sms", {"number": "555 0100"}, "SMSTO:5550100:"),
    # whatsapp
    (
        "whatsapp",
        {"number": "+49 151 2345 6789", "message": "Hallo, Welt!"},
        "https://wa.me/4915123456789?text=Hallo%2C%20Welt%21",
    ),
    ("whatsapp", {"number": "+1 555 010 0199"}, "https://wa.me/15550100199"),
    # wifi: \ ; , : escaped, " not, no quotes around values
    (
        "wifi",
        {"ssid": "My;Net", "encryption": "WPA", "password": "pa:ss;w,o\\rd"},
        "WIFI:T:WPA;S:My\\;Net;P:pa\\:ss\\;w\\,o\\\\rd;;",
    ),
    ("wifi", {"ssid": "Cafe Guest"}, "WIFI:T:nopass;S:Cafe Guest;;"),
    ("wifi", {"ssid": "Cafe", "encryption": "nopass", "password": ""}, "WIFI:T:nopass;S:Cafe;;"),
    (
        "wifi",
        {"ssid": "Lab", "encryption": "WEP", "password": "abcde", "hidden": True},
        "WIFI:T:WEP;S:Lab;P:abcde;H:true;;",
    ),
    (
        "wifi",
        {"ssid": '"Home"', "encryption": "wpa2", "password": '"quoted"'},
        'WIFI:T:WPA;S:"Home";P:"quoted";;',
    ),
    # vcard 3.0
    (
        "vcard",
        {
            "firstName": "Jane",
            "lastName": "Doe",
            "organization": "Acme, Inc.",
            "title": "CTO",
            "phones": [{"number": "+1 555 0100", "type": "mobile"}, "+1 555 0101"],
            "emails": ["jane@acme.example"],
            "website": "https://acme.example/jane",
            "address": {
                "street": "1 Main St; Suite 2",
                "city": "Springfield",
                "region": "IL",
                "postalCode": "62701",
                "country": "USA",
            },
            "notes": "Line 1\nLine 2",
        },
        CRLF.join(
            [
                "BEGIN:VCARD",
                "VERSION:3.0",
                "N:Doe;Jane;;;",
                "FN:Jane Doe",
                "ORG:Acme\\, Inc.",
                "TITLE:CTO",
                "TEL;TYPE=CELL:+1 555 0100",
                "TEL:+1 555 0101",
                "EMAIL;TYPE=INTERNET:jane@acme.example",
                "URL:https://acme.example/jane",
                "ADR:;;1 Main St\\; Suite 2;Springfield;IL;62701;USA",
                "NOTE:Line 1\\nLine 2",
                "END:VCARD",
                "",
            ]
        ),
    ),
    (
        "vcard",
        {"first_name": "John", "phone": "+1234567890", "email": "john@example.com", "org": "Shop"},
        CRLF.join(
            [
                "BEGIN:VCARD",
                "VERSION:3.0",
                "N:;John;;;",
                "FN:John",
                "ORG:Shop",
                "TEL:+1234567890",
                "EMAIL;TYPE=INTERNET:john@example.com",
                "END:VCARD",
                "",
            ]
        ),
    ),
    (
        "vcard",
        {"organization": "Städtische Bühnen"},
        CRLF.join(
            [
                "BEGIN:VCARD",
                "VERSION:3.0",
                "N:;;;;",
                "FN:Städtische Bühnen",
                "ORG:Städtische Bühnen",
                "END:VCARD",
                "",
            ]
        ),
    ),
    # mecard (RecodeQR's example)
    (
        "mecard",
        {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com"},
        "MECARD:N:Doe,John;EMAIL:john.doe@example.com;;",
    ),
    (
        "mecard",
        {
            "firstName": "Ann",
            "phone": "+1 555 0100",
            "url": "https://example.com",
            "note": "Call; or not",
        },
        "MECARD:N:Ann;TEL:+1 555 0100;URL:https\\://example.com;NOTE:Call\\; or not;;",
    ),
    # location: geo URI
    ("location", {"latitude": 48.8584, "longitude": 2.2945}, "geo:48.8584,2.2945"),
    ("geo", {"lat": -33.8568, "lng": 151.2153}, "geo:-33.8568,151.2153"),
    (
        "location",
        {"latitude": 48.8584, "longitude": 2.2945, "label": "Eiffel Tower (Paris)"},
        "geo:48.8584,2.2945?q=48.8584,2.2945(Eiffel%20Tower%20%28Paris%29)",
    ),
    ("location", {"latitude": 0.00000001, "longitude": -0.0}, "geo:0,0"),
    # crypto: BIP21, EIP-681, Solana Pay
    (
        "crypto",
        {"address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "amount": 0.05},
        "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=0.05",
    ),
    (
        "crypto",
        {
            "currency": "bitcoin",
            "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "amount": "0.00000001",
            "label": "Luke-Jr",
            "message": "Donation for project xyz",
        },
        "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.00000001&label=Luke-Jr"
        "&message=Donation%20for%20project%20xyz",
    ),
    (
        "crypto",
        {"address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "amount": 0},
        "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    ),
    (
        "crypto",
        {
            "currency": "ethereum",
            "address": "0xfb6916095ca1df60bb79Ce92cE3Ea74c37c5d359",
            "amount": "2.014",
        },
        "ethereum:0xfb6916095ca1df60bb79Ce92cE3Ea74c37c5d359?value=2014000000000000000",
    ),
    (
        "crypto",
        {
            "chain": "usdc-eth",
            "address": "0xfb6916095ca1df60bb79Ce92cE3Ea74c37c5d359",
            "amount": 12.5,
        },
        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer"
        "?address=0xfb6916095ca1df60bb79Ce92cE3Ea74c37c5d359&uint256=12500000",
    ),
    (
        "crypto",
        {
            "chain": "litecoin",
            "address": "LTC1QG82TKPZMPR8XUWVFZ4PLD0M5U2LGW9QAF4KDAT",
            "amount": 1,
        },
        "litecoin:LTC1QG82TKPZMPR8XUWVFZ4PLD0M5U2LGW9QAF4KDAT?amount=1",
    ),
    (
        "crypto",
        {"chain": "DOGE", "address": "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", "label": "Such wow"},
        "dogecoin:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L?label=Such%20wow",
    ),
    (
        "crypto",
        {
            "chain": "solana",
            "address": "mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN",
            "amount": "1.000000001",
        },
        "solana:mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN?amount=1.000000001",
    ),
    # social
    ("social", {"platform": "instagram", "handle": "@natgeo"}, "https://www.instagram.com/natgeo/"),
    (
        "social",
        {"platform": "tiktok", "handle": "khaby.lame"},
        "https://www.tiktok.com/@khaby.lame",
    ),
    ("social", {"platform": "Twitter", "handle": "jack"}, "https://x.com/jack"),
    ("social", {"platform": "facebook", "handle": "zuck"}, "https://www.facebook.com/zuck"),
    (
        "social",
        {"platform": "linkedin", "handle": "williamhgates"},
        "https://www.linkedin.com/in/williamhgates",
    ),
    ("social", {"platform": "youtube", "handle": "MrBeast"}, "https://www.youtube.com/@MrBeast"),
    (
        "social",
        {"platform": "snapchat", "handle": "team_snap"},
        "https://www.snapchat.com/add/team_snap",
    ),
    (
        "social",
        {"platform": "pinterest", "handle": "pinterest"},
        "https://www.pinterest.com/pinterest/",
    ),
    # EPC / SEPA (EPC069-12 example data)
    (
        "epc",
        {
            "name": "Red Cross of Belgium",
            "iban": "BE72 0000 0000 1616",
            "bic": "BPOTBEB1",
            "amount": "1",
            "purpose": "char",
            "text": "Urgency fund",
        },
        "BCD\n002\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR1.00\nCHAR\n"
        "\nUrgency fund",
    ),
    (
        "sepa",
        {
            "name": "Wikimedia Deutschland",
            "iban": "DE33100205000001194700",
            "reference": "RF18 5390 0754 7034",
        },
        "BCD\n002\n1\nSCT\n\nWikimedia Deutschland\nDE33100205000001194700\n\n\nRF18539007547034",
    ),
    (
        "epc",
        {
            "name": "Shop",
            "iban": "DE89370400440532013000",
            "amount": 12.3,
            "information": "Thanks!",
        },
        "BCD\n002\n1\nSCT\n\nShop\nDE89370400440532013000\nEUR12.30\n\n\n\nThanks!",
    ),
]


@pytest.mark.parametrize(("type_name", "data", "expected"), EXAMPLES)
def test_example_encodes_to_its_standard_string(
    type_name: str, data: dict[str, object], expected: str
) -> None:
    assert encode_payload(validate_payload(type_name, data)) == expected


def test_event_in_a_time_zone_is_written_in_utc() -> None:
    payload = validate_payload(
        "event",
        {
            "title": "Launch, party; v2",
            "date_start": "2026-05-01T18:30:00",
            "date_end": "2026-05-01T20:00:00",
            "timezone": "Europe/Berlin",
            "location": "Hall 1",
            "description": "Bring a friend\nand a badge",
        },
    )
    text = encode_payload(payload)
    lines = text.split(CRLF)
    assert lines[:4] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//qrstack//payloads//EN",
        "BEGIN:VEVENT",
    ]
    assert lines[4].startswith("UID:")
    assert lines[4].endswith("@qrstack")
    assert lines[5:] == [
        "DTSTAMP:20260501T163000Z",
        "DTSTART:20260501T163000Z",
        "DTEND:20260501T180000Z",
        "SUMMARY:Launch\\, party\\; v2",
        "LOCATION:Hall 1",
        "DESCRIPTION:Bring a friend\\nand a badge",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]


def test_event_offsets_win_over_the_time_zone_and_turtleqr_names_work() -> None:
    payload = validate_payload(
        "event",
        {
            "title": "Call",
            "startsAt": "2026-01-10T09:00:00-05:00",
            "endsAt": "2026-01-10T14:30:00Z",
            "timezone": "Asia/Tokyo",
        },
    )
    lines = encode_payload(payload).split(CRLF)
    assert "DTSTART:20260110T140000Z" in lines
    assert "DTEND:20260110T143000Z" in lines


def test_all_day_calendar_entry_uses_dates_with_an_exclusive_end() -> None:
    payload = validate_payload(
        "calendar",
        {"title": "Fair", "startIso": "2026-06-01", "endIso": "2026-06-03", "allDay": True},
    )
    lines = encode_payload(payload).split(CRLF)
    assert "DTSTART;VALUE=DATE:20260601" in lines
    assert "DTEND;VALUE=DATE:20260604" in lines
    assert "DTSTAMP:20260601T000000Z" in lines


def test_the_same_event_always_encodes_to_the_same_bytes_and_a_change_gets_a_new_uid() -> None:
    data = {"title": "A", "startsAt": "2026-05-01T10:00:00Z", "endsAt": "2026-05-01T11:00:00Z"}
    first = encode_payload(validate_payload("event", data))
    assert first == encode_payload(validate_payload("event", dict(data)))
    moved = encode_payload(validate_payload("event", {**data, "endsAt": "2026-05-01T12:00:00Z"}))
    uid = [line for line in first.split(CRLF) if line.startswith("UID:")]
    assert uid
    assert uid[0] not in moved

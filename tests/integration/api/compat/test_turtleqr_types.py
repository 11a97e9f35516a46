"""TurtleQR's REST reference (seed 004): the code type payloads table, each type sent with its
documented payload key and key fields, read back under them; Direct types encoded in the
image, Redirect and Hosted page types behind the short URL."""

from __future__ import annotations

from typing import Any

import pytest
from integration.api.compat.compat_client import NewWorkspace

pytestmark = pytest.mark.infra

ETH = "0x" + "ab" * 20
# type → (payload key, payload, category)
TABLE: dict[str, tuple[str, dict[str, Any], str]] = {
    "text": ("text", {"text": "Hello"}, "Direct"),
    "vcard": (
        "card",
        {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "organization": "Engines",
            "phones": ["+44 20 7946 0000"],
            "emails": ["ada@example.com"],
            "website": "https://ada.example",
            "address": "12 St James's Square",
            "notes": "Hi",
        },
        "Direct",
    ),
    "wifi": (
        "wifi",
        {"ssid": "Cafe", "encryption": "WPA", "password": "longpass1", "hidden": False},
        "Direct",
    ),
    "email": ("email", {"to": "hi@example.com", "subject": "S", "body": "B"}, "Direct"),
    "phone": ("phone", {"number": "+1 (555) 010-0000"}, "Direct"),
    "sms": ("sms", {"number": "+15550100000", "body": "Hi"}, "Direct"),
    "whatsapp": ("whatsapp", {"number": "4915123456789", "message": "Hi"}, "Direct"),
    "crypto": (
        "crypto",
        {"chain": "ethereum", "address": ETH, "amount": 0.5, "label": "Tip jar"},
        "Direct",
    ),
    "event": (
        "event",
        {
            "title": "Launch",
            "startsAt": "2030-05-01T10:00:00Z",
            "endsAt": "2030-05-01T11:00:00Z",
            "location": "HQ",
            "description": "D",
        },
        "Direct",
    ),
    "calendar": (
        "calendar",
        {
            "title": "Fair",
            "startIso": "2030-06-01T00:00:00",
            "endIso": "2030-06-03T00:00:00",
            "allDay": True,
            "location": "Hall 3",
            "description": "D",
        },
        "Direct",
    ),
    "location": (
        "location",
        {"latitude": 52.52, "longitude": 13.405, "label": "Berlin"},
        "Direct",
    ),
    "social": ("social", {"platform": "instagram", "handle": "turtle"}, "Direct"),
    "app": (
        "app",
        {
            "iosAppId": "284882215",
            "androidPackageName": "com.example.app",
            "fallbackUrl": "https://example.com/app",
        },
        "Redirect",
    ),
    "list-of-links": (
        "listOfLinks",
        {"title": "Links", "bio": "B", "items": [{"label": "Site", "url": "https://example.com"}]},
        "Hosted page",
    ),
    "coupon": (
        "coupon",
        {"code": "SAVE10", "description": "10 % off", "redirectUrl": "https://example.com/shop"},
        "Hosted page",
    ),
    "menu": (
        "menu",
        {"businessName": "Cafe", "sections": [{"title": "Drinks", "items": [{"name": "Tea"}]}]},
        "Hosted page",
    ),
    "form": (
        "form",
        {"title": "RSVP", "fields": [{"id": "name", "label": "Name", "type": "text"}]},
        "Hosted page",
    ),
    "app-download": (
        "appDownload",
        {
            "appName": "App",
            "iosUrl": "https://apps.apple.com/app/x",
            "fallbackUrl": "https://example.com",
        },
        "Hosted page",
    ),
    "video": (
        "video",
        {"videoUrl": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "T"},
        "Hosted page",
    ),
    "business-page": ("businessPage", {"name": "Cafe", "tagline": "Since 1990"}, "Hosted page"),
    "pdf": ("pdf", {"description": "Brochure", "downloadOnly": False}, "Hosted page"),
    "image-carousel": ("imageCarousel", {"title": "Gallery"}, "Hosted page"),
}


def _holds(shown: Any, sent: Any) -> bool:
    """What was sent reads back (defaults the API adds to nested items are extras)."""
    if isinstance(sent, dict):
        return isinstance(shown, dict) and all(_holds(shown.get(k), v) for k, v in sent.items())
    if isinstance(sent, list):
        return (
            isinstance(shown, list)
            and len(shown) == len(sent)
            and all(_holds(a, b) for a, b in zip(shown, sent, strict=True))
        )
    return bool(shown == sent)


@pytest.mark.parametrize("type_name", sorted(TABLE))
async def test_each_type_with_its_payload_key(new_workspace: NewWorkspace, type_name: str) -> None:
    ws = await new_workspace()
    key, payload, category = TABLE[type_name]
    answer = await ws.v1("POST", "/v1/codes", {"type": type_name, key: payload})
    assert answer.status == 201, answer.body
    code = answer.body
    assert code["type"] == type_name
    for field, value in payload.items():
        if field in ("amount",):
            continue
        assert _holds(code[key][field], value), field
    if category == "Direct":  # content encoded in the code, not a short URL
        assert code["dynamic"] is False and code["shortUrl"] is None and code["content"]
    else:
        assert code["dynamic"] is True and code["shortUrl"]
    read = await ws.v1("GET", f"/v1/codes/{code['id']}")
    assert read.body[key] == code[key]


@pytest.mark.parametrize("type_name", ["whatsapp", "social"])
async def test_a_direct_type_is_dynamic_only_when_asked(
    new_workspace: NewWorkspace, type_name: str
) -> None:
    ws = await new_workspace()
    key, payload, _ = TABLE[type_name]
    answer = await ws.v1("POST", "/v1/codes", {"type": type_name, key: payload, "dynamic": True})
    assert answer.status == 201 and answer.body["shortUrl"]


@pytest.mark.parametrize(
    "chain", ["bitcoin", "ethereum", "litecoin", "dogecoin", "solana", "usdc-eth"]
)
async def test_crypto_label_on_every_chain(new_workspace: NewWorkspace, chain: str) -> None:
    addresses = {
        "bitcoin": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        "litecoin": "LZ1ooKJYhUk4pQWhxGJXH5x1SjTaErTkqT",
        "dogecoin": "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L",
        "solana": "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV",
        "ethereum": ETH,
        "usdc-eth": ETH,
    }
    ws = await new_workspace()
    crypto = {"chain": chain, "address": addresses[chain], "label": "Tip jar"}
    answer = await ws.v1("POST", "/v1/codes", {"type": "crypto", "crypto": crypto})
    assert answer.status == 201, answer.body
    assert answer.body["crypto"]["label"] == "Tip jar"


async def test_payload_limits_of_the_table(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    refused = {
        "text": {"text": "t" * 1501},
        "sms": {"number": "+1555", "body": "b" * 1501},
        "whatsapp": {"number": "12345"},  # 7-15 digits
        "coupon": {"code": "c" * 61},
        "list-of-links": {"items": []},  # 1-25 items
    }
    keys = {"list-of-links": "listOfLinks"}
    for type_name, payload in refused.items():
        key = keys.get(type_name, type_name)
        answer = await ws.v1("POST", "/v1/codes", {"type": type_name, key: payload})
        assert answer.status == 400, (type_name, answer.body)
        assert answer.body["issues"][0]["path"][0] == key, type_name
    vcard = await ws.v1("POST", "/v1/codes", {"type": "vcard", "card": {"notes": "n"}})
    assert vcard.status == 400  # at least one name/org required


async def test_a_vcard_reads_back_in_the_shape_sent(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    card = {
        "firstName": "Ada",
        "phones": [{"number": "+44 20 7946 0000", "type": "work"}],
        "emails": ["ada@example.com"],
        "address": {"street": "12 St James's Square", "city": "London"},
    }
    answer = await ws.v1("POST", "/v1/codes", {"type": "vcard", "card": card})
    assert answer.status == 201
    assert {k: answer.body["card"][k] for k in card} == card

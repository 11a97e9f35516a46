"""The registry: names and aliases, what each type can be (static, dynamic, hosted page),
the canonical JSON form, and where dynamic codes send scanners."""

from __future__ import annotations

import pytest

from qrstack_common.errors import ApiError
from qrstack_common.payloads import (
    PAYLOAD_TYPES,
    QR_MAX_OCTETS,
    Payload,
    encode_payload,
    find_type,
    payload_type_of,
    redirect_target,
    resolve_type,
    validate_payload,
)

HOSTED_PAGES = {
    "list-of-links",
    "coupon",
    "menu",
    "form",
    "app-download",
    "video",
    "business-page",
    "pdf",
    "image-carousel",
}
STATIC_ONLY = {
    "text",
    "email",
    "phone",
    "sms",
    "wifi",
    "vcard",
    "mecard",
    "event",
    "calendar",
    "location",
    "crypto",
    "epc",
}
STATIC_OR_DYNAMIC = {"url", "whatsapp", "social"}

# A valid payload of every type, in canonical (camelCase) spelling.
VALID: dict[str, dict[str, object]] = {
    "url": {"targetUrl": "https://example.com/"},
    "text": {"text": "hello"},
    "email": {"to": "a@example.com", "subject": "Hi"},
    "phone": {"number": "+1 555 0100"},
    "sms": {"number": "+1 555 0100", "body": "Hi"},
    "whatsapp": {"number": "+15550100199", "message": "Hi"},
    "wifi": {"ssid": "Net", "encryption": "WPA", "password": "password1", "hidden": True},
    "vcard": {
        "firstName": "Jane",
        "phones": [{"number": "+1 555 0100", "type": "work"}],
        "address": {"city": "Berlin"},
    },
    "mecard": {"firstName": "Jane", "emails": ["jane@example.com"]},
    "event": {"title": "T", "startsAt": "2026-05-01T10:00:00Z", "endsAt": "2026-05-01T11:00:00Z"},
    "calendar": {
        "title": "T",
        "startIso": "2026-05-01T10:00:00Z",
        "endIso": "2026-05-01T11:00:00Z",
    },
    "location": {"latitude": 1.5, "longitude": -2.25, "label": "Here"},
    "crypto": {
        "chain": "solana",
        "address": "mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN",
        "amount": "0.5",
    },
    "social": {"platform": "instagram", "handle": "natgeo"},
    "epc": {"name": "Shop", "iban": "DE89370400440532013000", "amount": "9.99"},
    "app": {
        "iosAppId": "id284882215",
        "androidPackageName": "com.facebook.katana",
        "fallbackUrl": "https://www.facebook.com/",
    },
    "list-of-links": {
        "title": "Me",
        "items": [{"label": "Blog", "url": "https://blog.example", "icon": "rss"}],
    },
    "business-page": {
        "name": "Cafe",
        "links": [{"label": "Site", "url": "https://cafe.example"}],
        "socials": [{"platform": "x", "handle": "cafe"}],
        "cta": {"label": "Book", "url": "https://cafe.example/book"},
        "brandColor": "#2d7a4e",
    },
    "coupon": {"code": "SAVE10", "expiresAt": "2026-12-31T23:59:00", "brandColor": "#FFF"},
    "menu": {
        "businessName": "Cafe",
        "sections": [
            {
                "title": "Drinks",
                "items": [{"name": "Tea", "price": 3.5}, {"name": "Coffee", "price": "€2,80"}],
            }
        ],
    },
    "form": {
        "title": "RSVP",
        "fields": [
            {"id": "name", "label": "Name", "type": "text", "required": True},
            {"id": "meal", "label": "Meal", "type": "select", "options": ["Fish", "Veg"]},
        ],
    },
    "app-download": {"appName": "App", "iosUrl": "https://apps.apple.com/app/id1"},
    "video": {"videoUrl": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1"},
    "pdf": {"r2Key": "pdf/code_1.pdf", "originalFilename": "menu.pdf", "fileSize": 1000},
    "image-carousel": {"images": [{"r2Key": "images/c/0.png", "contentType": "image/png"}]},
}


def test_every_seed_type_is_registered_once() -> None:
    assert set(PAYLOAD_TYPES) == HOSTED_PAGES | STATIC_ONLY | STATIC_OR_DYNAMIC | {"app"}
    assert set(VALID) == set(PAYLOAD_TYPES)
    for name, kind in PAYLOAD_TYPES.items():
        assert kind.name == name


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("link", "url"),
        ("WEBSITE", "url"),
        ("Url", "url"),
        ("TEXT", "text"),
        ("calendar", "calendar"),
        ("ical", "event"),
        ("geo", "location"),
        ("wi-fi", "wifi"),
        ("WIFI", "wifi"),
        ("listOfLinks", "list-of-links"),
        ("list_of_links", "list-of-links"),
        ("imageCarousel", "image-carousel"),
        ("appDownload", "app-download"),
        ("businessPage", "business-page"),
        ("sepa", "epc"),
        ("girocode", "epc"),
        ("  vcard ", "vcard"),
        ("MECARD", "mecard"),
        ("tel", "phone"),
        ("mailto", "email"),
    ],
)
def test_aliases_resolve_to_one_type(spelling: str, canonical: str) -> None:
    assert resolve_type(spelling).name == canonical
    assert find_type(spelling) is PAYLOAD_TYPES[canonical]


def test_no_spelling_names_two_types() -> None:
    spellings = [
        n.lower().replace("_", "-")
        for kind in PAYLOAD_TYPES.values()
        for n in (kind.name, *kind.aliases)
    ]
    assert len(spellings) == len(set(spellings))


def test_unknown_type_is_a_400_listing_the_valid_types() -> None:
    with pytest.raises(ApiError) as caught:
        validate_payload("fax", {})
    error = caught.value
    assert (error.status, error.code) == (400, "validation_failed")
    [issue] = error.issues
    assert issue.path == ("type",)
    for name in PAYLOAD_TYPES:
        assert name in issue.reason
    assert find_type("fax") is None
    with pytest.raises(ApiError):
        resolve_type(None)


def test_what_each_type_can_be() -> None:
    for name, kind in PAYLOAD_TYPES.items():
        assert kind.hosted_page == (name in HOSTED_PAGES), name
        assert kind.can_be_static == (name in STATIC_ONLY | STATIC_OR_DYNAMIC), name
        assert kind.can_be_dynamic == (name not in STATIC_ONLY), name
    assert PAYLOAD_TYPES["epc"].error_correction == "M"


def test_turtleqr_payload_keys() -> None:
    keys = {name: kind.payload_keys for name, kind in PAYLOAD_TYPES.items()}
    assert keys["url"] == ()
    assert keys["vcard"] == ("card",)
    assert keys["event"] == ("event",)
    assert keys["calendar"] == ("calendar",)
    assert keys["list-of-links"] == ("listOfLinks",)
    assert keys["image-carousel"] == ("imageCarousel",)
    assert keys["app-download"] == ("appDownload",)
    assert keys["business-page"] == ("businessPage",)
    assert keys["wifi"] == ("wifi",)


@pytest.mark.parametrize("name", sorted(VALID))
def test_canonical_json_validates_back_to_the_same_payload(name: str) -> None:
    payload = validate_payload(name, VALID[name])
    assert isinstance(payload, PAYLOAD_TYPES[name].model)
    assert payload_type_of(payload) is PAYLOAD_TYPES[name]
    again = validate_payload(name, payload.as_json())
    assert again == payload
    assert again.as_json() == payload.as_json()


def test_canonical_json_uses_turtleqr_names_whatever_the_client_sent() -> None:
    recode = validate_payload(
        "event",
        {
            "title": "T",
            "date_start": "2026-05-01T10:00:00",
            "date_end": "2026-05-01T11:00:00",
            "timezone": "Europe/London",
        },
    )
    assert recode.as_json() == {
        "title": "T",
        "startsAt": "2026-05-01T10:00:00",
        "endsAt": "2026-05-01T11:00:00",
        "timezone": "Europe/London",
        "allDay": False,
    }
    card = validate_payload(
        "vcard",
        {
            "first_name": "J",
            "org": "O",
            "phone": "+1 555 0100",
            "email": "j@example.com",
            "url": "https://j.example",
            "note": "n",
        },
    )
    assert card.as_json() == {
        "firstName": "J",
        "organization": "O",
        "phones": ["+1 555 0100"],
        "emails": ["j@example.com"],
        "website": "https://j.example",
        "notes": "n",
    }
    pdf = validate_payload("pdf", {"r2Key": "k"})
    assert pdf.as_json() == {"fileKey": "k", "downloadOnly": False}


def test_a_card_reads_back_its_phones_and_address_in_the_shape_sent() -> None:
    bare = {"firstName": "J", "phones": ["+1 555 0100"], "address": "1 Main St"}
    assert validate_payload("vcard", bare).as_json() == {**bare, "emails": []}
    typed = {
        "firstName": "J",
        "phones": [{"number": "+1 555 0100", "type": "work"}, "+1 555 0101"],
        "address": {"street": "1 Main St", "city": "Springfield"},
    }
    assert validate_payload("vcard", typed).as_json() == {**typed, "emails": []}
    assert validate_payload("vcard", validate_payload("vcard", typed).as_json()) == (
        validate_payload("vcard", typed)
    )


@pytest.mark.parametrize("name", sorted(HOSTED_PAGES | {"app"}))
def test_types_that_are_always_dynamic_have_no_static_encoding(name: str) -> None:
    payload = validate_payload(name, VALID[name])
    with pytest.raises(ApiError) as caught:
        encode_payload(payload)
    [issue] = caught.value.issues
    assert issue.path == ("dynamic",)
    assert "always dynamic" in issue.reason


@pytest.mark.parametrize("name", sorted(STATIC_ONLY))
def test_static_only_types_refuse_to_be_dynamic(name: str) -> None:
    payload = validate_payload(name, VALID[name])
    with pytest.raises(ApiError) as caught:
        redirect_target(payload)
    [issue] = caught.value.issues
    assert issue.path == ("dynamic",)
    assert "cannot be dynamic" in issue.reason


@pytest.mark.parametrize("name", sorted(HOSTED_PAGES))
def test_hosted_pages_are_rendered_not_redirected(name: str) -> None:
    assert redirect_target(validate_payload(name, VALID[name]), "iOS") is None


def test_dynamic_targets() -> None:
    assert redirect_target(validate_payload("url", VALID["url"])) == "https://example.com/"
    assert redirect_target(validate_payload("whatsapp", VALID["whatsapp"])) == (
        "https://wa.me/15550100199?text=Hi"
    )
    assert redirect_target(validate_payload("social", VALID["social"])) == (
        "https://www.instagram.com/natgeo/"
    )


@pytest.mark.parametrize(
    ("data", "os", "target"),
    [
        (VALID["app"], "iOS", "https://apps.apple.com/app/id284882215"),
        (VALID["app"], "iPadOS", "https://apps.apple.com/app/id284882215"),
        (
            VALID["app"],
            "Android",
            "https://play.google.com/store/apps/details?id=com.facebook.katana",
        ),
        (VALID["app"], "Windows", "https://www.facebook.com/"),
        (VALID["app"], None, "https://www.facebook.com/"),
        ({"iosAppId": "123"}, "Android", "https://apps.apple.com/app/id123"),
        (
            {"androidPackageName": "org.example.app"},
            "Mac OS X",
            "https://play.google.com/store/apps/details?id=org.example.app",
        ),
        (
            {"iosAppId": "123", "fallbackUrl": "https://example.com/app"},
            "Android",
            "https://example.com/app",
        ),
    ],
)
def test_app_codes_send_each_phone_to_its_store(
    data: dict[str, object], os: str | None, target: str
) -> None:
    assert redirect_target(validate_payload("app", data), os) == target


def test_content_longer_than_any_qr_code_holds_is_refused() -> None:
    fits = validate_payload("text", {"text": "a" * 1500})
    assert encode_payload(fits) == "a" * 1500
    too_big = validate_payload("text", {"text": "😀" * 1000})  # 4000 bytes in UTF-8
    with pytest.raises(ApiError) as caught:
        encode_payload(too_big)
    [issue] = caught.value.issues
    assert f"at most {QR_MAX_OCTETS}" in issue.reason


def test_payloads_are_immutable() -> None:
    payload: Payload = validate_payload("text", {"text": "a"})
    with pytest.raises(ValueError, match="frozen"):
        payload.text = "b"  # type: ignore[attr-defined]


def test_video_pages_know_their_player_url() -> None:
    from qrstack_common.payloads.media import VideoPage

    cases = {
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://vimeo.com/76979871": "https://player.vimeo.com/video/76979871",
        "https://player.vimeo.com/video/76979871": "https://player.vimeo.com/video/76979871",
    }
    for url, embed in cases.items():
        page = validate_payload("video", {"videoUrl": url})
        assert isinstance(page, VideoPage)
        assert page.embed_url() == embed


def test_text_fields_keep_unicode_and_normalise_newlines() -> None:
    payload = validate_payload("text", {"text": "  Grüße 👋\r\nzweite\rdritte  "})
    assert encode_payload(payload) == "  Grüße 👋\nzweite\ndritte  "
    card = validate_payload("vcard", {"firstName": "  Zoë  ", "notes": "a\r\nb"})
    assert card.as_json()["firstName"] == "Zoë"
    assert card.as_json()["notes"] == "a\nb"

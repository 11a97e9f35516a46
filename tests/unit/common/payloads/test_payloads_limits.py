"""Every limit and required field of every type is refused with the path the client used
and a reason that says why (400 `validation_failed`)."""

from __future__ import annotations

import pytest

from qrstack_common.errors import ApiError
from qrstack_common.payloads import validate_payload, web_url

JS = "javascript:alert(1)"

Path = tuple[str | int, ...]

REFUSED: list[tuple[str, dict[str, object], Path, str]] = [
    # url
    ("url", {}, ("targetUrl",), "Field required"),
    ("url", {"url": JS}, ("url",), "javascript: URLs are refused"),
    ("url", {"targetUrl": "data:text/html,<script>x</script>"}, ("targetUrl",), "data: URLs"),
    ("url", {"targetUrl": "ftp://example.com/f"}, ("targetUrl",), "http:// or https://"),
    ("url", {"targetUrl": "example.com/page"}, ("targetUrl",), "without a scheme"),
    ("url", {"targetUrl": "https://"}, ("targetUrl",), "with a host"),
    ("url", {"targetUrl": "https:example.com"}, ("targetUrl",), "with a host"),
    ("url", {"targetUrl": "https://bank.com@evil.example/"}, ("targetUrl",), "user:password@"),
    ("url", {"targetUrl": "https://exa mple.com"}, ("targetUrl",), "spaces"),
    ("url", {"targetUrl": "https://example.com/\r\nSet-Cookie: a"}, ("targetUrl",), "control"),
    ("url", {"targetUrl": "https://example.com:99999/"}, ("targetUrl",), "port"),
    ("url", {"targetUrl": "https://-bad-.example/"}, ("targetUrl",), "host name"),
    ("url", {"targetUrl": "https://example.com/" + "a" * 2030}, ("targetUrl",), "2048"),
    ("url", {"targetUrl": 42}, ("targetUrl",), "string"),
    ("url", {"targetUrl": "https://example.com", "slug": "x"}, ("slug",), "unknown field"),
    # text
    ("text", {}, ("text",), "Field required"),
    ("text", {"text": ""}, ("text",), "must not be empty"),
    ("text", {"text": "x" * 1501}, ("text",), "at most 1500"),
    ("TEXT", {"content": "a\x00b"}, ("content",), "control characters"),
    # email
    ("email", {}, ("to",), "Field required"),
    ("email", {"to": "not-an-address"}, ("to",), "e-mail address"),
    ("email", {"address": "someone@localhost"}, ("address",), "e-mail address"),
    ("email", {"to": "a@example.com", "subject": "s" * 256}, ("subject",), "at most 255"),
    ("email", {"to": "a@example.com", "subject": "two\nlines"}, ("subject",), "single line"),
    ("email", {"to": "a@example.com", "body": "b" * 1001}, ("body",), "at most 1000"),
    # phone
    ("phone", {}, ("number",), "Field required"),
    ("phone", {"phone": "+1 234 567 890 123 456"}, ("phone",), "at most 20"),
    ("phone", {"number": "call me"}, ("number",), "digits"),
    ("phone", {"number": "1+2345"}, ("number",), "leading +"),
    ("phone", {"number": "12"}, ("number",), "3 to 15 digits"),
    # sms
    ("sms", {"body": "hi"}, ("number",), "Field required"),
    ("sms", {"number": "+1555010", "body": "x" * 1501}, ("body",), "at most 1500"),
    ("sms", {"phone": "+1555010", "message": "x" * 1501}, ("message",), "at most 1500"),
    # whatsapp
    ("whatsapp", {"number": "123 456"}, ("number",), "7 to 15 digits"),
    ("whatsapp", {"number": "+15550100199", "message": "x" * 1501}, ("message",), "1500"),
    # wifi
    ("wifi", {}, ("ssid",), "Field required"),
    ("wifi", {"ssid": ""}, ("ssid",), "must not be empty"),
    ("wifi", {"ssid": "s" * 33}, ("ssid",), "at most 32"),
    ("wifi", {"ssid": "日" * 11}, ("ssid",), "32 bytes in UTF-8"),
    ("wifi", {"ssid": "a\nb"}, ("ssid",), "single line"),
    ("wifi", {"ssid": "Net", "encryption": "WPA4", "password": "x" * 8}, ("encryption",), "WPA"),
    (
        "wifi",
        {"ssid": "Net", "encryption": "WPA", "password": "p" * 64},
        ("password",),
        "at most 63",
    ),
    (
        "wifi",
        {"ssid": "Net", "encryption": "WPA"},
        ("password",),
        "required when encryption is WPA",
    ),
    ("wifi", {"ssid": "Net", "encryption": "WEP", "password": ""}, ("password",), "required"),
    ("wifi", {"ssid": "Net", "password": "secret123"}, ("password",), "left out"),
    (
        "wifi",
        {"ssid": "Net", "encryption": "WPA", "password": "short"},
        ("password",),
        "at least 8",
    ),
    ("wifi", {"ssid": "Net", "hidden": "maybe"}, ("hidden",), "boolean"),
    # vcard
    ("vcard", {}, ("firstName",), "at least one of firstName, lastName, organization"),
    ("vcard", {"phone": "+1 555 0100"}, ("firstName",), "at least one of"),
    ("vcard", {"first_name": "n" * 256}, ("first_name",), "at most 255"),
    ("vcard", {"firstName": "A", "lastName": "n" * 256}, ("lastName",), "at most 255"),
    ("vcard", {"org": "o" * 256}, ("org",), "at most 255"),
    ("vcard", {"firstName": "A", "title": "t" * 256}, ("title",), "at most 255"),
    ("vcard", {"firstName": "A", "note": "n" * 256}, ("note",), "at most 255"),
    ("vcard", {"firstName": "A", "phone": "+1 234 567 890 123 456"}, ("phone",), "20"),
    ("vcard", {"firstName": "A", "phones": ["+1 555 010"] * 6}, ("phones",), "at most 5"),
    (
        "vcard",
        {"firstName": "A", "phones": [{"number": "555 0100", "type": "pager"}]},
        ("phones", 0, "type"),
        "mobile",
    ),
    ("vcard", {"firstName": "A", "email": "nope"}, ("email",), "e-mail address"),
    ("vcard", {"firstName": "A", "emails": ["a@example.com"] * 6}, ("emails",), "at most 5"),
    ("vcard", {"firstName": "A", "url": JS}, ("url",), "http:// or https://"),
    (
        "vcard",
        {"firstName": "A", "address": {"postalCode": "9" * 33}},
        ("address", "postalCode"),
        "at most 32",
    ),
    ("vcard", {"firstName": "A", "address": {"city": "c" * 256}}, ("address", "city"), "255"),
    # mecard
    ("mecard", {}, ("firstName",), "Field required"),
    ("mecard", {"first_name": "  "}, ("first_name",), "must not be empty"),
    ("mecard", {"first_name": "A", "org": "Acme"}, ("org",), "unknown field; valid: emails"),
    ("mecard", {"first_name": "A", "phone": "x"}, ("phone",), "digits"),
    ("mecard", {"first_name": "A", "note": "n" * 256}, ("note",), "at most 255"),
    # event / calendar
    (
        "event",
        {"startsAt": "2026-05-01T10:00", "endsAt": "2026-05-01T11:00"},
        ("title",),
        "Field required",
    ),
    (
        "event",
        {"title": "t" * 256, "startsAt": "2026-05-01T10:00", "endsAt": "2026-05-01T11:00"},
        ("title",),
        "at most 255",
    ),
    (
        "event",
        {"title": "T", "date_start": "tomorrow", "date_end": "2026-05-01T11:00"},
        ("date_start",),
        "ISO 8601",
    ),
    ("event", {"title": "T", "startsAt": "2026-05-01T10:00"}, ("endsAt",), "Field required"),
    (
        "event",
        {"title": "T", "date_start": "2026-05-01T10:00", "date_end": "2026-05-01T09:00"},
        ("date_end",),
        "after the start",
    ),
    (
        "event",
        {"title": "T", "startsAt": "2026-05-01T10:00Z", "endsAt": "2026-05-01T10:00Z"},
        ("endsAt",),
        "after the start",
    ),
    (
        "calendar",
        {"title": "T", "startIso": "2026-05-02", "endIso": "2026-05-01", "allDay": True},
        ("endIso",),
        "on or after the start day",
    ),
    (
        "event",
        {
            "title": "T",
            "startsAt": "2026-05-01T10:00",
            "endsAt": "2026-05-01T11:00",
            "timezone": "Mars/Olympus",
        },
        ("timezone",),
        "IANA time zone",
    ),
    (
        "event",
        {
            "title": "T",
            "startsAt": "2026-05-01T10:00",
            "endsAt": "2026-05-01T11:00",
            "location": "l" * 256,
        },
        ("location",),
        "at most 255",
    ),
    (
        "event",
        {
            "title": "T",
            "startsAt": "2026-05-01T10:00",
            "endsAt": "2026-05-01T11:00",
            "description": "d" * 256,
        },
        ("description",),
        "at most 255",
    ),
    (
        "event",
        {"title": "T", "startsAt": "0001-01-01T00:00+05:00", "endsAt": "2026-05-01T11:00"},
        ("startsAt",),
        "1900 and 2999",
    ),
    # location
    ("location", {"longitude": 2.0}, ("latitude",), "Field required"),
    ("location", {"latitude": 91, "longitude": 0}, ("latitude",), "less than or equal to 90"),
    ("location", {"lat": 0, "lng": -180.5}, ("lng",), "greater than or equal to -180"),
    ("location", {"latitude": float("nan"), "longitude": 0}, ("latitude",), "finite"),
    ("location", {"latitude": 1, "longitude": 1, "label": "l" * 256}, ("label",), "at most 255"),
    # crypto
    ("crypto", {}, ("address",), "Field required"),
    ("crypto", {"address": "1" * 257}, ("address",), "at most 256"),
    (
        "crypto",
        {"address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "label": "l" * 65},
        ("label",),
        "at most 64",
    ),
    (
        "crypto",
        {"address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "message": "m" * 65},
        ("message",),
        "at most 64",
    ),
    (
        "crypto",
        {"currency": "monero", "address": "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV"},
        ("currency",),
        "bitcoin",
    ),
    (
        "crypto",
        {"address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "amount": -1},
        ("amount",),
        "greater than or equal to 0",
    ),
    (
        "crypto",
        {"address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "amount": "0.000000001"},
        ("amount",),
        "bitcoin allows 8",
    ),
    (
        "crypto",
        {"chain": "usdc-eth", "address": "0x" + "ab" * 20, "amount": "0.0000001"},
        ("amount",),
        "usdc-eth allows 6",
    ),
    ("crypto", {"address": "0x" + "ab" * 20}, ("address",), "not a valid bitcoin address"),
    (
        "crypto",
        {"currency": "ethereum", "address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"},
        ("address",),
        "not a valid ethereum address",
    ),
    (
        "crypto",
        {"currency": "ethereum", "address": "0x" + "ab" * 20, "message": "Shop"},
        ("message",),
        "EIP-681",
    ),
    # social
    ("social", {"platform": "myspace", "handle": "tom"}, ("platform",), "instagram"),
    ("social", {"platform": "x", "handle": "https://x.com/jack"}, ("handle",), "user name"),
    ("social", {"platform": "x", "handle": "h" * 101}, ("handle",), "user name"),
    ("social", {"platform": "x"}, ("handle",), "Field required"),
    # epc
    ("epc", {"iban": "DE89370400440532013000"}, ("name",), "Field required"),
    ("epc", {"name": "Shop"}, ("iban",), "Field required"),
    ("epc", {"name": "n" * 71, "iban": "DE89370400440532013000"}, ("name",), "at most 70"),
    ("epc", {"name": "Shop", "iban": "DE89370400440532013001"}, ("iban",), "check digits"),
    ("epc", {"name": "Shop", "iban": "12345"}, ("iban",), "must be an IBAN"),
    ("epc", {"name": "Shop", "iban": "DE89370400440532013000", "bic": "ABC"}, ("bic",), "8 or 11"),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "amount": 0},
        ("amount",),
        "greater than or equal to 0.01",
    ),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "amount": "1000000000"},
        ("amount",),
        "less than or equal to 999999999.99",
    ),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "amount": "1.234"},
        ("amount",),
        "2 decimal places",
    ),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "purpose": "GOODS"},
        ("purpose",),
        "4-letter",
    ),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "reference": "RF00 1234"},
        ("reference",),
        "ISO 11649",
    ),
    (
        "epc",
        {
            "name": "Shop",
            "iban": "DE89370400440532013000",
            "reference": "RF18539007547034",
            "text": "Invoice 1",
        },
        ("text",),
        "either a reference or a text",
    ),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "remittanceText": "t" * 141},
        ("remittanceText",),
        "at most 140",
    ),
    (
        "epc",
        {"name": "Shop", "iban": "DE89370400440532013000", "information": "i" * 71},
        ("information",),
        "at most 70",
    ),
    (
        "epc",
        {"name": "€" * 70, "iban": "DE89370400440532013000", "text": "€" * 140},
        (),
        "EPC allows 331",
    ),
    # app
    ("app", {}, ("iosAppId",), "give iosAppId, androidPackageName or both"),
    ("app", {"iosAppId": "abc"}, ("iosAppId",), "App Store id"),
    ("app", {"androidPackageName": "not a package"}, ("androidPackageName",), "package name"),
    ("app", {"iosAppId": "123", "fallbackUrl": JS}, ("fallbackUrl",), "http:// or https://"),
    # list-of-links
    ("list-of-links", {}, ("items",), "Field required"),
    ("list-of-links", {"items": []}, ("items",), "at least 1"),
    (
        "listOfLinks",
        {"items": [{"label": "a", "url": "https://a.example"}] * 26},
        ("items",),
        "at most 25",
    ),
    ("list-of-links", {"items": [{"label": "a", "url": JS}]}, ("items", 0, "url"), "javascript:"),
    (
        "list-of-links",
        {"items": [{"url": "https://a.example"}]},
        ("items", 0, "label"),
        "Field required",
    ),
    (
        "list-of-links",
        {
            "items": [{"label": "a", "url": "https://a.example"}],
            "avatarUrl": "data:image/png;base64,AAAA",
        },
        ("avatarUrl",),
        "data: URLs",
    ),
    # business-page
    ("business-page", {"tagline": "x"}, ("name",), "Field required"),
    (
        "business-page",
        {"name": "B", "links": [{"label": "a", "url": "https://a.example"}] * 16},
        ("links",),
        "at most 15",
    ),
    (
        "business-page",
        {"name": "B", "socials": [{"platform": "x", "handle": "a"}] * 8},
        ("socials",),
        "at most 7",
    ),
    (
        "business-page",
        {"name": "B", "socials": [{"platform": "orkut", "handle": "a"}]},
        ("socials", 0, "platform"),
        "instagram",
    ),
    (
        "business-page",
        {"name": "B", "cta": {"label": "Go", "url": JS}},
        ("cta", "url"),
        "javascript:",
    ),
    ("business-page", {"name": "B", "brandColor": "red"}, ("brandColor",), "hex colour"),
    # coupon
    ("coupon", {}, ("code",), "Field required"),
    ("coupon", {"code": "c" * 61}, ("code",), "at most 60"),
    ("coupon", {"code": "SAVE10", "expiresAt": "soon"}, ("expiresAt",), "ISO 8601"),
    ("coupon", {"code": "SAVE10", "redirectUrl": JS}, ("redirectUrl",), "javascript:"),
    # menu
    ("menu", {"sections": [{"title": "S"}]}, ("businessName",), "Field required"),
    ("menu", {"businessName": "M", "sections": []}, ("sections",), "at least 1"),
    ("menu", {"businessName": "M", "sections": [{"title": "S"}] * 21}, ("sections",), "at most 20"),
    (
        "menu",
        {
            "businessName": "M",
            "sections": [{"title": "S", "items": [{"name": "Tea", "price": "p" * 33}]}],
        },
        ("sections", 0, "items", 0, "price"),
        "at most 32",
    ),
    (
        "menu",
        {"businessName": "M", "sections": [{"title": "S"}], "phone": "call us"},
        ("phone",),
        "digits",
    ),
    # form
    ("form", {"title": "F", "fields": []}, ("fields",), "at least 1"),
    (
        "form",
        {
            "title": "F",
            "fields": [{"id": f"f{i}", "label": "L", "type": "text"} for i in range(21)],
        },
        ("fields",),
        "at most 20",
    ),
    (
        "form",
        {"title": "F", "fields": [{"id": "a", "label": "L", "type": "file"}]},
        ("fields", 0, "type"),
        "text",
    ),
    (
        "form",
        {"title": "F", "fields": [{"id": "bad id", "label": "L", "type": "text"}]},
        ("fields", 0, "id"),
        "letters, digits",
    ),
    (
        "form",
        {"title": "F", "fields": [{"id": "a", "label": "L", "type": "select"}]},
        ("fields", 0, "options"),
        "required for a select",
    ),
    (
        "form",
        {
            "title": "F",
            "fields": [
                {"id": "a", "label": "L", "type": "text"},
                {"id": "a", "label": "M", "type": "email"},
            ],
        },
        ("fields", 1, "id"),
        "repeats the id 'a'",
    ),
    # app-download
    ("app-download", {"appName": "App"}, ("iosUrl",), "give iosUrl, androidUrl or both"),
    ("appDownload", {"iosUrl": "https://apps.apple.com/app/id1"}, ("appName",), "Field required"),
    # video
    ("video", {"videoUrl": "https://example.com/v.mp4"}, ("videoUrl",), "YouTube or Vimeo"),
    ("video", {"videoUrl": "https://youtu.be/short"}, ("videoUrl",), "YouTube or Vimeo"),
    ("video", {"videoUrl": "javascript:alert(1)//youtube.com"}, ("videoUrl",), "javascript:"),
    # pdf
    ("pdf", {"fileSize": 100 * 1024 * 1024 + 1}, ("fileSize",), "less than or equal"),
    ("pdf", {"r2Key": ""}, ("r2Key",), "must not be empty"),
    # image-carousel
    (
        "image-carousel",
        {"images": [{"fileKey": "k", "contentType": "image/png"}] * 11},
        ("images",),
        "at most 10",
    ),
    (
        "imageCarousel",
        {"images": [{"r2Key": "k", "contentType": "image/bmp"}]},
        ("images", 0, "contentType"),
        "image/png",
    ),
    (
        "image-carousel",
        {"images": [{"fileKey": "k", "contentType": "image/png", "size": 5 * 1024 * 1024 + 1}]},
        ("images", 0, "size"),
        "less than or equal",
    ),
]


def _issues(type_name: str, data: dict[str, object]) -> list[tuple[Path, str]]:
    with pytest.raises(ApiError) as caught:
        validate_payload(type_name, data)
    error = caught.value
    assert error.status == 400
    assert error.code == "validation_failed"
    return [(tuple(issue.path), issue.reason) for issue in error.issues]


@pytest.mark.parametrize(("type_name", "data", "path", "reason"), REFUSED)
def test_refused_with_path_and_reason(
    type_name: str, data: dict[str, object], path: Path, reason: str
) -> None:
    issues = _issues(type_name, data)
    matching = [r for p, r in issues if p == path]
    assert matching, f"no issue at {path}: {issues}"
    assert any(reason in r for r in matching), issues


def test_every_failing_field_is_listed_at_once() -> None:
    issues = _issues("event", {"location": "l" * 256, "timezone": "Nowhere"})
    assert {p for p, _ in issues} == {
        ("title",),
        ("startsAt",),
        ("endsAt",),
        ("location",),
        ("timezone",),
    }


def test_paths_sit_under_the_callers_prefix() -> None:
    with pytest.raises(ApiError) as caught:
        validate_payload("destination-less", {}, type_field="destination")
    assert [i.path for i in caught.value.issues] == [("destination",)]
    with pytest.raises(ApiError) as caught:
        validate_payload("wifi", {"ssid": "Net", "encryption": "WPA"}, at=("data",))
    assert [i.path for i in caught.value.issues] == [("data", "password")]
    with pytest.raises(ApiError) as caught:
        validate_payload("vcard", {"first_name": "x" * 256}, at=("card",))
    assert [i.path for i in caught.value.issues] == [("card", "first_name")]


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ApiError) as caught:
        validate_payload("text", ["hello"], at=("data",))  # type: ignore[arg-type]
    assert [(i.path, i.reason) for i in caught.value.issues] == [(("data",), "must be an object")]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://example.com:8080/path?q=1#frag",
        "HTTPS://EXAMPLE.COM/A",
        "https://[2001:db8::1]:8443/",
        "https://127.0.0.1/",
        "https://my_host.example.com/",
        "https://example.com/%E2%9C%93?x=a%20b",
    ],
)
def test_web_urls_that_are_accepted(url: str) -> None:
    assert web_url(url) == url
    assert validate_payload("url", {"targetUrl": url}).as_json() == {"targetUrl": url}


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/straße"),
        # A Cyrillic "е" in place of the Latin "e": the look-alike shows as what it is.
        ("https://\u0435xample.com/login", "https://xn--xample-2of.com/login"),
        ("http://BÜCHER.example:8080/a", "http://xn--bcher-kva.example:8080/a"),
    ],
)
def test_non_ascii_hosts_are_stored_in_their_punycode_form(given: str, stored: str) -> None:
    assert web_url(given) == stored
    assert validate_payload("url", {"targetUrl": given}).as_json() == {"targetUrl": stored}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "//example.com/x",
        "/relative",
        "mailto:a@example.com",
        "intent://scan/#Intent;end",
    ],
)
def test_web_url_refuses_every_other_scheme(url: str) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        web_url(url)

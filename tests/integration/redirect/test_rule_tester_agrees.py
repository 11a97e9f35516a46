"""The API's rule tester and a real scan through the redirect agree: a code with geo, device,
language and A/B rules is created through the API, and for several scanners the target the
tester names (from the facts) is the redirect's answer to a scan with the matching headers
(country from a trusted CDN header, device and OS from the User-Agent, language from
Accept-Language)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.app import ROUTES
from support.accounts import new_workspace
from support.waiting import eventually

from .conftest import Client, start_redirect

pytestmark = pytest.mark.infra

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
PIXEL = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
)
WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36"
)

RULES: list[dict[str, Any]] = [
    {"type": "geo", "label": "Germany", "targetUrl": "https://example.com/de", "priority": 10,
     "condition": {"countryIn": ["DE", "AT"]}},
    {"type": "device", "label": "iPhones", "targetUrl": "https://example.com/ios", "priority": 20,
     "condition": {"deviceIn": ["mobile"], "osIn": ["iOS"]}},
    {"type": "language", "label": "French", "targetUrl": "https://example.com/fr", "priority": 30,
     "condition": {"languageIn": ["fr"]}},
    {"type": "ab", "label": "Half of Android", "targetUrl": "https://example.com/b", "priority": 40,
     "condition": {"osIn": ["Android"]}, "weight": 50},
]  # fmt: skip

# (scan headers, the same facts for the tester)
CASES: list[tuple[dict[str, str], dict[str, Any]]] = [
    (
        {"CF-IPCountry": "DE", "User-Agent": IPHONE},
        {"country": "DE", "device": "mobile", "os": "iOS"},
    ),
    (
        {"CF-IPCountry": "US", "User-Agent": IPHONE},
        {"country": "US", "device": "mobile", "os": "iOS"},
    ),
    (
        {"CF-IPCountry": "FR", "User-Agent": WINDOWS, "Accept-Language": "fr-FR,fr;q=0.9"},
        {"country": "FR", "device": "desktop", "os": "Windows", "language": "fr-FR"},
    ),
    (
        {"CF-IPCountry": "US", "User-Agent": WINDOWS},
        {"country": "US", "device": "desktop", "os": "Windows"},
    ),
]


@pytest.fixture(scope="module")
async def proxied_redirect(infra: Infrastructure) -> Any:
    """A redirect that believes this machine's CDN headers (the tests' scans come from it)."""
    client = await start_redirect(infra, trusted_proxies=("127.0.0.1/32", "::1/128"))
    yield client
    await client.close()


def _rules_applied(client: Client, slug: str, count: int) -> bool:
    entry = client.app[ROUTES].table.lookup("", slug)
    return entry is not None and len(getattr(entry, "rules", ())) == count


async def test_the_tester_and_a_scan_agree(
    infra: Infrastructure, api_client: Client, proxied_redirect: Client
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    slug = f"tester-{uuid.uuid4().hex[:8]}"
    made = await api_client.post(
        "/v1/codes", json={"targetUrl": "https://example.com/default", "slug": slug}, headers=auth
    )
    code = await made.json()
    assert made.status == 201, code
    for rule in RULES:
        added = await api_client.post(
            f"/v1/codes/{code['id']}/routing-rules", json=rule, headers=auth
        )
        assert added.status == 201, await added.text()
    await eventually(lambda: _async(_rules_applied(proxied_redirect, slug, len(RULES))))

    seen = set()
    cases = [*CASES, *_android_cases()]
    for headers, facts in cases:
        scanner = headers.pop("X-Scanner", None)
        tested = await api_client.post(
            f"/v1/codes/{code['id']}/rules/test",
            json={**facts, **({"scannerId": scanner} if scanner else {})},
            headers=auth,
        )
        answer = await tested.json()
        assert tested.status == 200, answer
        cookies = {"qrsid": scanner} if scanner else {}
        async with proxied_redirect.get(
            f"/{slug}", headers=headers, cookies=cookies, allow_redirects=False
        ) as scanned:
            assert scanned.status == 302
            assert scanned.headers["Location"] == answer["targetUrl"], (facts, answer["why"])
        seen.add(answer["targetUrl"])
    # The cases cover every rule and the default.
    assert seen >= {f"https://example.com/{t}" for t in ("de", "ios", "fr", "default")}


async def _async(value: bool) -> bool:
    return value


def _android_cases() -> list[tuple[dict[str, str], dict[str, Any]]]:
    """Android scanners with fixed scanner ids, so the A/B split is the same on both sides."""
    return [
        (
            {"CF-IPCountry": "US", "User-Agent": PIXEL, "X-Scanner": uuid.uuid4().hex},
            {"country": "US", "device": "mobile", "os": "Android"},
        )
        for _ in range(6)
    ]


APP = {
    "iosAppId": "284882215",
    "androidPackageName": "com.example.app",
    "fallbackUrl": "https://example.com/app",
}


async def test_an_app_codes_store_is_the_scans(
    infra: Infrastructure, api_client: Client, proxied_redirect: Client
) -> None:
    """An app code's own target depends on the scanner's OS (App Store, Google Play, the
    fallback elsewhere): the tester names the store a real scan is sent to."""
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    slug = f"app-{uuid.uuid4().hex[:8]}"
    made = await api_client.post(
        "/v1/codes", json={"type": "app", "app": APP, "slug": slug}, headers=auth
    )
    code = await made.json()
    assert made.status == 201, code
    rule = {
        "type": "geo",
        "targetUrl": "https://example.com/de",
        "condition": {"countryIn": ["DE"]},
    }
    added = await api_client.post(f"/v1/codes/{code['id']}/routing-rules", json=rule, headers=auth)
    assert added.status == 201, await added.text()
    await eventually(lambda: _async(_rules_applied(proxied_redirect, slug, 1)))

    expected = {
        "iOS": "https://apps.apple.com/app/id284882215",
        "Android": "https://play.google.com/store/apps/details?id=com.example.app",
        "Windows": "https://example.com/app",
    }
    for agent, os in ((IPHONE, "iOS"), (PIXEL, "Android"), (WINDOWS, "Windows")):
        tested = await api_client.post(
            f"/v1/codes/{code['id']}/rules/test", json={"country": "US", "os": os}, headers=auth
        )
        answer = await tested.json()
        assert tested.status == 200, answer
        assert answer["targetUrl"] == expected[os] and answer["isDefault"], answer
        headers = {"CF-IPCountry": "US", "User-Agent": agent}
        async with proxied_redirect.get(
            f"/{slug}", headers=headers, allow_redirects=False
        ) as scanned:
            assert scanned.status == 302
            assert scanned.headers["Location"] == answer["targetUrl"], os
    # A rule that holds still wins over the store.
    tested = await api_client.post(
        f"/v1/codes/{code['id']}/rules/test", json={"country": "DE", "os": "iOS"}, headers=auth
    )
    assert (await tested.json())["targetUrl"] == "https://example.com/de"


async def test_a_forwarded_query_is_on_the_testers_target(
    infra: Infrastructure, api_client: Client, proxied_redirect: Client
) -> None:
    """A code that forwards the scanned URL's query: the tester's target carries the query it
    was given, as the redirect's Location does, for a rule's target and the code's own."""
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    slug = f"fwd-{uuid.uuid4().hex[:8]}"
    body = {"targetUrl": "https://example.com/menu?lang=en", "slug": slug, "forwardQuery": True}
    made = await api_client.post("/v1/codes", json=body, headers=auth)
    code = await made.json()
    assert made.status == 201, code
    rule = {
        "type": "query",
        "targetUrl": "https://example.com/spring",
        "condition": {"queryParam": "campaign", "queryValues": ["spring"]},
    }
    added = await api_client.post(f"/v1/codes/{code['id']}/routing-rules", json=rule, headers=auth)
    assert added.status == 201, await added.text()
    await eventually(lambda: _async(_rules_applied(proxied_redirect, slug, 1)))

    expected = {
        "campaign=spring&utm_source=poster": "https://example.com/spring?campaign=spring&utm_source=poster",
        "utm_source=poster": "https://example.com/menu?lang=en&utm_source=poster",
    }
    for query, location in expected.items():
        params = dict(pair.split("=") for pair in query.split("&"))
        tested = await api_client.post(
            f"/v1/codes/{code['id']}/rules/test", json={"query": params}, headers=auth
        )
        answer = await tested.json()
        assert tested.status == 200, answer
        assert answer["targetUrl"] == location, answer
        async with proxied_redirect.get(
            f"/{slug}?{query}", headers={"User-Agent": IPHONE}, allow_redirects=False
        ) as scanned:
            assert scanned.status == 302
            assert scanned.headers["Location"] == location

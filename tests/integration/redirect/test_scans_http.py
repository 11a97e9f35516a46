"""Every branch of the resolution order over HTTP, with the table fed through the real Kafka,
and the scan events each scan produced, read back from `qr.scans.v2`."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qrstack_common.events import (
    SCANS_TOPIC_V2,
    CodeSnapshot,
    DomainSnapshot,
    RuleConditions,
    RuleSnapshot,
    ScanEvent,
)
from qrstack_common.scan_wire import decode_scan
from qrstack_launcher.stack import Infrastructure
from qrstack_redirect.app import ROUTES
from support.kafka import find_records
from support.waiting import eventually

from .conftest import Client, Publish, held, location_of, read_topic

pytestmark = pytest.mark.infra

WS = uuid.uuid4()
NOW = datetime.now(UTC)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
PIXEL = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36"
)
FALLBACK = "https://example.com/fallback"


def code(slug: str, **fields: Any) -> CodeSnapshot:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "workspace_id": WS,
        "slug": slug,
        "type": "url",
        "target_url": f"https://example.com/{slug}",
        "version": 1,
        "updated_at": NOW,
    }
    values.update(fields)
    return CodeSnapshot(**values)


async def scan_events(infra: Infrastructure, code_id: uuid.UUID, count: int) -> list[ScanEvent]:
    records = await find_records(
        infra.kafka_bootstrap, SCANS_TOPIC_V2, lambda r: r.key == str(code_id).encode(), count=count
    )
    return [decode_scan(r.value).to_event() for r in records]


async def test_every_branch_answers_as_designed(
    redirect: Client, publish: Publish, infra: Infrastructure
) -> None:
    run = secrets.token_hex(3)
    rule = RuleSnapshot(
        id=uuid.uuid4(),
        type="device",
        priority=1,
        target_url="https://example.com/android",
        conditions=RuleConditions(os_in=("Android",)),
    )
    codes = {
        "plain": code(f"{run}-plain"),
        "moved": code(
            f"{run}-moved",
            redirect_status=301,
            forward_query=True,
            target_url="https://example.com/moved?a=1",
        ),
        "deleted": code(f"{run}-deleted", status="deleted", fallback_url=FALLBACK),
        "suspended": code(f"{run}-suspended", status="suspended"),
        "early": code(f"{run}-early", active_from=NOW + timedelta(days=1), fallback_url=FALLBACK),
        "expired": code(f"{run}-expired", expires_at=NOW - timedelta(days=1)),
        "ruled": code(f"{run}-ruled", rules=(rule,)),
        "app": code(
            f"{run}-app",
            type="app",
            target_url=None,
            page={"iosAppId": "284882215", "androidPackageName": "com.example.app"},
        ),
        "links": code(
            f"{run}-links",
            type="list-of-links",
            target_url=None,
            page={"title": "My links", "items": [{"label": "Shop", "url": "https://shop.test/"}]},
        ),
        "untracked": code(f"{run}-untracked", scan_tracking=False),
    }
    domain = DomainSnapshot(
        host=f"{run}.qr.test",
        workspace_id=WS,
        not_found_url="https://example.com/domain-404",
        base_url="https://example.com/home",
        updated_at=NOW,
    )
    on_domain = code(f"{run}-plain", domain=f"{run}.qr.test", target_url="https://example.com/d")
    await publish([*codes.values(), domain, on_domain])
    await eventually(lambda: _all_held(redirect, [c.slug for c in codes.values()]))
    await eventually(lambda: _all_held(redirect, [on_domain.slug], domain.host))
    await eventually(lambda: _domain_known(redirect, domain.host))

    async def scan(slug: str, ua: str = IPHONE, **extra: str) -> Any:
        return await redirect.get(
            f"/{slug}", allow_redirects=False, headers={"User-Agent": ua, **extra}
        )

    answers = {
        "plain": await scan(codes["plain"].slug),
        "moved": await scan(codes["moved"].slug + "?utm_source=qr"),
        "deleted": await scan(codes["deleted"].slug),
        "suspended": await scan(codes["suspended"].slug),
        "early": await scan(codes["early"].slug),
        "expired": await scan(codes["expired"].slug),
        "ruled-ios": await scan(codes["ruled"].slug),
        "ruled-android": await scan(codes["ruled"].slug, PIXEL),
        "app-ios": await scan(codes["app"].slug),
        "app-android": await scan(codes["app"].slug, PIXEL),
        "links": await scan(codes["links"].slug),
        "unknown": await scan(f"{run}-nothing"),
        "unknown-on-domain": await scan(f"{run}-nothing", Host=domain.host),
        "on-domain": await scan(on_domain.slug, Host=f"{domain.host}:443"),
    }
    expected = {
        "plain": (302, "https://example.com/" + codes["plain"].slug),
        "moved": (301, "https://example.com/moved?a=1&utm_source=qr"),
        "deleted": (302, FALLBACK),
        "suspended": (404, None),
        "early": (302, FALLBACK),
        "expired": (410, None),
        "ruled-ios": (302, "https://example.com/" + codes["ruled"].slug),
        "ruled-android": (302, "https://example.com/android"),
        "app-ios": (302, "https://apps.apple.com/app/id284882215"),
        "app-android": (302, "https://play.google.com/store/apps/details?id=com.example.app"),
        "links": (200, None),
        "unknown": (404, None),
        "unknown-on-domain": (302, "https://example.com/domain-404"),
        "on-domain": (302, "https://example.com/d"),
    }
    assert {k: (r.status, r.headers.get("Location")) for k, r in answers.items()} == expected
    for response in answers.values():
        assert response.headers["Cache-Control"] == "private, no-store"
    page = await answers["links"].text()
    assert "My links" in page and 'href="https://shop.test/"' in page
    assert answers["links"].headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "not active" in await answers["expired"].text()
    home = await redirect.get("/", allow_redirects=False, headers={"Host": domain.host})
    assert (home.status, home.headers["Location"]) == (302, "https://example.com/home")

    [ruled_ios, ruled_android] = await scan_events(infra, codes["ruled"].id, 2)
    assert {(e.os, e.target, e.rule_id) for e in (ruled_ios, ruled_android)} == {
        ("iOS", "https://example.com/" + codes["ruled"].slug, None),
        ("Android", "https://example.com/android", rule.id),
    }
    [links] = await scan_events(infra, codes["links"].id, 1)
    assert (links.outcome, links.target, links.device) == ("page", None, "mobile")
    [deleted] = await scan_events(infra, codes["deleted"].id, 1)
    assert (deleted.outcome, deleted.workspace_id, deleted.slug) == (
        "fallback",
        WS,
        codes["deleted"].slug,
    )
    orphans = await find_records(
        infra.kafka_bootstrap,
        SCANS_TOPIC_V2,
        lambda r: r.key == f"{domain.host}/{run}-nothing".encode(),
    )
    orphan = decode_scan(orphans[0].value).to_event()
    assert (orphan.outcome, orphan.code_id, orphan.workspace_id) == ("not_found", None, WS)


async def test_head_and_bots_are_answered_but_not_counted(
    redirect: Client, publish: Publish, infra: Infrastructure
) -> None:
    counted = code(f"{secrets.token_hex(3)}-counted")
    await publish([counted])
    await eventually(lambda: _all_held(redirect, [counted.slug]))
    for _ in range(3):  # HEAD: answered, never recorded
        assert await location_of(redirect, counted.slug) == counted.target_url
    slack = {"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}
    bot = await redirect.get(f"/{counted.slug}", allow_redirects=False, headers=slack)
    person = await redirect.get(
        f"/{counted.slug}", allow_redirects=False, headers={"User-Agent": IPHONE}
    )
    assert bot.headers["Location"] == person.headers["Location"] == counted.target_url
    events = await scan_events(infra, counted.id, 2)
    assert sorted((e.is_bot, e.bot_reason, e.device) for e in events) == [
        (False, None, "mobile"),
        (True, "preview:slack", "bot"),
    ]


async def test_untracked_codes_send_no_events(
    redirect: Client, publish: Publish, infra: Infrastructure
) -> None:
    quiet, loud = (
        code(f"{secrets.token_hex(3)}-q", scan_tracking=False),
        code("x" + secrets.token_hex(4)),
    )
    await publish([quiet, loud])
    await eventually(lambda: _all_held(redirect, [quiet.slug, loud.slug]))
    await redirect.get(f"/{quiet.slug}", allow_redirects=False)
    await redirect.get(f"/{loud.slug}", allow_redirects=False)
    await scan_events(infra, loud.id, 1)  # the later scan arrived, so the earlier one would have
    found = await read_topic(
        infra.kafka_bootstrap, SCANS_TOPIC_V2, lambda r: r.key == str(quiet.id).encode()
    )
    assert found == []


async def _all_held(client: Client, slugs: list[str], host: str = "") -> bool:
    return all(held(client, slug, host) for slug in slugs)


async def _domain_known(client: Client, host: str) -> bool:
    return client.app[ROUTES].table.domain(host) is not None

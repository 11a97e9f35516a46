"""Scan events written on the hot path (`qr.scans.v2`) read back as the contract's events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from qrstack_common.events import ScanEvent, scan_key
from qrstack_common.scan_wire import decode_scan, scan_to_v2
from qrstack_redirect.scanner import ClientFacts
from qrstack_redirect.scans.encoding import ScanIds, encode_scan

PERSON = ClientFacts(
    "203.0.113.9", "DE", "Bavaria", "DE-BY", "München", "mobile", "iOS", "Safari",
    "de", "l.instagram.com", False, None, "Mozilla/5.0 (iPhone)",
)  # fmt: skip
BOT = ClientFacts(
    None, None, None, None, None, "bot", None, None, None, None, True, "preview:slack", "Slackbot",
)  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "ts", "ids"),
    [
        (PERSON, datetime(2026, 11, 21, 12, 30, 5, 123456, tzinfo=UTC), True),
        (BOT, datetime(2026, 1, 1, tzinfo=UTC), False),  # whole second, orphan scan
    ],
)
def test_the_encoding_is_the_contracts(facts: ClientFacts, ts: datetime, ids: bool) -> None:
    scan_id = ScanIds().next()
    code_id, workspace_id, rule_id = (str(uuid.uuid4()) for _ in range(3))
    fields = {
        "workspace_id": workspace_id if ids else None,
        "code_id": code_id if ids else None,
        "rule_id": rule_id if ids else None,
        "variant": "b" if ids else None,
        "target": 'https://example.com/ü?a=1&b="2"' if ids else None,
        "outcome": "redirect" if ids else "not_found",
        "ip_prefix": "203.0.113.0/24" if ids else None,
    }
    encoded = encode_scan(
        scan_id=scan_id, ts=ts, domain="qr.acme.com", slug="menu", facts=facts,
        visitor_hash="ab" * 16, **fields,  # type: ignore[arg-type]
    )  # fmt: skip
    event = ScanEvent(
        scan_id=uuid.UUID(hex=scan_id),
        ts=ts,
        domain="qr.acme.com",
        slug="menu",
        country=facts.country,
        region=facts.region,
        city=facts.city,
        device=facts.device,
        os=facts.os,
        browser=facts.browser,
        referrer=facts.referrer,
        language=facts.language,
        is_bot=facts.is_bot,
        bot_reason=facts.bot_reason,
        visitor_hash="ab" * 16,
        **fields,
    )
    assert decode_scan(encoded).to_event() == event
    assert encoded == scan_to_v2(event)
    assert scan_key(fields["code_id"], "qr.acme.com", "menu") == event.kafka_key()


QUIET = PERSON._replace(referrer=None, language=None, browser=None)  # a longer default tail


@pytest.mark.parametrize("facts", [PERSON, BOT, QUIET], ids=["person", "bot", "quiet"])
@pytest.mark.parametrize("tail", ["none", "rule", "variant", "ip_prefix", "all"])
def test_every_tail_is_written_as_the_contract_writes_it(facts: ClientFacts, tail: str) -> None:
    """The hot path cuts the usual tail (not a bot, no rule, variant or IP prefix) in one
    step; any one of them present, or a bot, keeps it, and the bytes stay the contract's."""
    rule_id = str(uuid.uuid4()) if tail in ("rule", "all") else None
    variant = "control" if tail in ("variant", "all") else None
    prefix = "203.0.113.0/24" if tail in ("ip_prefix", "all") else None
    scan_id, ts = ScanIds().next(), datetime(2026, 12, 7, 9, 0, 1, 5, tzinfo=UTC)
    encoded = encode_scan(
        scan_id=scan_id, ts=ts, workspace_id=None, code_id=str(uuid.uuid4()), domain="qr.test",
        slug="s", rule_id=rule_id, variant=variant, target="https://example.com/",
        outcome="redirect", facts=facts, visitor_hash="cd" * 16, ip_prefix=prefix,
    )  # fmt: skip
    assert encoded == scan_to_v2(decode_scan(encoded))
    scan = decode_scan(encoded)
    assert (scan.is_bot, scan.variant, scan.ip_prefix) == (facts.is_bot, variant, prefix)
    assert (str(scan.rule_id) if scan.rule_id else None) == rule_id
    assert scan.language == facts.language and scan.browser == facts.browser


def test_scan_ids_are_distinct_uuids_of_version_8() -> None:
    first, second = ScanIds(), ScanIds()
    ids = [first.next() for _ in range(1000)] + [second.next() for _ in range(1000)]
    assert len(set(ids)) == 2000
    for text in ids[:3] + ids[-3:]:
        parsed = uuid.UUID(hex=text)
        assert parsed.hex == text
        assert parsed.version == 8 and parsed.variant == uuid.RFC_4122

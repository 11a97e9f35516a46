"""The slug table applies the compacted topics as the redirect service sees them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC, CodeSnapshot, DomainSnapshot
from qrstack_redirect.table.slug_table import PLATFORM_HOST, SlugTable

WS = uuid.uuid4()
NOW = datetime(2026, 11, 21, tzinfo=UTC)


def snapshot(code_id: uuid.UUID, slug: str, version: int, **extra: object) -> bytes:
    return CodeSnapshot(
        id=code_id,
        workspace_id=WS,
        slug=slug,
        type="url",
        target_url=f"https://example.com/{slug}/{version}",
        version=version,
        updated_at=NOW,
        **extra,  # type: ignore[arg-type]
    ).to_bytes()


def test_a_slug_change_frees_the_old_slug() -> None:
    table, code = SlugTable(), uuid.uuid4()
    table.apply(CODES_TOPIC, str(code).encode(), snapshot(code, "old", 1))
    table.apply(CODES_TOPIC, str(code).encode(), snapshot(code, "new", 2))
    assert table.lookup(PLATFORM_HOST, "old") is None
    found = table.lookup(PLATFORM_HOST, "new")
    assert found is not None and found.code.target_url == "https://example.com/new/2"
    assert len(table) == 1


def test_an_older_snapshot_delivered_again_does_not_roll_back() -> None:
    table, code = SlugTable(), uuid.uuid4()
    table.apply(CODES_TOPIC, str(code).encode(), snapshot(code, "s", 2))
    table.apply(CODES_TOPIC, str(code).encode(), snapshot(code, "s", 1))
    found = table.lookup(PLATFORM_HOST, "s")
    assert found is not None and found.code.version == 2


def test_a_tombstone_removes_the_code() -> None:
    table, code = SlugTable(), uuid.uuid4()
    table.apply(CODES_TOPIC, str(code).encode(), snapshot(code, "gone", 1))
    table.apply(CODES_TOPIC, str(code).encode(), None)
    assert table.lookup(PLATFORM_HOST, "gone") is None and len(table) == 0


def test_an_invalid_record_is_skipped_and_counted() -> None:
    table = SlugTable()
    table.apply(CODES_TOPIC, b"x", b'{"not": "a snapshot"}')
    assert len(table) == 0 and table.rejected == 1


def test_custom_domains_separate_equal_slugs() -> None:
    table, a, b = SlugTable(), uuid.uuid4(), uuid.uuid4()
    table.apply(
        DOMAINS_TOPIC,
        b"qr.acme.com",
        DomainSnapshot(host="qr.acme.com", workspace_id=WS, updated_at=NOW).to_bytes(),
    )
    table.apply(CODES_TOPIC, str(a).encode(), snapshot(a, "menu", 1))
    table.apply(CODES_TOPIC, str(b).encode(), snapshot(b, "menu", 1, domain="qr.acme.com"))
    assert table.table_host("QR.ACME.COM:443") == "qr.acme.com"
    assert table.table_host("127.0.0.1:8001") == PLATFORM_HOST
    on_acme = table.lookup("qr.acme.com", "menu")
    on_platform = table.lookup(PLATFORM_HOST, "menu")
    assert on_acme is not None and on_acme.code.id == b
    assert on_platform is not None and on_platform.code.id == a

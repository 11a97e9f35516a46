"""The slug table applies the compacted topics as the redirect service sees them, and keeps
each code small."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC, CodeSnapshot, DomainSnapshot
from qrstack_redirect.table.records import CodeEntry, plain_target, record_version
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
        **extra,
    ).to_bytes()


def put(table: SlugTable, code: uuid.UUID, slug: str, version: int, **extra: object) -> None:
    table.apply(CODES_TOPIC, str(code).encode(), snapshot(code, slug, version, **extra))


def target(table: SlugTable, slug: str, host: str = PLATFORM_HOST) -> str | None:
    record = table.lookup(host, slug)
    if record is None:
        return None
    if isinstance(record, CodeEntry):
        return record.code.target_url
    return plain_target(record)


def test_a_slug_change_frees_the_old_slug() -> None:
    table, code = SlugTable(), uuid.uuid4()
    put(table, code, "old", 1)
    put(table, code, "new", 2)
    assert table.lookup(PLATFORM_HOST, "old") is None
    assert target(table, "new") == "https://example.com/new/2"
    assert len(table) == 1


def test_an_older_snapshot_delivered_again_does_not_roll_back() -> None:
    table, code = SlugTable(), uuid.uuid4()
    put(table, code, "s", 2)
    put(table, code, "moved", 1)
    found = table.lookup(PLATFORM_HOST, "s")
    assert found is not None and record_version(found) == 2
    assert table.lookup(PLATFORM_HOST, "moved") is None


def test_a_tombstone_removes_the_code() -> None:
    table, code = SlugTable(), uuid.uuid4()
    put(table, code, "gone", 1, max_scans=5)
    table.apply(CODES_TOPIC, str(code).encode(), None)
    assert table.lookup(PLATFORM_HOST, "gone") is None and len(table) == 0
    table.apply(CODES_TOPIC, str(code).encode(), None)  # a repeated tombstone changes nothing
    table.apply(CODES_TOPIC, b"not-a-uuid", None)
    assert table.rejected == 1


def test_an_invalid_record_is_skipped_and_counted() -> None:
    table = SlugTable()
    table.apply(CODES_TOPIC, b"x", b'{"not": "a snapshot"}')
    assert len(table) == 0 and table.rejected == 1


def test_a_snapshot_that_cannot_be_served_leaves_the_previous_one() -> None:
    table, code = SlugTable(), uuid.uuid4()
    put(table, code, "menu", 1)
    broken = CodeSnapshot(
        id=code, workspace_id=WS, slug="menu", type="menu", page={"sections": []},
        version=2, updated_at=NOW,
    ).to_bytes()  # fmt: skip
    table.apply(CODES_TOPIC, str(code).encode(), broken)
    assert target(table, "menu") == "https://example.com/menu/1"
    assert table.rejected == 1


def test_a_code_taking_a_slug_still_held_by_another_keeps_both_codes_consistent() -> None:
    # a moves from "x" to "y" and b takes "x", but b's snapshot arrives first (another
    # partition): b wins "x" at once, and a's move later must not remove b.
    table, a, b = SlugTable(), uuid.uuid4(), uuid.uuid4()
    put(table, a, "x", 1)
    put(table, b, "x", 1)
    assert target(table, "x") == "https://example.com/x/1"
    assert len(table) == 1  # a no longer holds a key
    put(table, a, "y", 2)
    found = table.lookup(PLATFORM_HOST, "x")
    assert found is not None and found.startswith(b.bytes)  # type: ignore[union-attr]
    assert target(table, "y") == "https://example.com/y/2"
    table.apply(CODES_TOPIC, str(a).encode(), None)
    assert table.lookup(PLATFORM_HOST, "x") is not None and len(table) == 1


def test_custom_domains_separate_equal_slugs() -> None:
    table, a, b = SlugTable(), uuid.uuid4(), uuid.uuid4()
    table.apply(
        DOMAINS_TOPIC,
        b"qr.acme.com",
        DomainSnapshot(host="qr.acme.com", workspace_id=WS, updated_at=NOW).to_bytes(),
    )
    put(table, a, "menu", 1)
    put(table, b, "menu", 1, domain="qr.acme.com")
    assert table.table_host("QR.ACME.COM:443") == "qr.acme.com"
    assert table.table_host("127.0.0.1:8001") == PLATFORM_HOST
    on_acme = table.lookup("qr.acme.com", "menu")
    on_platform = table.lookup(PLATFORM_HOST, "menu")
    assert on_acme is not None and on_acme.startswith(b.bytes)  # type: ignore[union-attr]
    assert on_platform is not None and on_platform.startswith(a.bytes)  # type: ignore[union-attr]
    put(table, b, "menu", 2)  # moved to the platform domain: its slug there is taken by a
    assert table.lookup("qr.acme.com", "menu") is None
    table.apply(DOMAINS_TOPIC, b"qr.acme.com", None)
    assert table.table_host("qr.acme.com") == PLATFORM_HOST


def test_a_deleted_domain_is_forgotten() -> None:
    table = SlugTable()
    live = DomainSnapshot(host="go.shop.test", workspace_id=WS, updated_at=NOW)
    table.apply(DOMAINS_TOPIC, b"go.shop.test", live.to_bytes())
    assert table.domain("go.shop.test") == live
    deleted = live.model_copy(update={"status": "deleted"})
    table.apply(DOMAINS_TOPIC, b"go.shop.test", deleted.to_bytes())
    assert table.domain("go.shop.test") is None


def test_the_table_agrees_with_a_plain_dict_through_random_updates() -> None:
    rng = random.Random(7)
    table = SlugTable()
    model: dict[uuid.UUID, tuple[str, int]] = {}
    codes = [uuid.uuid4() for _ in range(300)]
    versions = dict.fromkeys(codes, 0)
    holder: dict[str, uuid.UUID] = {}
    for _ in range(5000):
        code = rng.choice(codes)
        if rng.random() < 0.15:
            table.apply(CODES_TOPIC, str(code).encode(), None)
            model.pop(code, None)
            holder = {s: c for s, c in holder.items() if c != code}
            continue
        versions[code] += 1
        slug = f"s{rng.randrange(2000)}"
        if slug in holder and holder[slug] != code:
            continue  # the API never gives one slug to two codes
        put(table, code, slug, versions[code])
        holder = {s: c for s, c in holder.items() if c != code}
        holder[slug] = code
        model[code] = (slug, versions[code])
    assert len(table) == len(model)
    for slug, version in model.values():
        assert target(table, slug) == f"https://example.com/{slug}/{version}"


def _url_snapshots(count: int, prefix: str) -> list[tuple[bytes, bytes]]:
    return [
        (
            str(code).encode(),
            CodeSnapshot(
                id=code,
                workspace_id=WS,
                slug=f"{prefix}{n:07x}",
                type="url",
                target_url=f"https://www.example.com/products/{prefix}-{n:07d}?ref=qr",
                version=1,
                updated_at=NOW,
            ).to_bytes(),
        )
        for n, code in enumerate(uuid.uuid4() for _ in range(count))
    ]


def test_a_plain_code_costs_under_250_bytes() -> None:
    """Memory per code as the issue states it: 1M codes in at most 250 MB. Counted here on
    8,192 codes (8-character slugs, 54-character https URLs): the table's hash arrays are then
    as full as at 1M codes (3/4 and 1/2), so the cost per code is the same; the bench measures
    the million itself, in a process of its own."""
    count = 8_192
    table = SlugTable()
    for key, value in _url_snapshots(count, "s"):
        table.apply(CODES_TOPIC, key, value)
    assert len(table) == count
    assert table.footprint() / count <= 250, f"{table.footprint() / count:.0f} bytes per code"

"""Synthetic scan events with realistic shapes, for benchmarks, load tests and test data.

`scan_event` builds one valid event (every field overridable). `ScanGenerator` draws streams of
them from a seeded random source: codes with Zipf-like popularity (code i is scanned about
1/(i+1) as often as code 0), countries with their regions and cities, device/OS/browser mixes, a
few referrers, 2 % bots, and a pool of visitors per code so unique-scanner counts are
meaningful. The same seed gives the same codes and the same stream.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from qrstack_common.events import ScanEvent
from qrstack_common.scan_wire import encode_scan

# (country, its regions, weight)
COUNTRIES = (
    ("US", ("California", "New York", "Texas", "Illinois"), 30),
    ("DE", ("Bavaria", "Berlin", "Hesse"), 12),
    ("IN", ("Maharashtra", "Karnataka", "Delhi"), 12),
    ("GB", ("England", "Scotland"), 8),
    ("FR", ("Île-de-France", "Occitanie"), 7),
    ("BR", ("São Paulo", "Rio de Janeiro"), 7),
    ("JP", ("Tokyo", "Osaka"), 6),
    ("CA", ("Ontario", "Quebec"), 5),
    ("ES", ("Madrid", "Catalonia"), 4),
    ("AU", ("New South Wales", "Victoria"), 4),
    ("NL", ("North Holland",), 3),
    ("MX", ("Jalisco", "Mexico City"), 2),
)
# (device, OS, browser, weight)
CLIENTS = (
    ("mobile", "iOS", "Safari", 35),
    ("mobile", "Android", "Chrome", 35),
    ("mobile", "Android", "Samsung Internet", 6),
    ("desktop", "Windows", "Chrome", 9),
    ("desktop", "macOS", "Safari", 5),
    ("desktop", "Windows", "Edge", 4),
    ("tablet", "iOS", "Safari", 4),
    ("desktop", "Linux", "Firefox", 2),
)
REFERRERS = (None, None, None, None, "instagram.com", "t.co", "google.com", "facebook.com")


def scan_event(**fields: Any) -> ScanEvent:
    """One valid scan event: a redirect of a mobile Safari scan in the US unless overridden."""
    values: dict[str, Any] = {
        "scan_id": uuid.uuid4(),
        "ts": datetime.now(UTC),
        "workspace_id": uuid.uuid4(),
        "code_id": uuid.uuid4(),
        "domain": "qr.example.test",
        "slug": "promo",
        "target": "https://example.com/landing",
        "outcome": "redirect",
        "country": "US",
        "region": "California",
        "city": "San Francisco",
        "device": "mobile",
        "os": "iOS",
        "browser": "Safari",
        "language": "en",
        "visitor_hash": uuid.uuid4().hex,
    }
    values.update(fields)
    return ScanEvent.model_validate(values)


@dataclass
class ScanGenerator:
    """Scans of `codes` codes of one workspace."""

    codes: int
    seed: int = 1
    visitors_per_code: int = 2000
    workspace_id: uuid.UUID = field(default_factory=lambda: uuid.UUID(int=0xA11, version=4))
    code_ids: list[uuid.UUID] = field(init=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.code_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(self.codes)]
        self._weights = [1.0 / (i + 1) for i in range(self.codes)]

    def fields(
        self, count: int, start: datetime, span: timedelta, *, chunk: int = 0
    ) -> Iterator[dict[str, Any]]:
        """`count` scans' fields (JSON-ready), uniformly over `[start, start + span)`, in time
        order as live traffic arrives. `chunk` varies the stream for the same arguments."""
        rng = random.Random(self.seed * 1_000_003 + chunk)
        span_ms = max(1, int(span / timedelta(milliseconds=1)))
        offsets = sorted(rng.randrange(span_ms) for _ in range(count))
        codes = rng.choices(range(self.codes), self._weights, k=count)
        countries = rng.choices(COUNTRIES, [c[2] for c in COUNTRIES], k=count)
        clients = rng.choices(CLIENTS, [c[3] for c in CLIENTS], k=count)
        workspace = str(self.workspace_id)
        for offset, code, country, client in zip(offsets, codes, countries, clients, strict=True):
            region = rng.choice(country[1])
            is_bot = rng.random() < 0.02
            yield {
                "scan_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "ts": start + timedelta(milliseconds=offset),
                "workspace_id": workspace,
                "code_id": str(self.code_ids[code]),
                "domain": "qr.example.test",
                "slug": f"c{code}",
                "rule_id": None,
                "variant": None,
                "target": f"https://example.com/c/{code}",
                "outcome": "redirect",
                "country": country[0],
                "region": region,
                "city": f"{region} {rng.randrange(12)}",
                "device": "bot" if is_bot else client[0],
                "os": client[1],
                "browser": client[2],
                "referrer": rng.choice(REFERRERS),
                "language": "en",
                "is_bot": is_bot,
                "bot_reason": "crawler" if is_bot else None,
                "visitor_hash": f"{code:x}.{rng.randrange(self.visitors_per_code):x}",
                "ip_prefix": None,
            }

    def events(
        self, count: int, start: datetime, span: timedelta, *, chunk: int = 0
    ) -> Iterator[ScanEvent]:
        for values in self.fields(count, start, span, chunk=chunk):
            yield ScanEvent.model_validate(values)

    def records(
        self, count: int, start: datetime, span: timedelta, *, chunk: int = 0, version: int = 1
    ) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) Kafka records in the `qr.scans.v1` (or v2) wire format, without
        building models (fast enough to load millions)."""
        for values in self.fields(count, start, span, chunk=chunk):
            key = values["code_id"].encode()
            if version == 2:
                yield key, encode_scan(**values)
            else:
                yield key, orjson.dumps(values, option=orjson.OPT_UTC_Z)

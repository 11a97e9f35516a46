"""Synthetic scan events with realistic shapes, for benchmarks, load tests and test data.

`scan_event` builds one valid event (every field overridable); `ScanGenerator` draws a stream
of them from a seeded random source: codes with Zipf-like popularity, countries with their
regions and cities, device/OS/browser mixes, a few referrers, 2 % bots, and visitors reused
within a code so unique-scanner counts are meaningful. The same seed gives the same stream.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from qrstack_common.events import ScanEvent

_COUNTRIES = (
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
_CLIENTS = (
    ("mobile", "iOS", "Safari", 35),
    ("mobile", "Android", "Chrome", 35),
    ("mobile", "Android", "Samsung Internet", 6),
    ("desktop", "Windows", "Chrome", 9),
    ("desktop", "macOS", "Safari", 5),
    ("desktop", "Windows", "Edge", 4),
    ("tablet", "iOS", "Safari", 4),
    ("desktop", "Linux", "Firefox", 2),
)
_REFERRERS = (None, None, None, None, "instagram.com", "t.co", "google.com", "facebook.com")


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
    """Scans of `codes` codes in one workspace, `start` + uniformly over `span`, time-ordered
    when drawn with `ordered=True` (as live traffic arrives)."""

    codes: int
    start: datetime
    span: timedelta
    seed: int = 1
    workspace_id: uuid.UUID = field(default_factory=lambda: uuid.UUID(int=0xA11))
    code_ids: list[uuid.UUID] = field(init=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.code_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(self.codes)]
        # Zipf-like popularity: code i is scanned about 1/(i+1) as often as code 0.
        self._code_weights = [1.0 / (i + 1) for i in range(self.codes)]

    def events(self, count: int, *, ordered: bool = True) -> Iterator[ScanEvent]:
        rng = random.Random(self.seed * 7919 + count)
        span_ms = int(self.span / timedelta(milliseconds=1))
        offsets: Sequence[int] = [rng.randrange(span_ms) for _ in range(count)]
        if ordered:
            offsets = sorted(offsets)
        codes = rng.choices(range(self.codes), self._code_weights, k=count)
        countries = rng.choices(_COUNTRIES, [c[2] for c in _COUNTRIES], k=count)
        clients = rng.choices(_CLIENTS, [c[3] for c in _CLIENTS], k=count)
        for offset, code, country, client in zip(offsets, codes, countries, clients, strict=True):
            region = rng.choice(country[1])
            is_bot = rng.random() < 0.02
            yield ScanEvent(
                scan_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                ts=self.start + timedelta(milliseconds=offset),
                workspace_id=self.workspace_id,
                code_id=self.code_ids[code],
                domain="qr.example.test",
                slug=f"c{code}",
                target=f"https://example.com/c/{code}",
                outcome="redirect",
                country=country[0],
                region=region,
                city=f"{region} {rng.randrange(12)}",
                device="bot" if is_bot else client[0],
                os=client[1],
                browser=client[2],
                referrer=rng.choice(_REFERRERS),
                language="en",
                is_bot=is_bot,
                bot_reason="crawler" if is_bot else None,
                visitor_hash=f"{code:x}-{rng.randrange(max(50, count // (4 * self.codes))):x}",
            )

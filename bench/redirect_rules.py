"""Micro benchmark of the redirect's per-scan decision logic: reading client facts and matching
routing rules, against a bare dict lookup (the floor of any handler).

Run: .venv/bin/python bench/redirect_rules.py   (builds a small GeoIP database in a temp dir;
needs the dev dependencies for mmdb-writer). Prints one row per case: ns per call, best of 5.
"""

from __future__ import annotations

import sys
import tempfile
import timeit
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mmdb_writer import MMDBWriter
from multidict import CIMultiDict, CIMultiDictProxy
from netaddr import IPSet  # type: ignore[import-untyped]

from qrstack_common.events import RuleConditions, RuleSnapshot
from qrstack_common.rules import compile_rules
from qrstack_redirect.scanner import (
    ClientFactsReader,
    GeoDatabase,
    TrustedProxies,
    UserAgentParser,
    visitor_hash,
    visitor_key,
)

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)


def build_city_db(path: Path) -> None:
    """A GeoLite2-City-shaped database: 256 /24 networks with full multilingual records."""
    writer = MMDBWriter(ip_version=6, database_type="GeoLite2-City", ipv4_compatible=True)
    names = {lang: "Springfield" for lang in ("de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh")}
    for n in range(256):
        record = {
            "city": {"geoname_id": 1000 + n, "names": names},
            "continent": {"code": "NA", "geoname_id": 6255149, "names": names},
            "country": {"geoname_id": 6252001, "iso_code": "US", "names": names},
            "location": {"accuracy_radius": 20, "latitude": 37.7, "longitude": -122.4},
            "postal": {"code": "94107"},
            "registered_country": {"geoname_id": 6252001, "iso_code": "US", "names": names},
            "subdivisions": [{"geoname_id": 5332921, "iso_code": "CA", "names": names}],
        }
        writer.insert_network(IPSet([f"100.{n}.0.0/24"]), record)
    writer.to_db_file(str(path))


def rule(priority: int, weight: int | None = None, **conditions: Any) -> RuleSnapshot:
    return RuleSnapshot(
        id=uuid.uuid4(),
        type="ab" if weight else "geo",
        priority=priority,
        target_url=f"https://example.com/{priority}",
        conditions=RuleConditions(**conditions),
        weight=weight,
    )


def rule_set(size: int) -> list[RuleSnapshot]:
    """`size` rules of every kind, none of which matches the benchmark's scanner."""
    kinds: list[dict[str, Any]] = [
        {"country_in": ("DE", "FR", "GB")},
        {"device_in": ("tablet",), "os_in": ("Android",)},
        {"language_in": ("de", "fr")},
        {"start_time": "22:00", "end_time": "06:00", "timezone": "America/Chicago"},
        {"query_param": "utm_source", "query_values": ("flyer",)},
        {"browser_in": ("Firefox", "Edge")},
        {"region_in": ("Bavaria",), "city_in": ("Munich",)},
        {"ip_in": ("198.51.100.0/24", "2001:db8::/32")},
        {"days_of_week": (0, 6), "timezone": "Europe/Berlin"},
        {"country_in": ("US",), "device_in": ("desktop",)},
    ]
    return [rule(p, **kinds[p % len(kinds)]) for p in range(size)]


def ns_per_call(fn: Callable[[], object]) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(number, 20_000)
    return min(timer.repeat(repeat=5, number=number)) / number * 1e9


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "city.mmdb"
        build_city_db(db_path)
        geo = GeoDatabase.open(db_path)
        reader = ClientFactsReader(
            agents=UserAgentParser(),
            geo=geo,
            trusted_proxies=TrustedProxies(),
        )
        proxied_reader = ClientFactsReader(
            agents=UserAgentParser(),
            geo=geo,
            trusted_proxies=TrustedProxies(["10.0.0.0/8"]),
        )
        headers = CIMultiDictProxy(
            CIMultiDict(
                {
                    "Host": "qr.example",
                    "User-Agent": IPHONE,
                    "Accept": "text/html,application/xhtml+xml",
                    "Accept-Language": "en-US,en;q=0.9",
                    "Accept-Encoding": "gzip, deflate, br",
                    "Connection": "keep-alive",
                }
            )
        )
        proxied = CIMultiDictProxy(
            CIMultiDict({**headers, "X-Forwarded-For": "100.7.0.9, 10.1.1.1"})
        )
        facts = reader.read("100.7.0.9", headers)
        table = {"abc123": object()}
        fresh_ips = (f"100.{n % 256}.{n // 256 % 256}.{n % 250 + 1}" for n in range(10**9))
        fresh_uas = (f"{IPHONE} build/{n}" for n in range(10**9))
        salt = visitor_key("bench salt")
        today = date(2026, 5, 6)
        query: dict[str, str] = {}

        cases: list[tuple[str, Callable[[], object]]] = [
            ("baseline: dict lookup", lambda: table.get("abc123")),
            ("read facts (UA and IP cached)", lambda: reader.read("100.7.0.9", headers)),
            (
                "read facts behind trusted proxy (cached)",
                lambda: proxied_reader.read("10.0.0.5", proxied),
            ),
            ("read facts, new IP (GeoIP lookup)", lambda: reader.read(next(fresh_ips), headers)),
            ("parse new UA (ua-parser, uncached)", lambda: reader._agents.parse(next(fresh_uas))),
            ("visitor hash", lambda: visitor_hash(facts.ip, facts.user_agent, today, salt)),
        ]
        for size in (0, 5, 20):
            compiled = compile_rules(rule_set(size))
            cases.append(
                (
                    f"match {size:2} rules, none matches",
                    lambda c=compiled: c.match(facts, NOW, query, "scanner"),  # type: ignore[misc]
                )
            )
        first_wins = compile_rules([rule(0, country_in=("US",)), *rule_set(19)])
        cases.append(
            ("match 20 rules, first matches", lambda: first_wins.match(facts, NOW, query, "s"))
        )
        ab_first = compile_rules([rule(0, weight=50), *rule_set(19)])
        cases.append(("match 20 rules, A/B first", lambda: ab_first.match(facts, NOW, query, "s")))

        results = [(label, ns_per_call(fn)) for label, fn in cases]
        geo.close()

    baseline = results[0][1]
    width = max(len(label) for label, _ in results)
    print(f"python {sys.version.split()[0]}, ns per call (best of 5)")
    print(f"{'case':<{width}}  {'ns':>9}  {'x baseline':>10}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 10}")
    for label, ns in results:
        print(f"{label:<{width}}  {ns:9.0f}  {ns / baseline:10.1f}")


if __name__ == "__main__":
    main()

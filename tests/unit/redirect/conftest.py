"""Shared pieces for the redirect's pure-logic tests: a real UA parser, real `.mmdb` files
written with mmdb-writer and opened by maxminddb, and builders for facts and rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet  # type: ignore[import-untyped]

from qrstack_redirect.scanner import GeoDatabase, UserAgentParser
from support.rules import desktop_facts, make_rule  # noqa: F401  # shared fixtures


def _city(country: str, region_code: str, region: str, city: str) -> dict[str, Any]:
    # The GeoLite2-City record layout (the parts the reader uses, plus some it ignores).
    return {
        "city": {"geoname_id": 1, "names": {"en": city, "de": city + " (de)"}},
        "continent": {"code": "XX", "names": {"en": "Somewhere"}},
        "country": {"iso_code": country, "names": {"en": country}},
        "location": {"latitude": 1.5, "longitude": 2.5, "time_zone": "UTC"},
        "subdivisions": [{"iso_code": region_code, "names": {"en": region}}],
    }


CITY_RECORDS: dict[str, dict[str, Any]] = {
    "203.0.113.0/24": _city("US", "CA", "California", "San Francisco"),
    "198.51.100.0/24": _city("DE", "BY", "Bavaria", "Munich"),
    "2001:db8:1::/48": _city("JP", "13", "Tokyo", "Tokyo"),
    "2001:db8:2::/48": _city("BR", "SP", "São Paulo", "São Paulo"),
}


@pytest.fixture(scope="session")
def city_mmdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An IPv6 City database that also answers IPv4 (as GeoLite2 does)."""
    writer = MMDBWriter(
        ip_version=6,
        database_type="GeoLite2-City",
        languages=["en"],
        description="qrstack test city database",
        ipv4_compatible=True,
    )
    for network, record in CITY_RECORDS.items():
        writer.insert_network(IPSet([network]), record)
    path = tmp_path_factory.mktemp("geo") / "city.mmdb"
    writer.to_db_file(str(path))
    return path


@pytest.fixture(scope="session")
def country_mmdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An IPv4-only Country database (no region, no city; registered country fallback)."""
    writer = MMDBWriter(
        ip_version=4, database_type="GeoLite2-Country", languages=["en"], description="test"
    )
    writer.insert_network(IPSet(["203.0.113.0/24"]), {"country": {"iso_code": "US"}})
    writer.insert_network(IPSet(["192.0.2.0/24"]), {"registered_country": {"iso_code": "nl"}})
    path = tmp_path_factory.mktemp("geo") / "country.mmdb"
    writer.to_db_file(str(path))
    return path


@pytest.fixture
def city_db(city_mmdb: Path) -> Iterator[GeoDatabase]:
    with GeoDatabase.open(city_mmdb) as db:
        yield db


@pytest.fixture(scope="session")
def agents() -> UserAgentParser:
    return UserAgentParser(cache_size=256)

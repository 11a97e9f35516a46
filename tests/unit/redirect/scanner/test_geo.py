"""GeoIP lookups in real `.mmdb` files (written by mmdb-writer, read by maxminddb's C reader)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from qrstack_redirect.scanner import NO_GEO, GeoDatabase, GeoFacts


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("203.0.113.77", GeoFacts("US", "California", "US-CA", "San Francisco")),
        ("198.51.100.1", GeoFacts("DE", "Bavaria", "DE-BY", "Munich")),
        ("2001:db8:1:42::9", GeoFacts("JP", "Tokyo", "JP-13", "Tokyo")),
        ("2001:db8:2::1", GeoFacts("BR", "São Paulo", "BR-SP", "São Paulo")),
    ],
    ids=["ipv4 us", "ipv4 de", "ipv6 jp", "ipv6 non-ascii names"],
)
def test_city_database_lookup(city_db: GeoDatabase, ip: str, expected: GeoFacts) -> None:
    assert city_db.lookup(ip) == expected


@pytest.mark.parametrize("ip", ["192.0.2.1", "10.0.0.1", "2001:db8:3::1", "not an ip", ""])
def test_unknown_private_or_malformed_addresses_have_no_geo(city_db: GeoDatabase, ip: str) -> None:
    assert city_db.lookup(ip) == NO_GEO


def test_country_database_gives_country_only(country_mmdb: Path) -> None:
    with GeoDatabase.open(country_mmdb) as db:
        assert db.lookup("203.0.113.9") == GeoFacts("US", None, None, None)
        # Only the registered country known: it stands in, upper-cased.
        assert db.lookup("192.0.2.9") == GeoFacts("NL", None, None, None)
        # An IPv6 address asked of an IPv4-only database is unknown, not an error.
        assert db.lookup("2001:db8:1::1") == NO_GEO


def test_missing_database_means_no_geo_and_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "GeoLite2-City.mmdb"
    with caplog.at_level(logging.WARNING, logger="qrstack_redirect.scanner.geo"):
        db = GeoDatabase.open(missing)
        assert db.lookup("203.0.113.77") == NO_GEO
        assert db.lookup("198.51.100.1") == NO_GEO
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert getattr(warnings[0], "path", None) == str(missing)


def test_corrupt_database_means_no_geo(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.mmdb"
    corrupt.write_bytes(b"this is not a MaxMind database" * 10)
    db = GeoDatabase.open(corrupt)
    assert db.lookup("203.0.113.77") == NO_GEO


def test_unconfigured_database_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        db = GeoDatabase.open(None)
    assert db.lookup("203.0.113.77") == NO_GEO
    assert not caplog.records


def test_closed_database_answers_no_geo(city_mmdb: Path) -> None:
    db = GeoDatabase.open(city_mmdb)
    assert db.lookup("203.0.113.77").country == "US"
    db.close()
    assert db.lookup("203.0.113.77") == NO_GEO

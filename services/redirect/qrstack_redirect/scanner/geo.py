"""Country, region and city of an IP address from a MaxMind-format database.

Any `.mmdb` with the GeoIP2/GeoLite2 City or Country layout works (MaxMind GeoLite2, DB-IP
Lite): `country.iso_code` (else `registered_country.iso_code`), `subdivisions[0]` (`iso_code`,
`names.en`) and `city.names.en`. A Country database simply yields no region or city.

A database that is not configured, missing or unreadable is not an error: the service runs
without geolocation and says so once, in a warning when the database is opened.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import Any, NamedTuple

import maxminddb

log = logging.getLogger(__name__)


class GeoFacts(NamedTuple):
    """Where an address is. Any part may be unknown (`None`)."""

    country: str | None  # ISO 3166-1 alpha-2, upper case
    region: str | None  # subdivision name (English)
    region_code: str | None  # ISO 3166-2, e.g. "US-CA"
    city: str | None  # city name (English)


NO_GEO = GeoFacts(None, None, None, None)


def _text(value: object) -> str | None:
    # Intern: the same few thousand place names repeat across every cached address.
    return sys.intern(value) if isinstance(value, str) and value else None


def _english_name(node: object) -> str | None:
    if not isinstance(node, Mapping):
        return None
    names = node.get("names")
    return _text(names.get("en")) if isinstance(names, Mapping) else None


def geo_from_record(record: object) -> GeoFacts:
    """`GeoFacts` from one database record (a City or Country layout mapping)."""
    if not isinstance(record, Mapping):
        return NO_GEO
    country: str | None = None
    for key in ("country", "registered_country"):
        node = record.get(key)
        if isinstance(node, Mapping) and isinstance(node.get("iso_code"), str):
            country = _text(node["iso_code"].upper())
            break
    region = region_code = None
    subdivisions = record.get("subdivisions")
    if isinstance(subdivisions, list) and subdivisions and isinstance(subdivisions[0], Mapping):
        first: Mapping[str, Any] = subdivisions[0]
        region = _english_name(first)
        code = first.get("iso_code")
        if isinstance(code, str) and code and country is not None:
            region_code = _text(f"{country}-{code.upper()}")
    return GeoFacts(country, region, region_code, _english_name(record.get("city")))


class GeoDatabase:
    """An open `.mmdb` file, memory-mapped and read by maxminddb's C reader.

    `lookup(ip)` returns `GeoFacts` (`NO_GEO` for private, unknown or malformed addresses and
    when there is no database); it never raises. It does not cache: `ClientFactsReader` keeps
    the LRU of located addresses. Close the database when the service stops.
    """

    def __init__(self, reader: maxminddb.Reader | None) -> None:
        self._reader = reader

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None) -> GeoDatabase:
        """Open the database at `path`; with no path, or one that cannot be read as a MaxMind
        database, the result has no geolocation (a warning names the path and the reason)."""
        if path is None or not str(path):
            log.info("no GeoIP database configured: scans carry no country, region or city")
            return cls(None)
        try:
            reader = maxminddb.open_database(os.fspath(path))
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
            log.warning(
                "GeoIP database unusable, scans carry no country, region or city",
                extra={"path": str(path), "reason": str(exc)},
            )
            return cls(None)
        return cls(reader)

    @classmethod
    def empty(cls) -> GeoDatabase:
        """A database that knows no address (geolocation switched off)."""
        return cls(None)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def __enter__(self) -> GeoDatabase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def lookup(self, ip: str) -> GeoFacts:
        reader = self._reader
        if reader is None:
            return NO_GEO
        try:
            record = reader.get(ip)
        except (ValueError, TypeError):
            # Not an address, or an IPv6 address asked of an IPv4-only database.
            return NO_GEO
        return geo_from_record(record) if record is not None else NO_GEO

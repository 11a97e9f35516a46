"""ISO 3166-1 alpha-2 country codes, read from the IANA time zone database's `iso3166.tab`
(shipped by the `tzdata` package this project already depends on), plus `XK` (Kosovo), the
user-assigned code GeoIP databases report."""

from __future__ import annotations

from importlib import resources

# Assigned by convention, not by ISO, yet what geolocation databases answer for Kosovo.
_GEOIP_EXTRA = frozenset({"XK"})


def _read_iso3166() -> frozenset[str]:
    table = (resources.files("tzdata.zoneinfo") / "iso3166.tab").read_text(encoding="utf-8")
    codes = {
        line.split("\t", 1)[0] for line in table.splitlines() if line and not line.startswith("#")
    }
    if len(codes) < 240:  # a truncated or reformatted table must not shrink validation
        raise RuntimeError(f"iso3166.tab lists only {len(codes)} countries")
    return frozenset(codes)


COUNTRY_CODES: frozenset[str] = _read_iso3166() | _GEOIP_EXTRA

"""The breakdown query: for each dimension, the top N values by scans (with unique scanners),
one "other" row merging the rest, and how many distinct known values there were — one query over
`scans_daily` (plus raw edges). ClickHouse ranks and merges the rest, so the "other" row's
unique scanners are a true union, not a sum."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qrstack_analytics.queries.scope import COUNTED, DIMENSIONS, Scope, raw_ranges
from qrstack_analytics.queries.selector import Segments
from qrstack_analytics.storage.backend import ParamValue, Row

OTHER_KEY = "other"
ANSWER_FIELDS = {
    "country": "byCountry",
    "region": "byRegion",
    "city": "byCity",
    "device": "byDevice",
    "os": "byOs",
    "browser": "byBrowser",
    "referrer": "byReferer",
}


def breakdown_query(
    db: str,
    scope: Scope,
    segments: Segments,
    *,
    top: int,
    dimensions: Sequence[str] = DIMENSIONS,
) -> tuple[str, dict[str, ParamValue]]:
    params: dict[str, ParamValue] = {"dims": list(dimensions), "top": top}
    parts = []
    days = segments.rollup_days
    if days is not None:
        params["d0"], params["d1"] = days[0].isoformat(), days[1].isoformat()
        parts.append(
            f"SELECT dim, value, scans, visitors FROM {db}.{scope.rollup('scans_daily')}"  # noqa: S608
            f" WHERE {scope.filter(params)} AND dim IN {{dims:Array(String)}}"
            " AND day >= {d0:Date} AND day < {d1:Date}"
        )
    if segments.raw:
        pairs = ", ".join(f"('{d}', toString({d}))" for d in DIMENSIONS)
        parts.append(
            "SELECT dim_value.1 AS dim, dim_value.2 AS value, count() AS scans,"  # noqa: S608
            f" uniqState(visitor_hash) AS visitors FROM {db}.scans"
            f" ARRAY JOIN [{pairs}] AS dim_value"
            f" WHERE {scope.filter(params)} AND {COUNTED} AND {raw_ranges(segments.raw, params)}"
            " AND dim_value.1 IN {dims:Array(String)}"
            " GROUP BY dim, value"
        )
    source = " UNION ALL ".join(parts)
    sql = (
        "SELECT dim, place <= {top:UInt32} AS listed, if(listed, value, NULL) AS key,"  # noqa: S608
        " sum(scans) AS scans, uniqMerge(visitors) AS unique_scanners,"
        " countIf(value != '') AS known_values"
        " FROM (SELECT dim, value, sum(scans) AS scans, uniqMergeState(visitors) AS visitors,"
        " row_number() OVER (PARTITION BY dim ORDER BY scans DESC, value ASC) AS place"
        f" FROM ({source}) GROUP BY dim, value)"
        " GROUP BY dim, listed, key" + segments.settings()
    )
    return sql, params


@dataclass(frozen=True)
class Entry:
    key: str | None  # None: the value is unknown (e.g. no GeoIP match)
    scans: int
    unique_scanners: int
    other: bool = False

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "key": OTHER_KEY if self.other else self.key,
            "scans": self.scans,
            "uniqueIpHashes": self.unique_scanners,
        }
        if self.other:
            out["other"] = True
        return out


@dataclass
class Breakdowns:
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    known_values: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, list[dict[str, object]]]:
        """`byCountry`, `byDevice`, … (the seed's names; `byReferer` spelled as HTTP does)."""
        return {
            ANSWER_FIELDS[dim]: [e.as_json() for e in entries]
            for dim, entries in self.entries.items()
        }


def assemble_breakdowns(rows: list[Row], dimensions: Sequence[str] = DIMENSIONS) -> Breakdowns:
    """Per dimension: listed values by scans (ties by key; unknown as key null), then the
    "other" row when values were left out."""
    out = Breakdowns({d: [] for d in dimensions}, {d: 0 for d in dimensions})
    others: dict[str, Entry] = {}
    for dim, listed, key, scans, unique, known in rows:
        out.known_values[dim] = out.known_values.get(dim, 0) + int(known)
        if listed:
            out.entries.setdefault(dim, []).append(Entry(key or None, int(scans), int(unique)))
        else:
            others[dim] = Entry(None, int(scans), int(unique), other=True)
    for dim, entries in out.entries.items():
        entries.sort(key=lambda e: (-e.scans, e.key or ""))
        if dim in others:
            entries.append(others[dim])
    return out

"""The workspace's codes ranked by scans in a window (`scans_15m`, plus raw edges), with how
many codes were scanned at all."""

from __future__ import annotations

from dataclasses import dataclass

from qrstack_analytics.queries.scope import COUNTED, Scope, raw_ranges, rollup_span
from qrstack_analytics.queries.selector import Segments
from qrstack_analytics.storage.backend import ParamValue, Row


def top_codes_query(
    db: str, scope: Scope, segments: Segments, top: int
) -> tuple[str, dict[str, ParamValue]]:
    """Ranked by scans alone first (no unique-scanner state read), then the uniques merged
    for the `top` codes only: a workspace of 1,000 codes merges 10 codes' states, not 1,000."""
    params: dict[str, ParamValue] = {"top": top}

    def source(visitors: bool) -> str:
        state = ", visitors" if visitors else ""
        parts = []
        if segments.rollup is not None:
            parts.append(
                f"SELECT code_id, scans{state} FROM {db}.scans_15m WHERE {scope.filter(params)}"  # noqa: S608
                f" AND {rollup_span(segments.rollup, params)}"
            )
        if segments.raw:
            raw_state = ", uniqState(visitor_hash) AS visitors" if visitors else ""
            parts.append(
                f"SELECT code_id, count() AS scans{raw_state}"  # noqa: S608
                f" FROM {db}.scans WHERE {scope.filter(params)} AND {COUNTED}"
                f" AND {raw_ranges(segments.raw, params)} GROUP BY code_id"
            )
        return " UNION ALL ".join(parts)

    ranked = f"SELECT code_id, sum(scans) AS total FROM ({source(False)}) GROUP BY code_id"  # noqa: S608
    sql = (
        f"WITH ranked AS ({ranked}),"  # noqa: S608
        " listed AS (SELECT code_id FROM ranked ORDER BY total DESC, code_id LIMIT {top:UInt32})"
        " SELECT toString(code_id), sum(scans) AS total, uniqMerge(visitors),"
        " (SELECT count() FROM ranked) AS codes"
        f" FROM ({source(True)}) WHERE code_id IN (SELECT code_id FROM listed)"
        " GROUP BY code_id ORDER BY total DESC, code_id" + segments.settings()
    )
    return sql, params


@dataclass(frozen=True)
class TopCodes:
    codes_scanned: int
    entries: list[dict[str, object]]


def assemble_top_codes(rows: list[Row], total_scans: int) -> TopCodes:
    """`share` is the code's part of all the scans in scope (0–1, four decimals)."""
    return TopCodes(
        int(rows[0][3]) if rows else 0,
        [
            {
                "codeId": code,
                "scans": int(scans),
                "uniqueIpHashes": int(unique),
                "share": round(int(scans) / total_scans, 4) if total_scans else 0.0,
            }
            for code, scans, unique, _ in rows
        ],
    )

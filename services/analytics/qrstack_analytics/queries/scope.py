"""What a query reads: one workspace, optionally one code, bots or not — and the SQL filter
fragments every query shares (all values as parameters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from qrstack_analytics.storage.backend import ParamValue

# What counts as a scan of a code; the rollups' materialized views use the same predicate.
COUNTED = "outcome NOT IN ('password_required', 'not_found')"

DIMENSIONS = ("country", "region", "city", "device", "os", "browser", "referrer")


@dataclass(frozen=True)
class Scope:
    """One workspace; one code of it, or some of its codes (`code_ids`, e.g. a folder's), or
    all of them."""

    workspace_id: UUID
    code_id: UUID | None = None
    include_bots: bool = False
    code_ids: tuple[UUID, ...] | None = None

    def rollup(self, table: str) -> str:
        """The rollup to read for this scope: the workspace's own (`scans_15m_ws`,
        `scans_daily_ws`: no per-code rows to merge) when it spans every code of it."""
        return f"{table}_ws" if self.code_id is None and self.code_ids is None else table

    def filter(self, params: dict[str, ParamValue]) -> str:
        """`workspace_id = … [AND code_id = … | IN …] AND (bots filter)` for any table of
        ours."""
        params["ws"] = str(self.workspace_id)
        params["bots"] = int(self.include_bots)
        clause = "workspace_id = {ws:UUID}"
        if self.code_id is not None:
            params["code"] = str(self.code_id)
            clause += " AND code_id = {code:UUID}"
        elif self.code_ids is not None:
            params["codes"] = [str(code) for code in self.code_ids]
            clause += " AND code_id IN {codes:Array(UUID)}"
        return clause + " AND (NOT is_bot OR {bots:Bool})"


def ch_datetime(moment: datetime) -> str:
    """An aware datetime as `DateTime64(3, 'UTC')` parameter text (milliseconds; finer is
    truncated, as ClickHouse stores scan times)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S") + f".{utc.microsecond // 1000:03d}"


def rollup_span(span: tuple[datetime, datetime], params: dict[str, ParamValue]) -> str:
    """`slot >= … AND slot < …` for the rollup's span `[lo, hi)` of whole slots."""
    params["s0"] = ch_datetime(span[0])
    params["s1"] = ch_datetime(span[1])
    return (
        "slot >= toDateTime({s0:DateTime64(3, 'UTC')})"
        " AND slot < toDateTime({s1:DateTime64(3, 'UTC')})"
    )


def raw_ranges(
    pieces: Sequence[tuple[datetime, datetime]], params: dict[str, ParamValue], prefix: str = "r"
) -> str:
    """`((ts >= … AND ts < …) OR …)` for raw pieces `[lo, hi)`."""
    ranges = []
    for i, (lo, hi) in enumerate(pieces):
        params[f"{prefix}{i}lo"] = ch_datetime(lo)
        params[f"{prefix}{i}hi"] = ch_datetime(hi)
        ranges.append(
            f"(ts >= {{{prefix}{i}lo:DateTime64(3, 'UTC')}}"
            f" AND ts < {{{prefix}{i}hi:DateTime64(3, 'UTC')}})"
        )
    return "(" + " OR ".join(ranges) + ")"

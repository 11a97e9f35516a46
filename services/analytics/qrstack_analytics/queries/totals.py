"""All-time scan totals of many codes at once (the API's `totalScans`), from one read of the
daily rollup's per-code totals. Bots are not counted."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from qrstack_analytics.storage.backend import ParamValue

MAX_CODES = 1000


class TotalsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    code_ids: list[UUID] = Field(alias="codeIds", max_length=MAX_CODES)


def totals_query(
    db: str, workspace_id: UUID, code_ids: Sequence[UUID]
) -> tuple[str, dict[str, ParamValue]]:
    params: dict[str, ParamValue] = {
        "ws": str(workspace_id),
        "codes": [str(code) for code in code_ids],
    }
    sql = (
        f"SELECT toString(code_id), sum(scans) FROM {db}.scans_daily"  # noqa: S608
        " WHERE workspace_id = {ws:UUID} AND dim = '' AND code_id IN {codes:Array(UUID)}"
        " AND NOT is_bot GROUP BY code_id"
    )
    return sql, params

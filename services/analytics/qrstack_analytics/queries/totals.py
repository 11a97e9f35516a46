"""All-time scan counts of many codes at once (the API's `totalScans` and `refusedScans`), in
one read: each code's total from the daily rollup and its refused scans by outcome from
`scans_refused` (migration 0005); the answered scans are the one less the other. Bots are not
counted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from qrstack_analytics.storage.backend import ParamValue

MAX_CODES = 1000
# The refused outcomes, and their names in the answer (camelCase, as every key of ours).
REFUSED_OUTCOMES = {
    "limit_reached": "limitReached",
    "not_active": "notActive",
    "fallback": "fallback",
}


class TotalsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    code_ids: list[UUID] = Field(alias="codeIds", max_length=MAX_CODES)


def totals_query(
    db: str, workspace_id: UUID, code_ids: Sequence[UUID]
) -> tuple[str, dict[str, ParamValue]]:
    """Rows (code id, '' for the total or the refused outcome, scans)."""
    params: dict[str, ParamValue] = {
        "ws": str(workspace_id),
        "codes": [str(code) for code in code_ids],
    }
    where = "workspace_id = {ws:UUID} AND code_id IN {codes:Array(UUID)} AND NOT is_bot"
    sql = (
        f"SELECT toString(code_id), '', sum(scans) FROM {db}.scans_daily"  # noqa: S608
        f" WHERE {where} AND dim = '' GROUP BY code_id"
        f" UNION ALL SELECT toString(code_id), toString(outcome), sum(scans)"
        f" FROM {db}.scans_refused WHERE {where} GROUP BY code_id, outcome"
    )
    return sql, params


def answered_and_refused(
    code_ids: Iterable[UUID], rows: Iterable[Sequence[object]]
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(answered scans per code, refused scans per code and outcome), every code present."""
    counted = {str(code): 0 for code in code_ids}
    refused = {code: dict.fromkeys(REFUSED_OUTCOMES.values(), 0) for code in counted}
    for code, outcome, scans in rows:
        if outcome == "":
            counted[str(code)] = int(str(scans))
        elif (name := REFUSED_OUTCOMES.get(str(outcome))) is not None:
            refused[str(code)][name] = int(str(scans))
    answered = {
        code: max(total - sum(refused[code].values()), 0) for code, total in counted.items()
    }
    return answered, refused

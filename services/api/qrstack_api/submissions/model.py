"""Form submissions as /v1 shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from qrstack_common.ids import CodeId, SubmissionId

_EXAMPLE: JsonDict = {
    "id": "sub_9b2f5c0e4a7d4c1e8f3a6b5d2c1e0f9a",
    "codeId": "code_7c9e6679742540de944be07fc1f90ae7",
    "submittedAt": "2026-05-01T12:30:00.000Z",
    "answers": {"name": "Jane Doe", "email": "jane@example.com", "guests": 2, "vegan": True},
}


class SubmissionView(BaseModel):
    """The answers one visitor posted to a code's form page."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [_EXAMPLE]})

    id: SubmissionId
    code_id: CodeId = Field(alias="codeId")
    submitted_at: datetime = Field(alias="submittedAt")
    answers: dict[str, str | float | bool] = Field(
        description="Field id → the answer as validated when it was posted: text, a number "
        "(number fields) or a boolean (checkboxes)."
    )


class SubmissionList(BaseModel):
    """A page of a form code's submissions, newest first."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={"examples": [{"data": [_EXAMPLE], "nextCursor": None}]},
    )

    data: list[SubmissionView]
    next_cursor: str | None = Field(
        alias="nextCursor", description="Pass as `cursor` for the next page; null on the last."
    )


class SubmissionListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    limit: int = Field(50, ge=1, le=200, description="Page size (default 50, at most 200).")
    cursor: str | None = Field(None, description="`nextCursor` of the previous page.")


def submission_json(row: Any) -> dict[str, Any]:
    """A `form_submissions` row as /v1 writes it (see `SubmissionView`)."""
    view = SubmissionView(
        id=row["id"], code_id=row["code_id"], submitted_at=row["created_at"],
        answers=row["answers"],
    )  # fmt: skip
    return view.model_dump(mode="json", by_alias=True)

"""The body of `POST /v1/scannability`: a design, or a saved code by id."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from qrstack_common.ids import CodeId
from qrstack_common.render.score import ScoreResult


class ScannabilityBody(BaseModel):
    """Send `codeId` (the code's payload and stored style), or `data` with a `style`.
    `scanDistanceMm` and `printSizeMm` describe the print either way."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    code_id: CodeId | None = Field(None, alias="codeId")
    data: str | None = Field(None, min_length=1, max_length=4296)
    style: dict[str, Any] | None = Field(
        None, description="The renderer's style fields (as on a code); logoSize may go to 0.8."
    )
    error_correction: Literal["L", "M", "Q", "H"] | None = Field(None, alias="errorCorrection")
    margin: int | None = Field(None, ge=4, le=40)
    scan_distance_mm: float | None = Field(None, alias="scanDistanceMm", ge=50, le=20000)
    print_size_mm: float | None = Field(None, alias="printSizeMm", ge=5, le=5000)

    @model_validator(mode="after")
    def _code_or_design(self) -> ScannabilityBody:
        if (self.code_id is None) == (self.data is None):
            raise ValueError("send codeId or data, not both and not neither")
        if self.code_id is not None and self.style is not None:
            raise ValueError("a saved code is scored in its stored style; leave style out")
        return self


class ScannabilityView(ScoreResult):
    """The renderer's answer, as it sent it (see docs/scannability.md)."""


class CodeScoreQuery(BaseModel):
    """`GET /v1/codes/{id}/scannability`: the print it is scored for."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    scan_distance_mm: float | None = Field(None, alias="scanDistanceMm", ge=50, le=20000)
    print_size_mm: float | None = Field(None, alias="printSizeMm", ge=5, le=5000)

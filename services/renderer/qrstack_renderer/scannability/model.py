"""What a caller asks the scorer (`POST /v1/scannability`); what it answers is the contract
in `qrstack_common.render.score`."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from qrstack_common.render.spec import MAX_DATA_CHARS, ErrorCorrection, Style

MAX_SCORED_LOGO = 0.8
"""A design is scored even where the renderer would refuse it: the answer says why it fails."""

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ScoreRequest(BaseModel):
    """A design to score: the payload, its style, and where it will be printed and scanned."""

    model_config = _STRICT

    data: str = Field(min_length=1, max_length=MAX_DATA_CHARS)
    margin: int = Field(4, ge=4, le=40, description="Quiet zone in modules (4 at least).")
    error_correction: ErrorCorrection = Field(
        "M", validation_alias=AliasChoices("errorCorrection", "error_correction", "ecc")
    )
    style: Style = Field(default_factory=Style)
    scan_distance_mm: float = Field(
        300.0,
        ge=50.0,
        le=20000.0,
        validation_alias=AliasChoices("scanDistanceMm", "scan_distance_mm"),
        description="How far from the print the phone will be, in mm (default 30 cm).",
    )
    print_size_mm: float | None = Field(
        None,
        ge=5.0,
        le=5000.0,
        validation_alias=AliasChoices("printSizeMm", "print_size_mm", "sizeMm"),
        description="Printed width of the code with its quiet zone, in mm. Default: the "
        "minimum this scorer recommends for the distance.",
    )

    @model_validator(mode="before")
    @classmethod
    def _wide_logo(cls, data: Any) -> Any:
        """Let `style.logoSize` go up to MAX_SCORED_LOGO (the renderer stops at 0.35)."""
        if not isinstance(data, dict) or not isinstance(data.get("style"), dict):
            return data
        style = dict(data["style"])
        key = next((k for k in ("logoSize", "logo_size") if k in style), None)
        if key is None or not isinstance(style[key], int | float) or isinstance(style[key], bool):
            return data
        size = float(style.pop(key))
        if not 0.1 <= size <= MAX_SCORED_LOGO:
            raise ValueError(f"style.logoSize must be between 0.1 and {MAX_SCORED_LOGO}")
        parsed = Style.model_validate(style)
        return {**data, "style": parsed.model_copy(update={"logo_size": size})}

"""What a caller asks for print: one code in mm (`PrintSpec`) or a sheet of labels
(`LabelSheetSpec`)."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from qrstack_common.render.spec import MAX_DATA_CHARS, ErrorCorrection, Style
from qrstack_renderer.print.colour import ColourMode

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
MM = 72 / 25.4
"""PDF points per millimetre."""
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}


class PrintSpec(BaseModel):
    """One code for print: `sizeMm` is its width with the quiet zone (the trim box; a frame
    makes it taller). PDF adds `bleedMm` of background beyond the trim and crop marks
    outside that; PNG is `sizeMm` at `dpi` with the DPI stored; SVG carries mm dimensions."""

    model_config = _STRICT

    data: str = Field(min_length=1, max_length=MAX_DATA_CHARS)
    format: Literal["pdf", "svg", "png"] = "pdf"
    size_mm: float = Field(
        30.0, ge=10.0, le=1000.0, validation_alias=AliasChoices("sizeMm", "size_mm")
    )
    bleed_mm: float = Field(
        3.0, ge=0.0, le=10.0, validation_alias=AliasChoices("bleedMm", "bleed_mm")
    )
    crop_marks: bool = Field(True, validation_alias=AliasChoices("cropMarks", "crop_marks"))
    colour: ColourMode = Field("rgb", validation_alias=AliasChoices("colour", "color"))
    dpi: int = Field(300, ge=72, le=2400)
    margin: int = Field(4, ge=4, le=40)
    error_correction: ErrorCorrection = Field(
        "M", validation_alias=AliasChoices("errorCorrection", "error_correction", "ecc")
    )
    style: Style = Field(default_factory=Style)


class Label(BaseModel):
    model_config = _STRICT

    data: str = Field(min_length=1, max_length=MAX_DATA_CHARS)
    caption: str | None = Field(None, max_length=120)
    style: Style | None = None
    error_correction: ErrorCorrection | None = Field(
        None, validation_alias=AliasChoices("errorCorrection", "error_correction", "ecc")
    )


class LabelSheetSpec(BaseModel):
    """Labels laid out `rows` × `columns` per page, in reading order, over as many pages as
    they need. Margins are the page's; `gapMm` is the space between labels."""

    model_config = _STRICT

    labels: list[Label] = Field(min_length=1, max_length=2000)
    paper: Literal["A4", "Letter"] = "A4"
    rows: int = Field(8, ge=1, le=40)
    columns: int = Field(5, ge=1, le=20)
    margin_mm: float = Field(
        10.0, ge=0.0, le=50.0, validation_alias=AliasChoices("marginMm", "margin_mm")
    )
    gap_mm: float = Field(3.0, ge=0.0, le=30.0, validation_alias=AliasChoices("gapMm", "gap_mm"))
    colour: ColourMode = Field("rgb", validation_alias=AliasChoices("colour", "color"))
    caption_mm: float = Field(
        4.0,
        ge=0.0,
        le=20.0,
        validation_alias=AliasChoices("captionMm", "caption_mm"),
        description="Height of the caption line under each code; 0 for none.",
    )
    style: Style = Field(default_factory=Style, description="For labels without their own.")

    @model_validator(mode="after")
    def _labels_fit(self) -> LabelSheetSpec:
        width, height = PAPERS[self.paper]
        cell_w = (width - 2 * self.margin_mm - (self.columns - 1) * self.gap_mm) / self.columns
        cell_h = (height - 2 * self.margin_mm - (self.rows - 1) * self.gap_mm) / self.rows
        if min(cell_w, cell_h - self.caption_mm) < 10:
            raise ValueError(
                f"{self.rows} × {self.columns} labels leave {cell_w:.1f} × {cell_h:.1f} mm each "
                f"on {self.paper}; a code needs at least 10 mm: use fewer rows or columns, or "
                "smaller margins and gaps"
            )
        return self

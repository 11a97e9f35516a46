"""What the scannability scorer answers (`POST /v1/scannability`, `GET
/v1/codes/{id}/scannability`): the renderer builds it, the API documents and relays it, and a
workspace's minimum grade is compared on its `GRADES` scale."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qrstack_common.render.spec import ErrorCorrection

Grade = Literal["A", "B", "C", "D", "F"]
GRADES: tuple[Grade, ...] = ("A", "B", "C", "D", "F")
"""Best first: a grade is worse than another when its index is higher."""


class DecoderResults(BaseModel):
    zxing: bool
    opencv: bool


class ConditionResult(BaseModel):
    name: str
    description: str
    passed: bool
    decoders: DecoderResults


class CentreDamage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    covered_modules: int = Field(alias="coveredModules")
    covered_share: float = Field(alias="coveredShare")
    destroyed_codewords: int = Field(alias="destroyedCodewords")
    budget_codewords: int = Field(alias="budgetCodewords")
    worst_block_share: float = Field(
        alias="worstBlockShare",
        description="Destroyed over correctable codewords in the worst block; above 1 it "
        "cannot decode.",
    )


class PrintAdvice(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    scan_distance_mm: float = Field(alias="scanDistanceMm")
    min_size_mm: float = Field(alias="minSizeMm", description="Code width with its quiet zone.")
    min_module_mm: float = Field(alias="minModuleMm")
    print_size_mm: float = Field(alias="printSizeMm")
    camera_pixels_per_module: float = Field(alias="cameraPixelsPerModule")


class ScoreResult(BaseModel):
    """The score of a design (see docs/scannability.md)."""

    model_config = ConfigDict(populate_by_name=True)

    grade: Grade
    reasons: list[str]
    contrast_ratio: float = Field(alias="contrastRatio")
    error_correction: ErrorCorrection = Field(alias="errorCorrection")
    version: int
    modules: int
    conditions: list[ConditionResult]
    centre: CentreDamage | None
    print: PrintAdvice
    design_hash: str = Field(alias="designHash")
    decoders: dict[str, str]

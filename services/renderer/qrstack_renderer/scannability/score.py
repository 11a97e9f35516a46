"""`score(request) -> ScoreResult`: will this design scan once printed?

The clean render and every rung of the ladder (`ladder.py`) are read by both decoders
(`decoders.py`). The grade:

- **F** when any of these holds, whatever the ladder says: the clean render does not read
  in both decoders; the contrast ratio is below 3:1; dark modules are lighter than the
  background (inverted); the centre element destroys more codewords in some block than the
  error correction can rebuild; or four or more rungs fail.
- Otherwise one letter down from **A** per failed rung: 0 → A, 1 → B, 2 → C, 3 → D.
- Capped at **C** when the contrast is below 4:1 (the renderer's floor) or the printed
  size is below the minimum for the scan distance; capped at **B** when the centre element
  uses more than half of some block's error-correction budget.

Every step is deterministic, so a design scores the same on every run; `design_hash`
addresses the result for caching.
"""

from __future__ import annotations

import hashlib

from qrstack_common import codec
from qrstack_common.render.score import (
    GRADES,
    CentreDamage,
    ConditionResult,
    DecoderResults,
    Grade,
    PrintAdvice,
    ScoreResult,
)
from qrstack_renderer.render import RENDERER_REVISION
from qrstack_renderer.scannability.codewords import codeword_damage
from qrstack_renderer.scannability.decoders import DECODERS, decoder_versions
from qrstack_renderer.scannability.design import draw, worst_contrast
from qrstack_renderer.scannability.ladder import camera_pixels_per_module, ladder
from qrstack_renderer.scannability.model import ScoreRequest

SCORER_REVISION = "1"
MIN_MODULE_MM = 0.4
"""GS1's smallest module for point-of-sale scanning; newsprint needs more."""
DISTANCE_RATIO = 10.0
"""Rule of thumb: the code (with its quiet zone) at least a tenth of the scan distance."""
F_CONTRAST = 3.0
C_CONTRAST = 4.0


def design_hash(request: ScoreRequest) -> str:
    canonical = codec.dumps(
        [RENDERER_REVISION, SCORER_REVISION, request.model_dump(mode="json", by_alias=True)]
    )
    return hashlib.sha256(canonical).hexdigest()[:32]


def _cap(grade: Grade, cap: Grade) -> Grade:
    return max(grade, cap, key=GRADES.index)


def _reads(image: object, data: str) -> DecoderResults:
    return DecoderResults(**{name: read(image) == data for name, read in DECODERS.items()})  # type: ignore[arg-type]


def score(request: ScoreRequest) -> ScoreResult:
    """Score `request`; 400 only for a design that cannot be drawn at all."""
    design = draw(request)
    matrix = design.matrix
    side = matrix.size + 2 * request.margin
    reasons: list[str] = []

    min_size = max(request.scan_distance_mm / DISTANCE_RATIO, side * MIN_MODULE_MM)
    printed = request.print_size_mm or min_size
    phone_ppm = camera_pixels_per_module(printed / side, request.scan_distance_mm)
    advice = PrintAdvice(
        scan_distance_mm=request.scan_distance_mm,
        min_size_mm=round(min_size, 1),
        min_module_mm=round(min_size / side, 3),
        print_size_mm=round(printed, 1),
        camera_pixels_per_module=round(phone_ppm, 2),
    )

    clean = _reads(design.image, request.data)
    conditions = []
    for condition in ladder(phone_ppm):
        read = _reads(condition.apply(design.image, 8), request.data)
        conditions.append(
            ConditionResult(
                name=condition.name,
                description=condition.description,
                passed=read.zxing and read.opencv,
                decoders=read,
            )
        )
    failed = [c for c in conditions if not c.passed]
    grade: Grade = GRADES[min(len(failed), 4)]
    for c in failed:
        readers = [name for name, ok in c.decoders.model_dump().items() if not ok]
        reasons.append(f"{c.name}: {c.description} — not read by {' and '.join(readers)}")

    if not (clean.zxing and clean.opencv):
        readers = [name for name, ok in clean.model_dump().items() if not ok]
        grade = "F"
        reasons.insert(0, f"the clean image is not read by {' and '.join(readers)}")

    ratio, inverted = worst_contrast(request.style)
    if inverted:
        grade = "F"
        reasons.insert(
            0,
            "dark modules are lighter than the background (inverted); most "
            "Android readers do not find inverted codes",
        )
    elif ratio < F_CONTRAST:
        grade = "F"
        reasons.insert(
            0,
            f"contrast {ratio:.1f}:1 is below {F_CONTRAST:.0f}:1: phones in "
            "ordinary light cannot separate the modules from the background",
        )
    elif ratio < C_CONTRAST:
        grade = _cap(grade, "C")
        reasons.append(f"contrast {ratio:.1f}:1 is below {C_CONTRAST:.0f}:1 (aim for 4:1 or more)")

    centre = None
    if design.covered is not None:
        damage = codeword_damage(matrix.version, matrix.error_correction, design.covered)
        covered = int(design.covered.sum())
        centre = CentreDamage(
            covered_modules=covered,
            covered_share=round(covered / matrix.size**2, 3),
            destroyed_codewords=damage.destroyed,
            budget_codewords=damage.budget,
            worst_block_share=round(damage.worst_share, 2),
        )
        level = matrix.error_correction
        if not damage.within_budget:
            grade = "F"
            reasons.insert(
                0,
                f"the centre element covers {covered / matrix.size**2:.0%} of the "
                f"modules and destroys {damage.destroyed} codewords; at error "
                f"correction {level} the symbol can rebuild {damage.budget} "
                f"({damage.worst_share:.1f}× the worst block's budget); make it "
                "smaller or shorten the data so a higher level fits",
            )
        elif damage.worst_share > 0.5:
            grade = _cap(grade, "B")
            reasons.append(
                f"the centre element uses {damage.worst_share:.0%} of a block's "
                f"error correction at {level}: little is left for dirt and wear"
            )

    if request.print_size_mm is not None and request.print_size_mm < min_size:
        grade = _cap(grade, "C")
        reasons.append(
            f"printed {request.print_size_mm:.0f} mm wide; scanned from "
            f"{request.scan_distance_mm / 10:.0f} cm it should be at least "
            f"{min_size:.0f} mm"
        )

    return ScoreResult(
        grade=grade,
        reasons=reasons,
        contrast_ratio=round(ratio, 2),
        error_correction=matrix.error_correction,
        version=matrix.version,
        modules=matrix.size,
        conditions=conditions,
        centre=centre,
        print=advice,
        design_hash=design_hash(request),
        decoders=decoder_versions(),
    )

"""The scannability guard: refuse, with a reason that says what to change, any style that
would draw a code readers cannot scan.

Checked before anything is drawn:
- contrast: every dark colour against every light one must be darker, with a luminance
  contrast ratio of at least 4:1. This check needs no pixels, so it is part of the render
  contract (`qrstack_common.render.contrast`) and any service may run it.
- module size: at least 1 px per module for square modules, 4 px when modules or eyes have
  shapes (smaller shapes blur into noise).
- centre element (logo, text, icon): the cleared area must stay within what the error
  correction level can rebuild (M 7 %, Q 15 %, H 20 % of the symbol; nothing at L) and off
  the finder, separator and timing patterns.
- text (centre text, call to action): every character must be one the font can draw.
The quiet zone (4 modules minimum) is enforced by the spec itself.
"""

from __future__ import annotations

from qrstack_common.errors import Issue, validation_failed
from qrstack_common.render.spec import ErrorCorrection, RenderSpec, Style
from qrstack_renderer.matrix import QrMatrix
from qrstack_renderer.styles.centre import CentrePlan
from qrstack_renderer.styles.text import unsupported_characters

MIN_SHAPED_MODULE_PX = 4
MAX_CENTRE_AREA: dict[ErrorCorrection, float] = {"L": 0.0, "M": 0.07, "Q": 0.15, "H": 0.20}


def shaped(style: Style) -> bool:
    """Whether modules or eyes have shapes that need room to be drawn."""
    return style.pattern != "square" or style.corners != "square"


def module_size_issues(spec: RenderSpec, scale: int, canvas_w: int) -> list[Issue]:
    if not shaped(spec.style) or scale >= MIN_SHAPED_MODULE_PX:
        return []
    field = "size" if spec.size is not None else "scale"
    need = (
        f"size ≥ {canvas_w * MIN_SHAPED_MODULE_PX}"
        if spec.size is not None
        else f"scale ≥ {MIN_SHAPED_MODULE_PX}"
    )
    return [
        Issue(
            (field,),
            f"{scale} px per module is too small for pattern {spec.style.pattern!r} and "
            f"corners {spec.style.corners!r}; use {need} or square modules and corners",
        )
    ]


def _centre_field(style: Style) -> str:
    if style.logo is not None:
        return "logoSize"
    return "centerText" if style.center_text is not None else "centerIcon"


def centre_issues(
    style: Style, centre: CentrePlan, matrix: QrMatrix, data_chars: int
) -> list[Issue]:
    """The centre element may hide at most MAX_CENTRE_AREA[level] of the symbol and must
    leave the finder, separator and timing patterns alone."""
    n = matrix.size
    level = matrix.error_correction
    field = _centre_field(style)
    if centre.clears_function_patterns(n):
        return [
            Issue(
                ("style", field),
                f"the centre element is too large for this {n}×{n} symbol: it would cover the "
                f"finder or timing patterns; make the {field} smaller",
            )
        ]
    area = centre.area(n)
    limit = MAX_CENTRE_AREA[level]
    if area <= limit:
        return []
    if level != "H":
        hint = (
            f"the data ({data_chars} characters) is too long for a higher error correction "
            f"than {level}; shorten the data or make the {field} smaller"
        )
    else:
        hint = f"make the {field} smaller"
    return [
        Issue(
            ("style", field),
            f"the centre element hides {area:.0%} of the symbol; at error correction {level} "
            f"at most {limit:.0%} can be covered and still scan; {hint}",
        )
    ]


def text_issues(style: Style) -> list[Issue]:
    """Characters the embedded font cannot draw, per text field."""
    issues: list[Issue] = []
    for field, text in (("centerText", style.center_text), ("ctaText", style.cta_text)):
        missing = unsupported_characters(text or "")
        if missing:
            shown = " ".join(repr(c) for c in missing)
            issues.append(
                Issue(
                    ("style", field),
                    f"the font cannot draw {shown}; use printable ASCII letters, digits "
                    "and punctuation",
                )
            )
    return issues


def refuse_if_any(issues: list[Issue]) -> None:
    """Raise 400 `validation_failed` listing every issue, if there is one."""
    if issues:
        raise validation_failed(issues)

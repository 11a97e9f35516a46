"""The scannability guard's colour check, and the luminance arithmetic behind it.

Every dark colour (foreground, foreground gradient stops, eye colours) against every light one
(background, background gradient stops; white under a transparent background) must be darker,
with a WCAG luminance contrast ratio of at least 4:1. Inverted (light-on-dark) codes are
refused: ZXing and ZBar based readers do not find them.
"""

from __future__ import annotations

from qrstack_common.errors import Issue
from qrstack_common.render.spec import Style

MIN_CONTRAST = 4.0

Path = tuple[str | int, ...]


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of `#rrggbb`, 0 (black) to 1 (white)."""
    value = int(color[1:], 16)
    r, g, b = (
        s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
        for s in (((value >> shift) & 255) / 255 for shift in (16, 8, 0))
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _darks(style: Style) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    if style.gradient is not None and style.gradient.target == "foreground":
        out.append((("style", "gradient", "from"), style.gradient.from_))
        out.append((("style", "gradient", "to"), style.gradient.to))
    else:
        out.append((("style", "foreground"), style.foreground))
    if style.eye_outer:
        out.append((("style", "eyeOuter"), style.eye_outer))
    if style.eye_inner:
        out.append((("style", "eyeInner"), style.eye_inner))
    return out


def _lights(style: Style) -> list[tuple[Path, str]]:
    if style.gradient is not None and style.gradient.target == "background":
        return [
            (("style", "gradient", "from"), style.gradient.from_),
            (("style", "gradient", "to"), style.gradient.to),
        ]
    if style.background == "transparent":
        return [(("style", "background"), "#ffffff")]
    return [(("style", "background"), style.background)]


def contrast_issues(style: Style) -> list[Issue]:
    """One issue (path under `style`) per dark colour not clearly darker than every light one."""
    issues: list[Issue] = []
    lights = _lights(style)
    for path, dark in _darks(style):
        for light_path, light in lights:
            where = ".".join(str(p) for p in light_path[1:])
            if relative_luminance(dark) >= relative_luminance(light):
                issues.append(
                    Issue(
                        path,
                        f"{dark} is not darker than {where} {light}: readers need dark modules "
                        "on a light background; use a dark colour here and a light one there",
                    )
                )
                break
            ratio = contrast_ratio(dark, light)
            if ratio < MIN_CONTRAST:
                issues.append(
                    Issue(
                        path,
                        f"contrast {ratio:.1f}:1 against {where} {light} is too low to scan; "
                        f"it must be at least {MIN_CONTRAST:.0f}:1 — darken this colour or "
                        f"lighten {where}",
                    )
                )
                break
    return issues

"""Text as outlines (centre text, call-to-action), from the font that ships inside Pillow.

Pillow ≥ 10.1 embeds Aileron Regular (its scalable default font, SIL OFL). Its glyph
outlines are read with fontTools and turned into our shapes, so text is real vector paths in
SVG and PDF, drawn with the same geometry in raster images, and never depends on fonts being
installed. Aileron covers printable ASCII and a few typographic signs; other characters are
refused by `unsupported_characters` so the guard can say which ones.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from fontTools.pens.basePen import BasePen  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import ImageFont

from qrstack_renderer.geometry import Outline, Point, Segment, Shape


class _OutlinePen(BasePen):  # type: ignore[misc]
    """Collects a glyph's contours as outlines, quadratic curves raised to cubics."""

    def __init__(self) -> None:
        super().__init__(None)
        self.outlines: list[Outline] = []
        self._start: Point = (0.0, 0.0)
        self._segments: list[Segment] = []

    def _moveTo(self, pt: Point) -> None:
        self._start = (float(pt[0]), float(pt[1]))
        self._segments = []

    def _lineTo(self, pt: Point) -> None:
        self._segments.append((float(pt[0]), float(pt[1])))

    def _curveToOne(self, pt1: Point, pt2: Point, pt3: Point) -> None:
        self._segments.append((*pt1, *pt2, *pt3))

    def _qCurveToOne(self, pt1: Point, pt2: Point) -> None:
        x0, y0 = self._getCurrentPoint()
        c1 = (x0 + 2 / 3 * (pt1[0] - x0), y0 + 2 / 3 * (pt1[1] - y0))
        c2 = (pt2[0] + 2 / 3 * (pt1[0] - pt2[0]), pt2[1] + 2 / 3 * (pt1[1] - pt2[1]))
        self._segments.append((*c1, *c2, *pt2))

    def _closePath(self) -> None:
        if self._segments:
            self.outlines.append(Outline(self._start, tuple(self._segments)))
        self._segments = []

    _endPath = _closePath


@dataclass(frozen=True)
class Typeface:
    """Glyph outlines (font units, y up) and advances of every character the font maps."""

    units_per_em: int
    cap_height: float
    glyphs: dict[str, tuple[Shape, float]]

    def supports(self, char: str) -> bool:
        return char in self.glyphs

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` (the em size) in the caller's units."""
        return sum(self.glyphs[c][1] for c in text) * size / self.units_per_em

    def shape(self, text: str, x: float, baseline: float, size: float) -> Shape:
        """`text` set at em size `size` from (x, baseline), in y-down canvas units."""
        k = size / self.units_per_em
        outlines: list[Outline] = []
        pen_x = x
        for char in text:
            shape, advance = self.glyphs[char]
            for outline in shape:
                sx, sy = outline.start
                outlines.append(
                    Outline(
                        (pen_x + sx * k, baseline - sy * k),
                        tuple(
                            tuple(
                                pen_x + v * k if i % 2 == 0 else baseline - v * k
                                for i, v in enumerate(seg)
                            )
                            for seg in outline.segments
                        ),
                    )
                )
            pen_x += advance * k
        return tuple(outlines)


@functools.cache
def typeface() -> Typeface:
    """The embedded font, loaded once per process (an immutable constant after that)."""
    font = ImageFont.load_default(size=32)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow without FreeType"
    tt = TTFont(io.BytesIO(font.font_bytes))
    glyph_set = tt.getGlyphSet()
    hmtx = tt["hmtx"]
    glyphs: dict[str, tuple[Shape, float]] = {}
    for code, name in tt.getBestCmap().items():
        pen = _OutlinePen()
        glyph_set[name].draw(pen)
        glyphs[chr(code)] = (tuple(pen.outlines), float(hmtx[name][0]))
    cap = glyphs["H"][0]
    cap_height = max(v for o in cap for seg in o.segments for v in seg[1::2])
    return Typeface(int(tt["head"].unitsPerEm), cap_height, glyphs)


def unsupported_characters(text: str) -> list[str]:
    """The distinct characters of `text` the font cannot draw, in order of appearance."""
    face = typeface()
    return list(dict.fromkeys(c for c in text if not face.supports(c)))


def text_shape(text: str, cx: float, cy: float, cap_height: float) -> tuple[Shape, float]:
    """`text` centred on (cx, cy) with capitals `cap_height` tall; returns it and its width."""
    face = typeface()
    size = cap_height * face.units_per_em / face.cap_height
    width = face.width(text, size)
    return face.shape(text, cx - width / 2, cy + cap_height / 2, size), width


def text_width(text: str, cap_height: float) -> float:
    face = typeface()
    return face.width(text, cap_height * face.units_per_em / face.cap_height)

"""Colour for print: as designed (RGB), converted to CMYK, or pure black ink (100 % K).

- `rgb`: DeviceRGB, as on screen.
- `cmyk`: every colour in DeviceCMYK with grey-component replacement (K = 1 − max(R, G, B)),
  so black is pure K and greys carry no coloured ink.
- `k`: every dark paint (modules, eyes, gradients, text) is 100 % K and light paints are no
  ink at all (the paper); a logo is printed in shades of K (DeviceGray).
No output uses a spot colour (Separation or DeviceN): every file is process-only.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from qrstack_common.render.contrast import relative_luminance
from qrstack_renderer.formats.raster import rgb_of

ColourMode = Literal["rgb", "cmyk", "k"]


def cmyk_of(color: str) -> tuple[float, float, float, float]:
    r, g, b = (c / 255 for c in rgb_of(color))
    k = 1 - max(r, g, b)
    if k >= 1:
        return 0.0, 0.0, 0.0, 1.0
    return (1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k


def is_light(color: str) -> bool:
    """Whether the colour reads as background (paper) in 100 % K output."""
    return relative_luminance(color) > 0.5


def fill_operator(color: str, mode: ColourMode) -> str:
    """The PDF operator that sets `color` as the fill."""
    if mode == "rgb":
        return " ".join(f"{c / 255:.4g}" for c in rgb_of(color)) + " rg"
    if mode == "cmyk":
        return " ".join(f"{c:.4g}" for c in cmyk_of(color)) + " k"
    return "0 0 0 0 k" if is_light(color) else "0 0 0 1 k"


def color_components(color: str, mode: ColourMode) -> str:
    """The colour's components in the mode's colour space (for shading functions)."""
    if mode == "cmyk":
        return " ".join(f"{c:.4g}" for c in cmyk_of(color))
    return " ".join(f"{c / 255:.4g}" for c in rgb_of(color))


def cmyk_pixels(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """An RGB image's pixels as CMYK with grey-component replacement."""
    f = rgb.astype(np.float32) / 255
    k = 1 - f.max(axis=-1)
    room = np.maximum(1 - k, 1e-6)[..., None]
    cmy = (1 - f - k[..., None]) / room
    out = np.concatenate([cmy, k[..., None]], axis=-1)
    return np.asarray(np.clip(out * 255 + 0.5, 0, 255), np.uint8)

"""The ladder of degradations a printed code meets on its way into a phone's camera.

Each condition takes the clean greyscale render (`scale` pixels per module) and returns what
a camera might see. Every step is deterministic (fixed seeds, fixed geometry), so a design
scores the same on every run.

- `distance`: downscaled (box filter) to the pixels per module a phone's camera gives the
  code at the scan distance, for the printed size;
- `blur`: Gaussian blur of 0.3 module (a camera out of focus or shaking);
- `jpeg`: JPEG quality 30 at 3 px per module (a messaging app's recompression);
- `tilt`: the sheet turned 20° away from the camera (perspective);
- `lowLight`: at 3 px per module, contrast ×0.5, dimmed to 60 % and sensor noise (σ = 6
  levels);
- `glare`: a saturated highlight over a sixth of the symbol's width, right of centre.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CAMERA_PIXELS = 1080
"""Pixels across a phone's preview frame (the short side of 1080p video)."""
CAMERA_FIELD_DEG = 60.0
"""Horizontal field of view of a phone's main camera, in degrees."""
TILT_DEG = 20.0
JPEG_QUALITY = 30


@dataclass(frozen=True)
class Condition:
    name: str
    description: str
    apply: Callable[[Image.Image, int], Image.Image]
    """(clean greyscale image, pixels per module) -> degraded image."""


def camera_pixels_per_module(module_mm: float, distance_mm: float) -> float:
    """Pixels per module in a phone's frame for a module `module_mm` wide seen from
    `distance_mm` (pinhole camera, CAMERA_PIXELS across CAMERA_FIELD_DEG)."""
    field_mm = 2 * distance_mm * math.tan(math.radians(CAMERA_FIELD_DEG / 2))
    return module_mm * CAMERA_PIXELS / field_mm


def downscale(image: Image.Image, scale: int, target_ppm: float) -> Image.Image:
    """The image at `target_ppm` pixels per module (never enlarged)."""
    factor = min(1.0, target_ppm / scale)
    w, h = image.size
    size = (max(8, round(w * factor)), max(8, round(h * factor)))
    return image.resize(size, Image.Resampling.BOX)


def blur(image: Image.Image, scale: int) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius=0.3 * scale))


def jpeg(image: Image.Image, scale: int) -> Image.Image:
    small = downscale(image, scale, 3.0)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=JPEG_QUALITY)
    out.seek(0)
    return Image.open(out).convert("L")


def _perspective_coefficients(
    src: list[tuple[float, float]], dst: list[tuple[float, float]]
) -> list[float]:
    """PIL's 8 perspective coefficients mapping output points `dst` to input points `src`."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend((u, v))
    solved = np.linalg.solve(np.asarray(rows, float), np.asarray(rhs, float))
    return [float(c) for c in solved]


def tilt(image: Image.Image, scale: int) -> Image.Image:
    """The page turned TILT_DEG about its vertical axis, seen from 3 widths away."""
    w, h = image.size
    depth = w * math.sin(math.radians(TILT_DEG)) / 2
    view = 3.0 * w
    near, far = view / (view - depth), view / (view + depth)
    half_w = w * math.cos(math.radians(TILT_DEG)) / 2
    cx, cy = w / 2, h / 2
    dst = [
        (cx - half_w * near, cy - h / 2 * near),
        (cx + half_w * far, cy - h / 2 * far),
        (cx + half_w * far, cy + h / 2 * far),
        (cx - half_w * near, cy + h / 2 * near),
    ]
    src = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    coefficients = _perspective_coefficients(src, dst)
    return image.transform(
        (w, h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR, fillcolor=255
    )


def low_light(image: Image.Image, scale: int) -> Image.Image:
    """Applied at 3 px per module, where a camera's pixels are: sensor noise is per pixel."""
    pixels = np.asarray(downscale(image, scale, 3.0), np.float32)
    mean = float(pixels.mean())
    dim = (mean + (pixels - mean) * 0.5) * 0.6
    noise = np.random.default_rng(15).normal(0.0, 6.0, pixels.shape)
    return Image.fromarray(np.clip(dim + noise, 0, 255).astype(np.uint8), "L")


def glare(image: Image.Image, scale: int) -> Image.Image:
    """A soft saturated ellipse a sixth of the image wide, right of and above centre."""
    w, h = image.size
    mask = Image.new("L", (w, h), 0)
    rx, ry = w / 12, h / 16
    cx, cy = w * 0.62, h * 0.45
    ImageDraw.Draw(mask).ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(radius=max(1.0, scale * 0.75)))
    return Image.composite(Image.new("L", (w, h), 255), image, mask)


def ladder(phone_ppm: float) -> tuple[Condition, ...]:
    """The conditions, with the distance step at `phone_ppm` pixels per module."""
    return (
        Condition(
            "distance",
            f"downscaled to {phone_ppm:.1f} px per module, as a phone's camera sees it",
            lambda image, scale: downscale(image, scale, phone_ppm),
        ),
        Condition("blur", "Gaussian blur of 0.3 module", blur),
        Condition("jpeg", f"JPEG quality {JPEG_QUALITY} at 3 px per module", jpeg),
        Condition("tilt", f"perspective tilt of {TILT_DEG:.0f}°", tilt),
        Condition(
            "lowLight", "low light at 3 px per module: contrast ×0.5, dimmed, noise", low_light
        ),
        Condition("glare", "a glare patch a sixth of the code wide", glare),
    )

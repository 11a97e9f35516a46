"""Write `docs/gallery.png`: a contact sheet of the renderer's styles, each tile decoded.

    .venv/bin/python bench/gallery.py [--out docs/gallery.png]

Every tile is rendered through `qrstack_renderer.render` as a PNG and read back with
zxing-cpp; a tile that does not decode gets a red caption (and the script exits 1), so the
sheet doubles as a visual check of scannability.
"""

from __future__ import annotations

import argparse
import base64
import io
import sys
from pathlib import Path
from typing import Any, get_args

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from qrstack_common.render.spec import EyeShape, Pattern, SocialIcon
from qrstack_renderer import RenderSpec, render

DATA = "https://qrstack.example/menu"
TILE = 260
CAPTION = 30
COLUMNS = 8
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<rect width="100" height="100" rx="22" fill="#ff6f00"/>'
    '<circle cx="50" cy="50" r="27" fill="none" stroke="#fff" stroke-width="12"/>'
    '<path d="M60 60 L80 80" stroke="#fff" stroke-width="12" stroke-linecap="round"/></svg>'
)
LOGO = "data:image/svg+xml;base64," + base64.b64encode(LOGO_SVG.encode()).decode()

PATTERNS = get_args(Pattern)
EYES = get_args(EyeShape)
ICONS = get_args(SocialIcon)


def tiles() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for pattern in PATTERNS:
        out.append((f"pattern {pattern}", {"pattern": pattern, "foreground": "#1b1f3b"}))
    for eye in EYES:
        out.append(
            (
                f"corners {eye}",
                {
                    "corners": eye,
                    "pattern": "rounded",
                    "eyeOuter": "#0d47a1",
                    "eyeInner": "#c62828",
                },
            )
        )
    out += [
        (
            "linear gradient",
            {
                "pattern": "dots",
                "corners": "circle",
                "gradient": {"from": "#6a1b9a", "to": "#0d47a1", "angle": 45},
            },
        ),
        (
            "radial gradient",
            {
                "pattern": "classy-rounded",
                "corners": "leaf",
                "gradient": {"type": "radial", "from": "#1b5e20", "to": "#004d40"},
            },
        ),
        (
            "background gradient",
            {
                "pattern": "extra-rounded",
                "gradient": {
                    "from": "#fff8e1",
                    "to": "#e0f7fa",
                    "angle": 90,
                    "target": "background",
                },
            },
        ),
        ("logo (SVG)", {"pattern": "rounded", "corners": "extra-rounded", "logo": LOGO}),
        ("centre text", {"pattern": "classy", "corners": "pin", "centerText": "MENU"}),
        (
            "transparent",
            {
                "pattern": "dots",
                "corners": "rounded",
                "background": "transparent",
                "foreground": "#263238",
            },
        ),
    ]
    for icon in ICONS:
        out.append(
            (
                f"icon {icon}",
                {"pattern": "rounded", "corners": "rounded", "centerIcon": {"id": icon}},
            )
        )
    out += [
        ("frame box", {"frame": "box", "ctaText": "SCAN ME", "pattern": "rounded"}),
        (
            "frame rounded",
            {
                "frame": "rounded",
                "ctaText": "Scan for the menu",
                "frameColor": "#c62828",
                "corners": "rounded",
            },
        ),
        (
            "frame banner-top",
            {
                "frame": "banner-top",
                "ctaText": "WIN A PRIZE",
                "frameColor": "#0d47a1",
                "pattern": "dots",
            },
        ),
        ("frame label", {"frame": "label", "ctaText": "qrstack.example", "pattern": "classy"}),
    ]
    return out


def decodes(body: bytes) -> bool:
    image = Image.open(io.BytesIO(body)).convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    gray = Image.alpha_composite(white, image).convert("L")
    return [b.text for b in zxingcpp.read_barcodes(np.asarray(gray))] == [DATA]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/gallery.png")
    args = parser.parse_args()
    entries = tiles()
    rows = (len(entries) + COLUMNS - 1) // COLUMNS
    sheet = Image.new("RGB", (COLUMNS * TILE, rows * (TILE + CAPTION)), (236, 239, 241))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=15)
    failures = 0
    for i, (caption, style) in enumerate(entries):
        spec = RenderSpec.model_validate({"data": DATA, "size": TILE - 20, "style": style})
        body = render(spec).body
        ok = decodes(body)
        failures += not ok
        image = Image.open(io.BytesIO(body)).convert("RGBA")
        image.thumbnail((TILE - 20, TILE - 20))
        x = (i % COLUMNS) * TILE
        y = (i // COLUMNS) * (TILE + CAPTION)
        checker = Image.new("RGBA", image.size, (255, 255, 255, 255))
        if style.get("background") == "transparent":
            checker = Image.new("RGBA", image.size, (207, 216, 220, 255))
        sheet.paste(Image.alpha_composite(checker, image), (x + (TILE - image.width) // 2, y + 10))
        label = caption if ok else f"{caption} (NO SCAN)"
        draw.text(
            (x + 12, y + TILE + 4), label, fill=(38, 50, 56) if ok else (198, 40, 40), font=font
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=True)
    print(f"wrote {args.out}: {len(entries)} styles, {failures} that do not decode")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of one render, worst cases first: the figure the renderer's memory limit and its
pixel budget (RENDERER_MAX_PIXELS) are sized from (deploy/k8s/base/renderer.yaml).

Each case renders in a fresh interpreter and reports its peak resident set (ru_maxrss) beside
the interpreter's own footprint after imports, so cases never inherit each other's heap.
Run: .venv/bin/python bench/renderer_memory.py
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys

from PIL import Image

_CASE = """
import json, resource, sys, time
from qrstack_common.errors import ApiError
from qrstack_common.render.spec import RenderSpec
from qrstack_renderer.render import render
spec = RenderSpec.model_validate(json.loads(sys.stdin.read()))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    body = render(spec).body
    outcome = f"{len(body) / 1e6:.2f} MB"
    if spec.format in ("png", "jpeg", "webp"):
        from io import BytesIO
        from PIL import Image
        width, height = Image.open(BytesIO(body)).size
        outcome += f", {width}x{height} px ({width * height / 1e6:.1f} MP)"
except ApiError as exc:
    outcome = "refused: " + "; ".join(i.reason for i in exc.issues)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([base / 1024, peak / 1024, time.perf_counter() - start, outcome]))
"""


def _logo() -> str:
    image = Image.effect_noise((480, 480), 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


URL = "https://qr.example.com/Ab3dE"
STYLED = {
    "pattern": "dots",
    "corners": "rounded",
    "gradient": {"type": "radial", "from": "#000000", "to": "#1d3a8a"},
    "frame": "banner-top",
    "cta_text": "SCAN ME",
}
CASES: list[tuple[str, dict[str, object]]] = [
    (
        "4096 px, framed, gradient, dots, logo, png",
        {"size": 4096, "style": {**STYLED, "logo": "LOGO"}},
    ),
    ("4096 px, framed, gradient, dots, png", {"size": 4096, "style": STYLED}),
    ("4096 px, framed, gradient, dots, webp", {"size": 4096, "format": "webp", "style": STYLED}),
    ("4096 px, framed, gradient, dots, jpeg", {"size": 4096, "format": "jpeg", "style": STYLED}),
    ("4096 px, framed, pdf", {"size": 4096, "format": "pdf", "style": STYLED}),
    ("4096 px, plain, png", {"size": 4096}),
    ("2048 px, framed, gradient, dots, png", {"size": 2048, "style": STYLED}),
    ("1024 px, framed, gradient, dots, png", {"size": 1024, "style": STYLED}),
    (
        "scale 20, 1200 chars (v30, 217 modules), styled",
        {"scale": 20, "data": "x" * 1200, "style": STYLED},
    ),
    (
        "scale 40, 1200 chars (v30, 217 modules), styled",
        {"scale": 40, "data": "x" * 1200, "style": STYLED},
    ),
]


def main() -> None:
    logo = _logo()
    print(f"{'case':<52} {'after imports':>14} {'peak RSS':>10} {'render s':>9}  output")
    for name, overrides in CASES:
        spec = {"data": URL, **overrides}
        text = json.dumps(spec).replace('"LOGO"', json.dumps(logo))
        out = subprocess.run(
            [sys.executable, "-c", _CASE], input=text, capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            raise SystemExit(f"{name}: {out.stderr.strip().splitlines()[-1]}")
        base, peak, seconds, outcome = json.loads(out.stdout)
        print(f"{name:<52} {base:>11.0f} MB {peak:>7.0f} MB {seconds:>9.2f}  {outcome}")


if __name__ == "__main__":
    main()

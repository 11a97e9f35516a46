"""The pixel budget (RENDERER_MAX_PIXELS): a raster image larger than it is refused with 400
before any pixel is painted, naming the field to change; images within it render and scan;
vector formats are not counted. The default admits the largest framed 4096 px code, the case
deploy/k8s sizes the renderer's memory from (bench/renderer_memory.py)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_common.errors import ApiError
from qrstack_common.render.spec import RenderSpec
from qrstack_renderer.app import create_app
from qrstack_renderer.compose import compose
from qrstack_renderer.matrix import encode
from qrstack_renderer.render import render
from qrstack_renderer.settings import RendererSettings
from tests.unit.renderer.scanning import Scan

URL = "https://qr.example.com/Ab3dE"
FRAMED = {"frame": "banner-top", "cta_text": "SCAN ME", "pattern": "dots"}


def spec(**fields: object) -> RenderSpec:
    return RenderSpec.model_validate({"data": URL, **fields})


def test_an_image_within_the_budget_renders_and_scans(scan: Scan) -> None:
    body = render(spec(size=400), max_pixels=400 * 400).body
    assert scan(body, "png") == [URL]


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"size": 401}, "size"), ({"scale": 20}, "scale"), ({"size": 400, "style": FRAMED}, "size")],
)
def test_a_raster_image_above_the_budget_is_refused_with_the_field_to_change(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(ApiError) as err:
        render(spec(format="webp", **fields), max_pixels=400 * 400)
    assert err.value.status == 400
    assert err.value.issues[0].path == (field,)
    assert "megapixels" in err.value.issues[0].reason


def test_vector_formats_are_not_counted(scan: Scan) -> None:
    assert render(spec(size=4096, format="svg"), max_pixels=400 * 400).body.startswith(b"<")
    body = render(spec(size=4096, format="pdf"), max_pixels=400 * 400).body
    assert body.startswith(b"%PDF")


def test_the_default_budget_admits_the_largest_framed_4096_px_code() -> None:
    budget = RendererSettings().max_pixels
    for frame in ("banner-top", "label", "box", "rounded"):
        largest = spec(size=4096, style={**FRAMED, "frame": frame})
        drawing = compose(largest, encode(URL, "M"), None)
        pixels = drawing.placement
        assert pixels.width == 4096
        assert pixels.width * pixels.height <= budget
    assert budget < 5000 * 5000  # a scale-sized 5000 px image is not


async def test_the_service_answers_400_for_an_image_above_its_budget(scan: Scan) -> None:
    app = create_app(RendererSettings(max_pixels=300 * 300, cache_bytes=0))
    async with TestClient(TestServer(app)) as client:
        ok = await client.post("/v1/render", json={"data": URL, "size": 300})
        assert ok.status == 200 and scan(await ok.read(), "png") == [URL]
        refused = await client.post("/v1/render", json={"data": URL, "size": 301})
        assert refused.status == 400
        body = await refused.json()
        assert body["error"] == "validation_failed"
        assert body["issues"][0]["path"] == ["size"]

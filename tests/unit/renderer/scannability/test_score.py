"""The scannability score's ladder on real renders and two real decoders (zxing-cpp, OpenCV)."""

from __future__ import annotations

import pytest

from qrstack_renderer.scannability.model import ScoreRequest
from qrstack_renderer.scannability.score import score
from tests.unit.renderer.samples import LOGO, URL, data_uri, png_logo

LONG = "https://example.com/" + "m" * 1700  # too long for Q or H: the renderer stays at M
SQUARE_LOGO = data_uri("image/png", png_logo((100, 100)))


def _score(body: dict[str, object]) -> dict[str, object]:
    return score(ScoreRequest.model_validate(body)).model_dump(mode="json", by_alias=True)


def test_plain_code_scores_a_and_every_rung_passes_in_both_decoders() -> None:
    result = _score({"data": URL})
    assert result["grade"] == "A", result["reasons"]
    assert result["reasons"] == []
    assert result["contrastRatio"] == 21.0
    names = [c["name"] for c in result["conditions"]]  # type: ignore[attr-defined]
    assert names == ["distance", "blur", "jpeg", "tilt", "lowLight", "glare"]
    assert all(c["decoders"] == {"zxing": True, "opencv": True} for c in result["conditions"])  # type: ignore[attr-defined]
    assert result["centre"] is None


def test_logo_over_forty_percent_at_m_scores_f_with_the_codeword_reason() -> None:
    result = _score({"data": LONG, "style": {"logo": SQUARE_LOGO, "logoSize": 0.62}})
    assert result["errorCorrection"] == "M"
    centre = result["centre"]
    assert isinstance(centre, dict)
    assert centre["coveredShare"] >= 0.40
    assert centre["destroyedCodewords"] > centre["budgetCodewords"]
    assert result["grade"] == "F"
    assert "destroys" in result["reasons"][0] and "error correction M" in result["reasons"][0]  # type: ignore[index]


def test_small_logo_at_h_stays_within_budget() -> None:
    result = _score({"data": URL, "style": {"logo": LOGO, "logoSize": 0.2}})
    centre = result["centre"]
    assert isinstance(centre, dict)
    assert result["errorCorrection"] == "H"
    assert 0 < centre["destroyedCodewords"] <= centre["budgetCodewords"]
    assert result["grade"] != "F"


def test_contrast_two_to_one_scores_f_with_the_reason() -> None:
    result = _score({"data": URL, "style": {"foreground": "#b3b3b3"}})
    assert result["contrastRatio"] == pytest.approx(2.1, abs=0.1)
    assert result["grade"] == "F"
    assert result["reasons"][0].startswith("contrast 2.1:1 is below 3:1")  # type: ignore[index]


def test_inverted_code_scores_f() -> None:
    result = _score({"data": URL, "style": {"foreground": "#ffffff", "background": "#000000"}})
    assert result["grade"] == "F"
    assert "inverted" in result["reasons"][0]  # type: ignore[index]


def test_printed_too_small_for_the_distance_is_capped_and_says_the_minimum() -> None:
    result = _score({"data": URL, "scanDistanceMm": 1000, "printSizeMm": 40})
    advice = result["print"]
    assert isinstance(advice, dict)
    assert advice["minSizeMm"] == 100.0  # a tenth of the distance
    assert result["grade"] in ("C", "D", "F")
    assert any("at least 100 mm" in r for r in result["reasons"])  # type: ignore[attr-defined]


def test_scores_are_stable_across_runs() -> None:
    body = {"data": URL, "style": {"pattern": "rounded", "corners": "rounded", "logo": LOGO}}
    first = _score(body)
    assert _score(body) == first
    assert _score(body) == first


def test_minimum_size_follows_the_distance_and_the_module_floor() -> None:
    near = _score({"data": URL, "scanDistanceMm": 100})["print"]
    assert isinstance(near, dict)
    modules = 33 + 8  # a version 4 symbol (this URL at M) plus its quiet zone
    assert near["minSizeMm"] == pytest.approx(max(10.0, 0.4 * modules), abs=0.1)


@pytest.mark.parametrize(
    "data",
    [
        "http://127.0.0.1:8001/Zx81kQ",
        "https://qr.example/autumn-menu-2026",
        "https://go.acme-shop.com/p/8F3kd92L",
        "WIFI:T:WPA;S:Cafe Nord;P:espresso-2026;;",
    ],
)
def test_plain_codes_of_every_shape_score_a(data: str) -> None:
    result = _score({"data": data})
    assert result["grade"] == "A", result["reasons"]

"""Styles that would not scan are refused with 400 and a reason that says what to change."""

from __future__ import annotations

from typing import Any

import pytest
import zxingcpp

from qrstack_common.errors import ApiError
from qrstack_common.http import validate
from qrstack_renderer import RenderSpec, render
from tests.unit.renderer.samples import LOGO, URL, VCARD, data_uri, png_logo
from tests.unit.renderer.scanning import to_image

SQUARE_LOGO = data_uri("image/png", png_logo((90, 90)))


def refusal(body: dict[str, Any]) -> tuple[tuple[str | int, ...], str]:
    with pytest.raises(ApiError) as err:
        render(validate(RenderSpec, body))
    assert err.value.status == 400
    assert err.value.code == "validation_failed"
    issue = err.value.issues[0]
    return issue.path, issue.reason


@pytest.mark.parametrize(
    ("style", "path", "says"),
    [
        (
            {"foreground": "#ffffff", "background": "#000000"},
            ("style", "foreground"),
            "light background",
        ),
        ({"foreground": "#999999"}, ("style", "foreground"), "at least 4:1"),
        (
            {"foreground": "#333333", "background": "#777777"},
            ("style", "foreground"),
            "lighten background",
        ),
        ({"eyeOuter": "#cccccc"}, ("style", "eyeOuter"), "darken this colour"),
        ({"eyeInner": "#ffff00"}, ("style", "eyeInner"), "at least 4:1"),
        (
            {"gradient": {"from": "#000000", "to": "#ff9800"}},
            ("style", "gradient", "to"),
            "at least 4:1",
        ),
        (
            {"gradient": {"from": "#ffffff", "to": "#455a64", "target": "background"}},
            ("style", "foreground"),
            "gradient.to",
        ),
        ({"foreground": "#888888", "background": "transparent"}, ("style", "foreground"), "4:1"),
    ],
)
def test_low_contrast_and_inverted_colours_are_refused(
    style: dict[str, Any], path: tuple[str, ...], says: str
) -> None:
    got_path, reason = refusal({"data": URL, "style": style})
    assert got_path == path
    assert says in reason


def test_enough_contrast_passes_the_guard() -> None:
    # 4.5:1 brand blue on white, dark eyes of another colour.
    style = {"foreground": "#1565c0", "eyeOuter": "#b71c1c", "eyeInner": "#1b5e20"}
    image = render(RenderSpec.model_validate({"data": URL, "style": style}))
    assert [b.text for b in zxingcpp.read_barcodes(to_image(image.body, "png"))] == [URL]


def test_quiet_zone_below_four_modules_is_refused() -> None:
    path, reason = refusal({"data": URL, "margin": 2})
    assert path == ("margin",)
    assert "4" in reason


def test_largest_logo_at_level_h_still_scans() -> None:
    # logoSize is capped at 0.35 so a square logo clears ~13 %, inside H's 20 %.
    style = {"logo": SQUARE_LOGO, "logoSize": 0.35, "pattern": "dots", "corners": "leaf"}
    spec = RenderSpec.model_validate({"data": VCARD, "scale": 4, "style": style})
    found = zxingcpp.read_barcodes(to_image(render(spec).body, "png"))
    assert [b.text for b in found] == [VCARD]
    assert found[0].ec_level == "H"


def test_logo_on_data_too_long_for_higher_error_correction_names_both_fixes() -> None:
    data = "https://example.com/" + "a" * 1800  # fits M, not Q or H
    path, reason = refusal({"data": data, "style": {"logo": SQUARE_LOGO, "logoSize": 0.35}})
    assert path == ("style", "logoSize")
    assert "at most 7%" in reason
    assert "shorten the data" in reason
    assert "smaller" in reason


def test_logo_on_data_that_only_fits_level_l_is_refused() -> None:
    data = "x" * 2900  # fits L only
    path, reason = refusal({"data": data, "errorCorrection": "L", "style": {"logo": LOGO}})
    assert path == ("style", "logoSize")
    assert "at most 0%" in reason


def test_centre_element_must_leave_finders_and_timing_alone() -> None:
    path, reason = refusal({"data": "hi", "style": {"centerIcon": {"id": "x", "scale": 0.3}}})
    assert path == ("style", "centerIcon")
    assert "finder or timing" in reason


def test_error_correction_rises_under_a_logo() -> None:
    spec = RenderSpec.model_validate(
        {"data": URL, "errorCorrection": "L", "scale": 5, "style": {"logo": LOGO}}
    )
    found = zxingcpp.read_barcodes(to_image(render(spec).body, "png"))
    assert [b.text for b in found] == [URL]
    assert found[0].ec_level == "H"


def test_shaped_modules_need_four_pixels_each() -> None:
    path, reason = refusal({"data": URL, "size": 100, "style": {"pattern": "dots"}})
    assert path == ("size",)
    assert "size ≥" in reason
    # Square modules are fine at one pixel each.
    render(RenderSpec.model_validate({"data": URL, "size": 100}))


def test_size_too_small_for_the_symbol_is_refused() -> None:
    path, reason = refusal({"data": VCARD, "size": 60})
    assert path == ("size",)
    assert "at least" in reason


@pytest.mark.parametrize(
    ("style", "path"),
    [
        ({"centerText": "Café"}, ("style", "centerText")),
        ({"frame": "box", "ctaText": "Scannez-moi ✓"}, ("style", "ctaText")),
    ],
)
def test_text_the_font_cannot_draw_is_refused(style: dict[str, Any], path: tuple[str, ...]) -> None:
    got_path, reason = refusal({"data": URL, "style": style})
    assert got_path == path
    assert "cannot draw" in reason


@pytest.mark.parametrize(
    ("style", "says"),
    [
        ({"logo": LOGO, "centerText": "HI"}, "send only one"),
        ({"centerText": "TOO LONG TEXT"}, "at most 8"),
        ({"ctaText": "x" * 61}, "at most 60"),
        ({"logo": "ftp://example.com/logo.png"}, "data: URI or an http(s) URL"),
        ({"pattern": "hearts"}, "square"),
        ({"corners": "star"}, "cross"),
        ({"foreground": "red"}, "hex colour"),
        ({"centerIcon": {"id": "myspace"}}, "instagram"),
        ({"colour": "#000000"}, "unknown field"),
    ],
)
def test_malformed_style_fields_are_refused(style: dict[str, Any], says: str) -> None:
    _, reason = refusal({"data": URL, "style": style})
    assert says in reason


def test_recodeqr_aliases_are_accepted() -> None:
    spec = RenderSpec.model_validate(
        {
            "data": URL,
            "style": {"fg_color": "#123456", "bg_color": "#EEEEEE", "remove_logo_bg": True},
        }
    )
    assert spec.style.foreground == "#123456"
    assert spec.style.background == "#eeeeee"
    assert spec.style.remove_logo_background is True


def test_null_style_fields_mean_not_set() -> None:
    spec = RenderSpec.model_validate(
        {"data": URL, "size": None, "style": {"logo_url": None, "frame": None, "pattern": None}}
    )
    assert spec.style.logo is None
    assert spec.style.frame == "none"
    assert spec.style.pattern == "square"

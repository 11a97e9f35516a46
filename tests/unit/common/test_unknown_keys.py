"""A misspelt key is refused with the key it probably meant and the valid ones."""

from __future__ import annotations

from typing import Any

import pytest

from qrstack_api.codes.input import parse_code_body
from qrstack_common.errors import ApiError


def _issues(body: dict[str, Any]) -> dict[tuple[str | int, ...], str]:
    with pytest.raises(ApiError) as raised:
        parse_code_body(body, partial=False)
    return {issue.path: issue.reason for issue in raised.value.issues}


def test_a_payload_under_the_types_name_instead_of_its_key() -> None:
    issues = _issues({"type": "vcard", "vcard": {"firstName": "Jane"}})
    assert "did you mean `card`?" in issues[("vcard",)]


@pytest.mark.parametrize(
    ("body", "path", "meant"),
    [
        ({"type": "vcard", "card": {"firstNme": "Jane"}}, ("card", "firstNme"), "firstName"),
        (
            {"type": "vcard", "card": {"firstName": "J", "phones": [{"numbr": "+1 555 0100"}]}},
            ("card", "phones", 0, "numbr"),
            "number",
        ),
        (
            {"type": "wifi", "dynamic": False, "wifi": {"ssid": "x", "pasword": "espresso42"}},
            ("wifi", "pasword"),
            "password",
        ),
        (
            {"targetUrl": "https://example.com/", "fallbackURL": "https://x.example"},
            ("fallbackURL",),
            "fallbackUrl",
        ),
        (
            {"targetUrl": "https://example.com/", "style": {"forground": "#000000"}},
            ("style", "forground"),
            "foreground",
        ),
    ],
)  # fmt: skip
def test_a_misspelt_nested_key_says_what_was_meant(
    body: dict[str, Any], path: tuple[str | int, ...], meant: str
) -> None:
    reason = _issues(body)[path]
    assert f"did you mean `{meant}`?" in reason
    assert "Valid: " in reason and meant in reason.split("Valid: ")[1].split(", ")


def test_an_unknown_type_lists_the_valid_ones() -> None:
    reason = _issues({"type": "wlan-card", "targetUrl": "https://example.com/"})[("type",)]
    assert "unknown type 'wlan-card'" in reason
    assert "wifi" in reason and "image-carousel" in reason

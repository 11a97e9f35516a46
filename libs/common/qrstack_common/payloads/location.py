"""Locations: a `geo:` URI (RFC 5870) with WGS 84 latitude and longitude.

A label rides in the `q=lat,lon(label)` query Android's maps read (RFC 5870 itself has no
label); it is percent-encoded, so parentheses and `&` in it are data.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator, Field

from qrstack_common.payloads.fields import Line, at_most
from qrstack_common.payloads.model import Payload, alias

DECIMALS = 7  # about a centimetre; more digits only lengthen the code


def _rounded(value: float) -> float:
    return round(value, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


class LocationPayload(Payload):
    """`latitude` (-90..90), `longitude` (-180..180), optional `label` (max 255)."""

    latitude: Annotated[
        float, Field(ge=-90, le=90, allow_inf_nan=False), AfterValidator(_rounded)
    ] = alias("latitude", "lat")
    longitude: Annotated[
        float, Field(ge=-180, le=180, allow_inf_nan=False), AfterValidator(_rounded)
    ] = alias("longitude", "lon", "lng")
    label: Annotated[Line, at_most(255)] | None = alias("label", "name", default=None)


def format_degrees(value: float) -> str:
    """Plain decimal notation (never an exponent), trailing zeros dropped."""
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def encode_location(payload: LocationPayload) -> str:
    point = f"{format_degrees(payload.latitude)},{format_degrees(payload.longitude)}"
    if payload.label:
        return f"geo:{point}?q={point}({quote(payload.label, safe='')})"
    return f"geo:{point}"

"""Wi-Fi network codes: `WIFI:T:<type>;S:<ssid>;P:<password>;H:true;;` (the ZXing format
Android and iOS cameras read).

Backslash, semicolon, comma and colon in the SSID and password are escaped with a backslash.
Values are never wrapped in quotes (iOS keeps the quotes as part of the value) and a double
quote needs no escape.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator

from qrstack_common.errors import Issue
from qrstack_common.payloads.fields import NOT_EMPTY, Exact, at_most, one_of
from qrstack_common.payloads.model import Payload

SSID_MAX_OCTETS = 32  # IEEE 802.11; RecodeQR: "max 32 chars"
PASSWORD_MAX_LENGTH = 63  # RecodeQR; also the WPA passphrase limit
WPA_PASSWORD_MIN_LENGTH = 8  # a WPA passphrase has 8 to 63 characters

_ENCRYPTIONS = {
    "wpa": "WPA",
    "wpa2": "WPA",
    "wpa3": "WPA",
    "wpa/wpa2": "WPA",
    "wep": "WEP",
    "nopass": "nopass",
    "none": "nopass",
    "open": "nopass",
}
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", ":": "\\:"})


def _ssid_octets(value: str) -> str:
    octets = len(value.encode("utf-8"))
    if octets > SSID_MAX_OCTETS:
        raise ValueError(f"must be at most {SSID_MAX_OCTETS} bytes in UTF-8 (got {octets})")
    return value


def _empty_as_none(value: Any) -> Any:
    return None if value == "" else value


class WifiPayload(Payload):
    """`ssid`, `encryption` (WPA, WEP or nopass, the default), `password` (required unless
    nopass, 8-63 characters for WPA), `hidden`."""

    ssid: Annotated[Exact, NOT_EMPTY, at_most(SSID_MAX_OCTETS), AfterValidator(_ssid_octets)]
    encryption: Annotated[
        Literal["WPA", "WEP", "nopass"], BeforeValidator(one_of(_ENCRYPTIONS, "encryptions"))
    ] = "nopass"
    password: Annotated[
        Annotated[Exact, at_most(PASSWORD_MAX_LENGTH)] | None, BeforeValidator(_empty_as_none)
    ] = None
    hidden: bool = False

    def cross_field_issues(self) -> list[Issue]:
        if self.encryption == "nopass":
            if self.password is not None:
                return [
                    Issue(
                        ("password",), "must be left out when encryption is nopass (open network)"
                    )
                ]
            return []
        if self.password is None:
            return [Issue(("password",), f"is required when encryption is {self.encryption}")]
        if self.encryption == "WPA" and len(self.password) < WPA_PASSWORD_MIN_LENGTH:
            return [
                Issue(
                    ("password",),
                    f"must be at least {WPA_PASSWORD_MIN_LENGTH} characters for WPA "
                    f"(got {len(self.password)})",
                )
            ]
        return []


def escape_wifi(value: str) -> str:
    return value.translate(_ESCAPES)


def encode_wifi(payload: WifiPayload) -> str:
    out = f"WIFI:T:{payload.encryption};S:{escape_wifi(payload.ssid)};"
    if payload.password is not None:
        out += f"P:{escape_wifi(payload.password)};"
    if payload.hidden:
        out += "H:true;"
    return out + ";"

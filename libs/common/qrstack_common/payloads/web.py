"""Codes that lead to a web address: a URL, a social profile, an app in its store.

These are the types a dynamic code can redirect to (`redirect_*`): the short URL answers
with the address below. `app` is dynamic only: the store depends on the scanner's phone.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator

from qrstack_common.errors import Issue
from qrstack_common.payloads.fields import WebUrl, one_of
from qrstack_common.payloads.model import Payload, alias


class UrlPayload(Payload):
    """`targetUrl` (RecodeQR and U2QR call it `url`): an http(s) URL."""

    target_url: WebUrl = alias("targetUrl", "url")


def encode_url(payload: UrlPayload) -> str:
    return payload.target_url


def redirect_url(payload: UrlPayload, os: str | None) -> str:
    return payload.target_url


# --------------------------------------------------------------------------------------------
# Social profiles

SocialPlatform = Literal[
    "instagram", "tiktok", "x", "facebook", "linkedin", "youtube", "snapchat", "pinterest"
]

PROFILE_URLS: dict[str, str] = {
    "instagram": "https://www.instagram.com/{}/",
    "tiktok": "https://www.tiktok.com/@{}",
    "x": "https://x.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "youtube": "https://www.youtube.com/@{}",
    "snapchat": "https://www.snapchat.com/add/{}",
    "pinterest": "https://www.pinterest.com/{}/",
}

_PLATFORMS = {name: name for name in PROFILE_URLS} | {"twitter": "x"}
_HANDLE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def _handle(value: str) -> str:
    value = value.strip().removeprefix("@")
    if not _HANDLE.match(value):
        raise ValueError(
            "must be a user name of at most 100 letters, digits, dots, underscores and "
            "dashes (the name only, not the profile URL)"
        )
    return value


class SocialPayload(Payload):
    """A profile on one of the eight platforms of TurtleQR; `handle` may start with @."""

    platform: Annotated[SocialPlatform, BeforeValidator(one_of(_PLATFORMS, "social platforms"))]
    handle: Annotated[str, AfterValidator(_handle)]


def profile_url(payload: SocialPayload) -> str:
    return PROFILE_URLS[payload.platform].format(payload.handle)


def redirect_social(payload: SocialPayload, os: str | None) -> str:
    return profile_url(payload)


# --------------------------------------------------------------------------------------------
# Apps in the stores


def _ios_app_id(value: str) -> str:
    match = re.fullmatch(r"(?:id)?([0-9]{1,12})", value.strip())
    if not match:
        raise ValueError("must be the App Store id: digits, optionally prefixed by 'id'")
    return match.group(1)


def _android_package(value: str) -> str:
    value = value.strip()
    if len(value) > 255 or not re.fullmatch(
        r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+", value
    ):
        raise ValueError("must be an Android package name like com.example.app")
    return value


class AppPayload(Payload):
    """An app in the App Store and/or Google Play; at least one of the two is required.
    Scanners on other systems (and on a system whose store is not given) go to
    `fallbackUrl`, or to the store that is given."""

    ios_app_id: Annotated[str, AfterValidator(_ios_app_id)] | None = None
    android_package_name: Annotated[str, AfterValidator(_android_package)] | None = None
    fallback_url: WebUrl | None = None

    def cross_field_issues(self) -> list[Issue]:
        if self.ios_app_id is None and self.android_package_name is None:
            return [Issue(("ios_app_id",), "give iosAppId, androidPackageName or both")]
        return []


def app_store_url(app_id: str) -> str:
    return f"https://apps.apple.com/app/id{app_id}"


def play_store_url(package: str) -> str:
    return f"https://play.google.com/store/apps/details?id={package}"


def scanner_platform(os: str | None) -> Literal["ios", "android"] | None:
    """Which store a scanner uses, from the OS name the user-agent parser reports."""
    name = (os or "").strip().lower()
    if name in ("ios", "ipados") or name.startswith("iphone"):
        return "ios"
    if name.startswith("android"):
        return "android"
    return None


def redirect_app(payload: AppPayload, os: str | None) -> str:
    platform = scanner_platform(os)
    if platform == "ios" and payload.ios_app_id:
        return app_store_url(payload.ios_app_id)
    if platform == "android" and payload.android_package_name:
        return play_store_url(payload.android_package_name)
    if payload.fallback_url:
        return payload.fallback_url
    if payload.ios_app_id:
        return app_store_url(payload.ios_app_id)
    assert payload.android_package_name is not None  # one of the two: cross_field_issues
    return play_store_url(payload.android_package_name)

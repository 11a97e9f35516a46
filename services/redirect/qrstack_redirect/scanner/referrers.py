"""The host of the page or app that sent the scanner (`Referer`), and nothing more: paths and
queries of referring pages can carry personal data and are never kept."""

from __future__ import annotations

from urllib.parse import urlsplit

_MAX_HOST_LENGTH = 253  # the longest DNS name
_MAX_REFERER_LENGTH = 4096


def referrer_host(referer: str) -> str | None:
    """The lower-case host of a `Referer` URL, without port or credentials; `None` when the
    header is not an absolute URL with a host (Android apps send `android-app://package/`,
    whose "host" is the app's package name, kept as such)."""
    if len(referer) > _MAX_REFERER_LENGTH:
        return None
    try:
        host = urlsplit(referer.strip()).hostname
    except ValueError:
        return None
    if not host or len(host) > _MAX_HOST_LENGTH:
        return None
    return host

"""What a custom short domain's host may be: a fully qualified DNS name, stored in lower case.

Refused: IP addresses (a short link on a bare address cannot carry TLS for it and looks like
phishing), single-label names, ports, paths and schemes, non-ASCII names (give the punycode
`xn--` form, which is what a browser sends in the Host header), and the platform's own short
domain (its slugs belong to every workspace).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

SETUP = (
    "Point the host's DNS at the redirect tier (the record in `verification.target`) and give "
    "that tier a TLS certificate for it. Scans of https://host/{slug} then resolve the "
    "workspace's codes on that domain, from the moment it is added. To show the workspace "
    "controls the host, publish the TXT record `verification.txtName` = "
    "`verification.txtValue` and call POST /v1/domains/{id}/verify; serving does not wait "
    "for it."
)
"""What a domain needs outside qrstack (the API's description of POST /v1/domains, and the
console's domains page)."""

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_HOST_LENGTH = 253


def host_problem(value: str) -> str | None:
    """Why `value` (already lower-cased, trailing dot removed) is not a usable host, else None."""
    if not value:
        return "must not be empty"
    if not value.isascii():
        return "must be ASCII: give an internationalised name in its punycode form (xn--...)"
    if any(ch in value for ch in "/:@?#") or any(ch.isspace() for ch in value):
        return "must be a host name only, like qr.example.com (no scheme, port or path)"
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        return "must be a DNS name, not an IP address"
    if len(value) > MAX_HOST_LENGTH:
        return f"must be at most {MAX_HOST_LENGTH} characters"
    labels = value.split(".")
    if len(labels) < 2:
        return "must be a fully qualified name with a dot, like qr.example.com"
    for label in labels:
        if not _LABEL.fullmatch(label):
            return (
                f"label {label!r} is not valid: 1-63 letters, digits or hyphens, "
                "not starting or ending with a hyphen"
            )
    if labels[-1].isdigit():
        return "the last label (top-level domain) cannot be all digits"
    return None


def normalise_host(value: str) -> str:
    """Lower case, surrounding space and one trailing dot removed (DNS names are
    case-insensitive; `example.com.` is `example.com`)."""
    host = value.strip().lower()
    return host[:-1] if host.endswith(".") else host


def platform_host(short_url_base: str) -> str:
    """The host of the platform's short domain (from settings `short_url_base`)."""
    return (urlsplit(short_url_base).hostname or "").lower()

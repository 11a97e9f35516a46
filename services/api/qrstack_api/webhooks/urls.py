"""Whether a webhook URL may be stored: https (http only when local URLs are allowed for
development), no credentials, and a host that resolves only to public addresses (the shared
guard, `qrstack_common.egress`; the worker checks again at every delivery)."""

from __future__ import annotations

import socket

from yarl import URL

from qrstack_common.egress import PrivateAddressError, address_check, resolve_public
from qrstack_common.errors import Issue, validation_failed

_PATH = ("url",)
MAX_URL_LENGTH = 2048


async def check_webhook_url(url: str, *, allow_local: bool) -> str:
    """The URL as stored; 400 on `url` saying why it is refused."""

    def refuse(reason: str) -> Exception:
        return validation_failed([Issue(_PATH, reason)])

    if len(url) > MAX_URL_LENGTH:
        raise refuse(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parsed = URL(url)
    except ValueError:
        raise refuse("is not a URL") from None
    schemes = ("https", "http") if allow_local else ("https",)
    if parsed.scheme not in schemes or not parsed.host:
        raise refuse("must be an https:// URL with a host")
    if parsed.user or parsed.password:
        raise refuse("must not carry credentials; authenticate by the signature")
    if parsed.fragment:
        raise refuse("must not have a #fragment")
    allowed = address_check(allow_loopback=allow_local)
    try:
        await resolve_public(parsed.host, parsed.port or 443, allowed)
    except PrivateAddressError:
        raise refuse(
            "points at this machine or a private, link-local or reserved network; "
            "webhooks are delivered to public addresses only"
        ) from None
    except (socket.gaierror, UnicodeError):
        raise refuse(f"the host {parsed.host} does not resolve") from None
    return str(parsed)

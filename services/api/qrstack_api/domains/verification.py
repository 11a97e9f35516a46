"""DNS verification of a custom domain: the workspace proves it controls the host by
publishing a TXT record, `_qrstack-verify.<host>` = `qrstack-verify=<token>`, and asks qrstack
to look it up (`POST /v1/domains/{id}/verify`).

Verification records a fact about the host; it does not gate serving. A domain answers scans
as soon as it is added, as before verification existed: printed codes on a host that has always
worked must not stop because a TXT record was removed or a DNS server was slow, and a host that
does not point at the redirect tier gets no scans anyway. What verification does mean: the
workspace showed, at `verifiedAt`, that it can publish records in the host's zone.

One lookup, bounded by DOMAIN_VERIFY_TIMEOUT_S, from the servers of DOMAIN_VERIFY_NAMESERVERS
(or the system's). A lookup that got an answer is a check: verified, or failed with the reason
(no such name, no TXT record, other values). A lookup that got none (timeout, SERVFAIL, no
servers) is not a check: the caller answers 503 and records nothing.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.resolver

TXT_LABEL = "_qrstack-verify"
TXT_PREFIX = "qrstack-verify="
_SHOWN_VALUES = 3


def txt_name(host: str) -> str:
    return f"{TXT_LABEL}.{host}"


def txt_value(token: str) -> str:
    return f"{TXT_PREFIX}{token}"


def target_record(target: str) -> Literal["A", "AAAA", "CNAME"]:
    """The kind of record that points a host at `target`: A/AAAA for an address, else CNAME."""
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        return "CNAME"
    return "A" if address.version == 4 else "AAAA"


@dataclass(frozen=True)
class Check:
    """A lookup that got an answer: the record was found, or why not."""

    verified: bool
    failure: str | None


class LookupFailed(Exception):
    """DNS gave no answer to check (timeout, SERVFAIL, no usable server): nothing is known."""


def nameservers_of(setting: str) -> list[dns.nameserver.Nameserver]:
    """`address[:port]`, comma-separated (`[v6]:port` for IPv6 with a port)."""
    servers: list[dns.nameserver.Nameserver] = []
    for item in filter(None, (part.strip() for part in setting.split(","))):
        host, port = item, 53
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else 53
        elif item.count(":") == 1:
            host, raw_port = item.split(":")
            port = int(raw_port)
        servers.append(dns.nameserver.Do53Nameserver(host, port))
    return servers


def _resolver(nameservers: str, timeout_s: float) -> dns.asyncresolver.Resolver:
    if nameservers:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = nameservers_of(nameservers)
    else:
        resolver = dns.asyncresolver.Resolver()  # /etc/resolv.conf
    resolver.timeout = resolver.lifetime = timeout_s
    return resolver


async def check_txt(host: str, token: str, *, nameservers: str, timeout_s: float) -> Check:
    """Look the verification record of `host` up now; raises `LookupFailed` without an answer."""
    name, expected = txt_name(host), txt_value(token)
    try:
        resolver = _resolver(nameservers, timeout_s)
        answer = await resolver.resolve(name, "TXT", search=False, lifetime=timeout_s)
    except dns.resolver.NXDOMAIN:
        return Check(False, f"{name} does not exist in DNS (NXDOMAIN): publish the TXT record")
    except dns.resolver.NoAnswer:
        return Check(False, f"{name} has no TXT record: publish {expected!r} there")
    except dns.resolver.LifetimeTimeout:
        raise LookupFailed(f"DNS did not answer for {name} within {timeout_s:g} s") from None
    except dns.resolver.NoNameservers:
        raise LookupFailed(f"no DNS server answered for {name} (SERVFAIL or refused)") from None
    except (dns.exception.DNSException, OSError, ValueError) as exc:
        raise LookupFailed(f"the DNS lookup of {name} failed: {exc}") from None
    found = [b"".join(record.strings).decode("utf-8", "replace") for record in answer]
    if expected in found:
        return Check(True, None)
    shown = ", ".join(repr(value[:80]) for value in found[:_SHOWN_VALUES])
    more = f" and {len(found) - _SHOWN_VALUES} more" if len(found) > _SHOWN_VALUES else ""
    return Check(False, f"{name} has TXT {shown}{more}, not {expected!r}")

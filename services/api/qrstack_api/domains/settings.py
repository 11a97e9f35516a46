"""Settings of custom domains: the record a domain's host points at, and how its DNS
verification looks records up.

`ApiSettings` inherits these fields; each is read from the environment variable named first in
its aliases.
"""

from __future__ import annotations

from qrstack_common.settings import ServiceSettings, setting


class DomainSettings(ServiceSettings):
    domain_target: str = setting(
        "DOMAIN_TARGET",
        "",
        description="The name (CNAME) or address (A/AAAA) a custom domain's host must point "
        "at: the redirect tier's public name. Unset: the host of SHORT_URL_BASE.",
    )
    domain_verify_nameservers: str = setting(
        "DOMAIN_VERIFY_NAMESERVERS",
        "",
        description="Comma-separated address[:port] of the DNS servers that domain verification "
        "asks (port 53 by default). Unset: the system's resolvers (/etc/resolv.conf).",
    )
    domain_verify_timeout_s: float = setting(
        "DOMAIN_VERIFY_TIMEOUT_S",
        5.0,
        gt=0,
        le=30,
        description="How long one domain verification may wait for DNS, in seconds (at most 30).",
    )

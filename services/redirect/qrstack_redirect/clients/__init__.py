"""Facts about the scanner of a request: where (trusted proxies, GeoIP), on what (User-Agent),
in which language, from where (Referer), person or bot; and its privacy-preserving identity.

At start-up::

    geo = GeoDatabase.open(settings.geoip_path)            # close() at shutdown
    reader = ClientFactsReader(
        agents=UserAgentParser(cache_size=10_000),
        geo=geo,
        trusted_proxies=TrustedProxies(settings.trusted_proxies),
    )
    salt = visitor_key(settings.visitor_salt)

Per scan::

    facts = reader.read(request.remote, request.headers)
    hash_ = visitor_hash(facts.ip, facts.user_agent, now.date(), salt)
"""

from qrstack_redirect.clients.addresses import IpNetworks, normalize_ip, parse_ip
from qrstack_redirect.clients.agents import MAX_USER_AGENT_LENGTH, AgentFacts, UserAgentParser
from qrstack_redirect.clients.bots import bot_reason
from qrstack_redirect.clients.facts import ClientFacts
from qrstack_redirect.clients.geo import NO_GEO, GeoDatabase, GeoFacts
from qrstack_redirect.clients.languages import primary_language
from qrstack_redirect.clients.proxies import TrustedProxies
from qrstack_redirect.clients.reader import ClientFactsReader
from qrstack_redirect.clients.referrers import referrer_host
from qrstack_redirect.clients.visitors import ip_prefix, visitor_hash, visitor_key

__all__ = [
    "MAX_USER_AGENT_LENGTH",
    "NO_GEO",
    "AgentFacts",
    "ClientFacts",
    "ClientFactsReader",
    "GeoDatabase",
    "GeoFacts",
    "IpNetworks",
    "TrustedProxies",
    "UserAgentParser",
    "bot_reason",
    "ip_prefix",
    "normalize_ip",
    "parse_ip",
    "primary_language",
    "referrer_host",
    "visitor_hash",
    "visitor_key",
]

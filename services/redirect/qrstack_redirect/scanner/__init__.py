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

from qrstack_redirect.scanner.agents import MAX_USER_AGENT_LENGTH, AgentFacts, UserAgentParser
from qrstack_redirect.scanner.bots import bot_reason
from qrstack_redirect.scanner.facts import ClientFacts
from qrstack_redirect.scanner.geo import NO_GEO, GeoDatabase, GeoFacts
from qrstack_redirect.scanner.languages import primary_language
from qrstack_redirect.scanner.proxies import TrustedProxies
from qrstack_redirect.scanner.reader import ClientFactsReader
from qrstack_redirect.scanner.referrers import referrer_host
from qrstack_redirect.scanner.visitors import ip_prefix, visitor_hash, visitor_key

__all__ = [
    "MAX_USER_AGENT_LENGTH",
    "NO_GEO",
    "AgentFacts",
    "ClientFacts",
    "ClientFactsReader",
    "GeoDatabase",
    "GeoFacts",
    "TrustedProxies",
    "UserAgentParser",
    "bot_reason",
    "ip_prefix",
    "primary_language",
    "referrer_host",
    "visitor_hash",
    "visitor_key",
]

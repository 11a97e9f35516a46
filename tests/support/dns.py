"""A real DNS server on a loopback port (dnslib's), answering the records a test publishes:
the domain verification tests point the API's resolver at it (DOMAIN_VERIFY_NAMESERVERS).

Names it holds answer their TXT records (a name with none answers NOERROR and no data); names
in `stalled` are answered only after `stall_s` (longer than the API's timeout), names in
`broken` get SERVFAIL; every other name is NXDOMAIN.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


@dataclass
class Zone(BaseResolver):  # type: ignore[misc]  # dnslib has no type hints
    """What the server answers; tests change it while it runs."""

    txt: dict[str, list[str]] = field(default_factory=dict)
    stalled: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)
    stall_s: float = 3.0
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def publish(self, name: str, *values: str) -> None:
        with self._lock:
            self.txt[name.lower()] = list(values)

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        with self._lock:
            values, stalled, broken = self.txt.get(name), name in self.stalled, name in self.broken
        if stalled:
            time.sleep(self.stall_s)
        if broken:
            reply.header.rcode = RCODE.SERVFAIL
        elif values is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for value in values:
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(value), ttl=60))
        return reply


@contextmanager
def dns_server() -> Iterator[Zone]:
    """A UDP DNS server on 127.0.0.1 (a free port), answering from the yielded zone."""
    zone = Zone()
    server = DNSServer(zone, address="127.0.0.1", port=0, logger=DNSLogger("-request,-reply"))
    server.start_thread()
    zone.port = server.server.server_address[1]
    try:
        yield zone
    finally:
        server.stop()

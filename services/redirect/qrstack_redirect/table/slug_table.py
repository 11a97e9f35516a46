"""The slug table: (host, slug) → the code's snapshot, plus the custom domains.

Applied from `qr.codes.v1` and `qr.domains.v1` in topic order. A snapshot whose version is
older than the one held is ignored (at-least-once delivery can replay an older snapshot after a
newer one); a slug or domain change removes the old key; a tombstone removes the code.
Host `""` is the platform's own short domain.
"""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC, CodeSnapshot, DomainSnapshot
from qrstack_redirect.rules import NO_RULES, CompiledRules, compile_rules

log = logging.getLogger(__name__)

PLATFORM_HOST = ""


class CodeEntry:
    """A code as the table holds it: its snapshot and its routing rules, compiled once."""

    __slots__ = ("code", "rules")

    def __init__(self, code: CodeSnapshot) -> None:
        self.code = code
        self.rules: CompiledRules = compile_rules(code.rules) if code.rules else NO_RULES
        for rejected in self.rules.rejected:
            log.error(
                "routing rule left out",
                extra={"code": str(code.id), "rule": str(rejected.rule_id), "why": rejected.reason},
            )


class SlugTable:
    __slots__ = ("_by_id", "_codes", "_domains", "rejected")

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str], CodeEntry] = {}
        self._by_id: dict[str, tuple[str, str]] = {}
        self._domains: dict[str, DomainSnapshot] = {}
        self.rejected = 0  # records that did not validate (logged, skipped)

    def __len__(self) -> int:
        return len(self._codes)

    def apply(self, topic: str, key: bytes, value: bytes | None) -> None:
        """Apply one record of a table topic."""
        if topic == CODES_TOPIC:
            self.apply_code(key, value)
        elif topic == DOMAINS_TOPIC:
            self.apply_domain(key, value)

    def apply_code(self, key: bytes, value: bytes | None) -> None:
        code_id = sys.intern(key.decode())
        if value is None:
            old = self._by_id.pop(code_id, None)
            if old is not None:
                self._codes.pop(old, None)
            return
        try:
            snapshot = CodeSnapshot.model_validate_json(value)
        except ValidationError as exc:
            self.rejected += 1
            log.error("invalid code snapshot skipped", extra={"key": code_id, "error": str(exc)})
            return
        new_key = (sys.intern(snapshot.domain or PLATFORM_HOST), snapshot.slug)
        old_key = self._by_id.get(code_id)
        if old_key is not None:
            held = self._codes.get(old_key)
            if held is not None and held.code.version > snapshot.version:
                return
            if old_key != new_key:
                self._codes.pop(old_key, None)
        self._codes[new_key] = CodeEntry(snapshot)
        self._by_id[code_id] = new_key

    def apply_domain(self, key: bytes, value: bytes | None) -> None:
        host = key.decode().lower()
        if value is None:
            self._domains.pop(host, None)
            return
        try:
            snapshot = DomainSnapshot.model_validate_json(value)
        except ValidationError as exc:
            self.rejected += 1
            log.error("invalid domain snapshot skipped", extra={"key": host, "error": str(exc)})
            return
        if snapshot.status == "deleted":
            self._domains.pop(host, None)
        else:
            self._domains[host] = snapshot

    def table_host(self, request_host: str) -> str:
        """The table's host for a request's Host header: a known custom domain, else the
        platform's short domain."""
        host = request_host.rpartition(":")[0] if request_host.count(":") == 1 else request_host
        host = host.lower()
        return host if host in self._domains else PLATFORM_HOST

    def domain(self, host: str) -> DomainSnapshot | None:
        return self._domains.get(host)

    def lookup(self, host: str, slug: str) -> CodeEntry | None:
        return self._codes.get((host, slug))

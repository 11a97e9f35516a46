"""The slug table: (host, slug) → the code's record, plus the custom domains.

Applied from `qr.codes.v1` and `qr.domains.v1` in topic order (see `table.feed`). A snapshot
older than the one held is ignored (at-least-once delivery can replay an older snapshot after
a newer one); a slug or domain change removes the old key; a tombstone removes the code. A code
that takes a key another code still holds (their snapshots crossed between partitions) wins it:
the API keeps (domain, slug) unique, so the other code's own move is on its way.
Records that do not validate are logged, counted in `rejected` and leave the table as it was.
Host `""` is the platform's own short domain.
"""

from __future__ import annotations

import logging
import sys
from typing import TypeVar
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, ValidationError

from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC, CodeSnapshot, DomainSnapshot
from qrstack_redirect.table.code_index import CodeIndex, TableKey
from qrstack_redirect.table.records import (
    CodeRecord,
    InvalidRecord,
    WorkspaceNames,
    compact_record,
    owned_by,
    record_id,
    record_version,
)

log = logging.getLogger(__name__)

S = TypeVar("S", bound=BaseModel)

PLATFORM_HOST = ""


def request_host_name(request_host: str) -> str:
    """The host of a `Host` header, lower case, without its port (IPv6 brackets kept)."""
    if request_host.startswith("["):
        return request_host.partition("]")[0].lower() + "]"
    return request_host.partition(":")[0].lower()


class SlugTable:
    __slots__ = ("_codes", "_domains", "_index", "codes_applied", "rejected", "workspaces")

    def __init__(self) -> None:
        self._codes: dict[str, dict[str, CodeRecord]] = {PLATFORM_HOST: {}}
        self._index = CodeIndex(self._owns)
        self._domains: dict[str, DomainSnapshot] = {}
        self.workspaces = WorkspaceNames()
        self.rejected = 0  # records that did not validate (logged, skipped)
        self.codes_applied = 0

    def __len__(self) -> int:
        return len(self._index)

    def _owns(self, key: TableKey, code_id: bytes) -> bool:
        record = self._codes[key[0]].get(key[1])
        return record is not None and owned_by(record, code_id)

    def apply(self, topic: str, key: bytes, value: bytes | None) -> None:
        """Apply one record of a table topic. Never raises for a record's content."""
        if topic == CODES_TOPIC:
            self.apply_code(key, value)
        elif topic == DOMAINS_TOPIC:
            self.apply_domain(key, value)

    def _reject(self, what: str, key: bytes, error: object) -> None:
        self.rejected += 1
        log.error(what, extra={"key": key.decode(errors="replace"), "error": str(error)})

    def _read(self, model: type[S], what: str, key: bytes, value: bytes) -> S | None:
        """The snapshot in `value`; None (counted and logged as rejected) if it is not one."""
        try:
            return model.model_validate_json(value)
        except ValidationError as exc:
            self._reject(f"invalid {what} snapshot skipped", key, exc)
            return None

    def apply_code(self, key: bytes, value: bytes | None) -> None:
        self.codes_applied += 1
        if value is None:
            try:
                code_id = UUID(key.decode()).bytes
            except ValueError as exc:
                self._reject("tombstone with a key that is not a code id skipped", key, exc)
                return
            self._forget(code_id)
            return
        snapshot = self._read(CodeSnapshot, "code", key, value)
        if snapshot is None:
            return
        code_id = snapshot.id.bytes
        old_key = self._index.find(code_id)
        if old_key is not None:
            held = self._codes[old_key[0]][old_key[1]]
            if record_version(held) > snapshot.version:
                return
        try:
            record = compact_record(snapshot, self.workspaces)
        except InvalidRecord as exc:
            self._reject("code snapshot that cannot be served skipped", key, exc)
            return
        host = sys.intern(snapshot.domain.lower()) if snapshot.domain else PLATFORM_HOST
        new_key = (host, snapshot.slug)
        if old_key is not None and old_key != new_key:
            self._forget(code_id)
        slugs = self._codes.get(host)
        if slugs is None:
            slugs = self._codes[host] = {}
        displaced = slugs.get(snapshot.slug)
        if displaced is not None and not owned_by(displaced, code_id):
            self._index.remove(record_id(displaced))
        slugs[snapshot.slug] = record
        self._index.put(code_id, new_key)

    def _forget(self, code_id: bytes) -> None:
        key = self._index.find(code_id)
        if key is None:
            return
        self._index.remove(code_id)
        slugs = self._codes[key[0]]
        del slugs[key[1]]
        if not slugs and key[0] != PLATFORM_HOST:
            del self._codes[key[0]]

    def apply_domain(self, key: bytes, value: bytes | None) -> None:
        host = key.decode(errors="replace").lower()
        if value is None:
            self._domains.pop(host, None)
            return
        domain = self._read(DomainSnapshot, "domain", key, value)
        if domain is None:
            return
        if domain.status == "deleted":
            self._domains.pop(host, None)
        else:
            self._domains[host] = domain

    def table_host(self, request_host: str) -> str:
        """The table's host for a request's `Host` header: a known custom domain, else the
        platform's short domain."""
        if not self._domains:
            return PLATFORM_HOST
        host = request_host_name(request_host)
        return host if host in self._domains else PLATFORM_HOST

    def host_of(self, request: web.Request) -> str:
        """`table_host` of a request (its `Host` header is not even read while no custom
        domain is known)."""
        return self.table_host(request.host) if self._domains else PLATFORM_HOST

    def domain(self, host: str) -> DomainSnapshot | None:
        return self._domains.get(host) if host else None

    def lookup(self, host: str, slug: str) -> CodeRecord | None:
        slugs = self._codes.get(host)
        return slugs.get(slug) if slugs is not None else None

    def footprint(self) -> int:
        """Bytes the table holds for its codes: hash tables, slug keys and compact records, as
        `sys.getsizeof` counts them. A full `CodeEntry` is counted by its own object only (its
        snapshot, rules and page are ordinary Python objects, a few kB per code). O(codes):
        for the bench and tests, not for every metrics scrape."""
        total = self._index.footprint()
        for slugs in self._codes.values():
            total += sys.getsizeof(slugs)
            for slug, record in slugs.items():
                total += sys.getsizeof(slug) + sys.getsizeof(record)
        return total

"""One scan as the handlers see it (`Scan`), and how it is answered and recorded (`Answers`).

A `Scan` is built once per request by `routes` and handed through: the answer (a redirect or a
page), the scan event and the page's template context all read it. Every answer carries
`Cache-Control: private, no-store`: a cached redirect would hide repeat scans from the count
and pin an old destination after an edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from aiohttp import web
from jinja2 import Environment

from qrstack_common.events import ScanOutcome, scan_key
from qrstack_common.forwarding import with_forwarded_query
from qrstack_common.metrics import RedirectMetrics
from qrstack_redirect.pages import PAGE_HEADERS, hosted_context, render_page
from qrstack_redirect.prebuilt import REDIRECT_STATUSES, PrebuiltRedirect, redirect_headers
from qrstack_redirect.resolve import GATE_PAGE, Resolution
from qrstack_redirect.scanner import ClientFacts, ip_prefix
from qrstack_redirect.scans.emitter import ScanEmitter
from qrstack_redirect.scans.encoding import ScanIds, encode_scan
from qrstack_redirect.table.records import (
    CodeEntry,
    CodeRecord,
    plain_forwards_query,
    plain_status,
    plain_target,
    plain_tracks_scans,
    plain_workspace,
    uuid_text,
)
from qrstack_redirect.table.slug_table import SlugTable, request_host_name

NO_STORE = "private, no-store"
_OUTCOMES: tuple[ScanOutcome, ...] = (
    "redirect",
    "page",
    "fallback",
    "not_active",
    "limit_reached",
    "password_required",
    "not_found",
)


class PlainAnswer(NamedTuple):
    """What every scan of one plain code gets, decoded once from its compact record."""

    status: int
    target: str
    forwards_query: bool
    tracks: bool
    code_id: str
    workspace: str | None
    headers: bytes | None  # `prebuilt.redirect_headers` of the target, None if unwritable


_PLAIN_CACHE_MAX = 100_000  # hot plain codes whose answers are kept decoded
_GATE_CACHE_MAX = 10_000  # rendered gate pages, per code snapshot and URL
_REDIRECT_CACHE_MAX = 10_000  # `redirect_headers` of the targets of codes with rules, caps, ...
_RULE_TEXT_MAX = 10_000  # rule ids as the scan event writes them


class Scan(NamedTuple):
    """The facts of one request to `/{slug}`, read once by the handler."""

    request: web.Request
    host: str  # the slug table's host key (`SlugTable.table_host`)
    slug: str
    record: CodeRecord | None  # None: no code has this slug on this host
    facts: ClientFacts
    now: datetime  # aware, UTC
    visitor: str  # the daily visitor hash

    @property
    def entry(self) -> CodeEntry | None:
        """The record when it is a full entry (rules, gate, cap, page), else None."""
        record = self.record
        return record if isinstance(record, CodeEntry) else None


@dataclass(slots=True)
class Answers:
    """Turns a scan and its resolution into the HTTP answer, recording the scan event."""

    table: SlugTable
    pages: Environment
    metrics: RedirectMetrics
    store_ip_prefix: bool
    files_url: str
    ids: ScanIds
    emitter: ScanEmitter | None = None
    _outcomes: dict[str, int] = field(init=False, repr=False)
    _plain: dict[bytes, PlainAnswer] = field(init=False, repr=False, default_factory=dict)
    _gates: dict[tuple[CodeEntry, str], str] = field(init=False, repr=False, default_factory=dict)
    _redirects: dict[str, bytes] = field(init=False, repr=False, default_factory=dict)
    _rule_texts: dict[UUID, str] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._outcomes = self.metrics.scans.counts
        for outcome in _OUTCOMES:
            self._outcomes.setdefault(outcome, 0)

    def answer(
        self,
        scan: Scan,
        resolution: Resolution,
        *,
        after_post: bool = False,
        gate: str | None = None,
    ) -> web.Response:
        """Count the outcome, record the scan (not for HEAD), answer it. `gate`: the password
        gate's proof of an unlocked code, for the links to its files."""
        self._book(scan, resolution)
        if resolution.location is not None:
            return web.Response(
                status=303 if after_post else resolution.status,
                headers={"Location": resolution.location, "Cache-Control": NO_STORE},
            )
        return self.page(scan, resolution, gate=gate)

    def answer_prebuilt(
        self, scan: Scan, resolution: Resolution, gate: str | None = None
    ) -> web.Response | PrebuiltRedirect:
        """`answer`, with a redirect as a `PrebuiltRedirect` (the caller sets its request id
        and adds no headers)."""
        location = resolution.location
        if location is None or resolution.status not in REDIRECT_STATUSES:
            return self.answer(scan, resolution, gate=gate)
        headers = self._redirects.get(location)
        if headers is None:
            headers = redirect_headers(location, NO_STORE)
            if headers is None:
                return self.answer(scan, resolution)
            if len(self._redirects) >= _REDIRECT_CACHE_MAX:
                self._redirects.clear()
            self._redirects[location] = headers
        self._book(scan, resolution)
        return PrebuiltRedirect(resolution.status, headers)

    def _book(self, scan: Scan, resolution: Resolution) -> None:
        self._outcomes[resolution.outcome] += 1
        if scan.request.method != "HEAD":
            self.record(scan, resolution)

    def plain(
        self, scan: Scan, record: bytes, *, prebuilt: bool = False
    ) -> web.Response | PrebuiltRedirect:
        """The answer to a scan of a plain code (active, uncapped, no rules, no page): the
        resolution `resolve_scan` would give, from the code's answer decoded once. With
        `prebuilt`, a `PrebuiltRedirect` (the caller sets its request id)."""
        known = self._plain.get(record)
        if known is None:
            known = self._decoded(record)
        self._outcomes["redirect"] += 1
        request = scan.request
        location, headers = known.target, known.headers
        if known.forwards_query and request.query_string:
            location = with_forwarded_query(location, request.query_string)
            headers = redirect_headers(location, NO_STORE)
        if known.tracks and request.method != "HEAD" and self.emitter is not None:
            self._emit(scan, known.code_id, known.workspace, "redirect", location, None, None)
        if prebuilt and headers is not None:
            return PrebuiltRedirect(known.status, headers)
        return web.Response(
            status=known.status, headers={"Location": location, "Cache-Control": NO_STORE}
        )

    def _decoded(self, record: bytes) -> PlainAnswer:
        if len(self._plain) >= _PLAIN_CACHE_MAX:
            self._plain.clear()
        target = plain_target(record)
        known = self._plain[record] = PlainAnswer(
            plain_status(record),
            target,
            plain_forwards_query(record),
            plain_tracks_scans(record),
            uuid_text(record[:16]),
            self.table.workspaces.text(plain_workspace(record)),
            redirect_headers(target, NO_STORE),
        )
        return known

    def record(self, scan: Scan, resolution: Resolution) -> None:
        """Emit the scan event, unless the code does not track scans."""
        emitter = self.emitter
        if emitter is None:
            return
        record = scan.record
        if record is None:
            domain = self.table.domain(scan.host)
            workspace = str(domain.workspace_id) if domain is not None else None
            code_id = None
        elif isinstance(record, bytes):
            if not plain_tracks_scans(record):
                return
            workspace = self.table.workspaces.text(plain_workspace(record))
            code_id = uuid_text(record[:16])
        else:
            if not record.code.scan_tracking:
                return
            workspace, code_id = record.workspace, record.code_id
        rule_id = resolution.rule_id
        rule_text = None
        if rule_id is not None:
            rule_text = self._rule_texts.get(rule_id)
            if rule_text is None:
                if len(self._rule_texts) >= _RULE_TEXT_MAX:
                    self._rule_texts.clear()
                rule_text = self._rule_texts[rule_id] = str(rule_id)
        self._emit(
            scan,
            code_id,
            workspace,
            resolution.outcome,
            resolution.location,
            rule_text,
            resolution.variant,
        )

    def _emit(
        self,
        scan: Scan,
        code_id: str | None,
        workspace: str | None,
        outcome: ScanOutcome,
        target: str | None,
        rule_id: str | None,
        variant: str | None,
    ) -> None:
        assert self.emitter is not None
        domain_name = request_host_name(scan.request.host)
        facts = scan.facts
        value = encode_scan(
            scan_id=self.ids.next(),
            ts=scan.now,
            workspace_id=workspace,
            code_id=code_id,
            domain=domain_name,
            slug=scan.slug,
            rule_id=rule_id,
            variant=variant,
            target=target,
            outcome=outcome,
            facts=facts,
            visitor_hash=scan.visitor,
            ip_prefix=ip_prefix(facts.ip) if self.store_ip_prefix else None,
        )
        self.emitter.emit(scan_key(code_id, domain_name, scan.slug), value)

    def page(
        self,
        scan: Scan,
        resolution: Resolution,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        gate: str | None = None,
        **extra: Any,
    ) -> web.Response:
        """A page answer; `extra` goes to the template (`error`, `done`, `answers`, ...);
        `gate` is added to the links of the page's files (see `hosted_context`)."""
        assert resolution.page is not None
        action = scan.request.rel_url.path_qs
        entry = scan.entry
        if resolution.page == GATE_PAGE and entry is not None and not extra and status is None:
            # The gate page of one code snapshot at one URL is always the same page.
            key = (entry, action)
            text = self._gates.get(key)
            if text is None:
                if len(self._gates) >= _GATE_CACHE_MAX:
                    self._gates.clear()
                text = self._gates[key] = render_page(
                    self.pages, GATE_PAGE, slug=scan.slug, action=action,
                    hint=entry.code.password_hint,
                )  # fmt: skip
            return web.Response(
                status=resolution.status, text=text, content_type="text/html",
                headers=PAGE_HEADERS,
            )  # fmt: skip
        context: dict[str, Any] = {"slug": scan.slug, "action": action}
        if resolution.content is not None and entry is not None:
            context.update(
                hosted_context(
                    resolution.content,
                    code_id=entry.code_id,
                    os=scan.facts.os,
                    files_url=self.files_url,
                    gate=gate,
                )
            )
            context.setdefault("answers", {})
            context.setdefault("problems", {})
        if resolution.page == GATE_PAGE and entry is not None:
            context["hint"] = entry.code.password_hint
        context.update(extra)
        headers = dict(PAGE_HEADERS)
        if retry_after is not None:
            headers["Retry-After"] = str(math.ceil(retry_after))
        return web.Response(
            status=status or resolution.status,
            text=render_page(self.pages, resolution.page, **context),
            content_type="text/html",
            headers=headers,
        )

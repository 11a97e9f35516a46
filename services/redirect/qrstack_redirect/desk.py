"""The scan desk: the HTTP handlers of the redirect service.

- `GET|HEAD /{slug}` — a scan: look the code up in memory, read the client facts, resolve
  (`resolve_scan`), take one scan from the cap of a capped code, record the scan event, answer.
  Only a capped code's scan does I/O (one statement); every other scan is answered from memory.
  HEAD requests and bots are answered alike but never recorded as counted scans and never take
  from a cap (bots are recorded with `is_bot` so analytics can show them apart; HEAD is not
  recorded at all).
- `POST /{slug}` — the password gate's form (protected codes) or a form page's answers.
- `GET|HEAD /` — a custom domain's base URL.

Every answer carries `Cache-Control: private, no-store`: a cached redirect would hide repeat
scans from the count and pin an old destination after an edit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from aiohttp import web
from jinja2 import Environment
from prometheus_client import Counter

from qrstack_common.events import DomainSnapshot, ScanOutcome, scan_key
from qrstack_common.metrics import RedirectMetrics
from qrstack_common.payloads.pages import FormPage
from qrstack_redirect.caps import CapVerdict, ScanCaps
from qrstack_redirect.clients import ClientFacts, ClientFactsReader, ip_prefix, visitor_hash
from qrstack_redirect.database import DatabaseUnavailable
from qrstack_redirect.forms import FormSubmissions, read_answers
from qrstack_redirect.gate import GATE_COOKIE, Attempts, PasswordChecker, UnlockCookies
from qrstack_redirect.pages import PAGE_HEADERS, hosted_context, render_page
from qrstack_redirect.resolve import (
    GATE_PAGE,
    NOT_FOUND_PAGE,
    Resolution,
    ScanContext,
    cap_refused,
    resolve_scan,
)
from qrstack_redirect.scans.emitter import ScanEmitter
from qrstack_redirect.scans.encoding import ScanIds, encode_scan
from qrstack_redirect.table.records import (
    CodeEntry,
    CodeRecord,
    plain_tracks_scans,
    plain_workspace,
    uuid_text,
    web_target,
)
from qrstack_redirect.table.slug_table import SlugTable, request_host_name

NO_STORE = "private, no-store"
SCANNER_COOKIE = "qrsid"
SCANNER_COOKIE_MAX_AGE = 365 * 86_400
SLUG_PATTERN = r"[A-Za-z0-9_-]{1,100}"
_SCANNER_ID = re.compile(r"[0-9a-f]{32}")
_NO_QUERY: Mapping[str, str] = MappingProxyType({})
_OUTCOMES: tuple[ScanOutcome, ...] = (
    "redirect",
    "page",
    "fallback",
    "not_active",
    "limit_reached",
    "password_required",
    "not_found",
)


@dataclass(slots=True)
class ScanDesk:
    """Everything the handlers need, built once per app (see `app.create_app`)."""

    table: SlugTable
    facts: ClientFactsReader
    pages: Environment
    metrics: RedirectMetrics
    salt: bytes
    store_ip_prefix: bool
    caps: ScanCaps
    unlocks: UnlockCookies
    gate_attempts: Attempts
    passwords: PasswordChecker
    forms: FormSubmissions
    form_attempts: Attempts
    files_url: str
    ids: ScanIds
    emitter: ScanEmitter | None = None
    _outcome_counters: dict[str, Counter] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._outcome_counters = {o: self.metrics.scans.labels(o) for o in _OUTCOMES}

    # --- GET / HEAD /{slug} -------------------------------------------------------------

    async def scan(self, request: web.Request) -> web.Response:
        """Answer one scan (see the module docstring)."""
        slug = request.match_info["slug"]
        host = self.table.table_host(request.host)
        record = self.table.lookup(host, slug)
        facts = self.facts.read(request.remote, request.headers)
        now = datetime.now(UTC)
        hashed = visitor_hash(facts.ip, facts.user_agent, now.date(), self.salt)
        if not isinstance(record, CodeEntry):
            # Unknown or plain: no rules, gate or cap, so no cookies or parsed query needed.
            ctx = ScanContext(now, request.query_string, _NO_QUERY, facts, hashed)
            resolution = resolve_scan(record, self.table.domain(host), ctx)
            return self._answer(request, host, slug, record, resolution, facts, now, hashed)
        entry = record
        cookies = request.cookies
        scanner = cookies.get(SCANNER_COOKIE, "")
        known_scanner = _SCANNER_ID.fullmatch(scanner) is not None
        unlocked = entry.code.password_hash is not None and self.unlocks.opens(
            cookies.get(GATE_COOKIE), entry, now.timestamp()
        )
        ctx = ScanContext(
            now,
            request.query_string,
            request.query,
            facts,
            scanner if known_scanner else hashed,
            unlocked,
        )
        resolution = resolve_scan(entry, None, ctx)
        if resolution.capped and request.method == "GET" and not facts.is_bot:
            resolution = await self._take_from_cap(entry, resolution)
        response = self._answer(request, host, slug, entry, resolution, facts, now, hashed)
        if entry.rules.uses_scanner_id and not known_scanner:
            # A/B arms stay sticky for this scanner beyond the day the visitor hash covers.
            response.set_cookie(
                SCANNER_COOKIE, ctx.scanner_id, max_age=SCANNER_COOKIE_MAX_AGE,
                path="/", httponly=True, samesite="Lax", secure=request.secure,
            )  # fmt: skip
        return response

    async def _take_from_cap(self, entry: CodeEntry, resolution: Resolution) -> Resolution:
        """`resolution` if the shared counter grants this scan, else the cap's refusal."""
        if await self.caps.take(entry) is CapVerdict.GRANTED:
            return resolution
        return cap_refused(entry)

    def _answer(
        self,
        request: web.Request,
        host: str,
        slug: str,
        record: CodeRecord | None,
        resolution: Resolution,
        facts: ClientFacts,
        now: datetime,
        hashed: str,
        *,
        after_post: bool = False,
    ) -> web.Response:
        self._outcome_counters[resolution.outcome].inc()
        if request.method != "HEAD":
            self._record(request, host, slug, record, resolution, facts, now, hashed)
        if resolution.location is not None:
            return web.Response(
                status=303 if after_post else resolution.status,
                headers={"Location": resolution.location, "Cache-Control": NO_STORE},
            )
        return self._page(request, slug, record, resolution, facts)

    def _record(
        self,
        request: web.Request,
        host: str,
        slug: str,
        record: CodeRecord | None,
        resolution: Resolution,
        facts: ClientFacts,
        now: datetime,
        hashed: str,
    ) -> None:
        emitter = self.emitter
        if emitter is None:
            return
        if record is None:
            domain = self.table.domain(host)
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
        domain_name = request_host_name(request.host)
        rule_id = resolution.rule_id
        value = encode_scan(
            scan_id=self.ids.next(),
            ts=now,
            workspace_id=workspace,
            code_id=code_id,
            domain=domain_name,
            slug=slug,
            rule_id=str(rule_id) if rule_id is not None else None,
            variant=resolution.variant,
            target=resolution.location,
            outcome=resolution.outcome,
            facts=facts,
            visitor_hash=hashed,
            ip_prefix=ip_prefix(facts.ip) if self.store_ip_prefix else None,
        )
        emitter.emit(scan_key(code_id, domain_name, slug), value)

    def _page(
        self,
        request: web.Request,
        slug: str,
        record: CodeRecord | None,
        resolution: Resolution,
        facts: ClientFacts,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        **extra: Any,
    ) -> web.Response:
        """A page answer; `extra` goes to the template (`error`, `done`, `answers`, ...)."""
        assert resolution.page is not None
        context: dict[str, Any] = {"slug": slug, "action": _self_url(request)}
        entry = record if isinstance(record, CodeEntry) else None
        if resolution.content is not None and entry is not None:
            context.update(
                hosted_context(
                    resolution.content, code_id=entry.code_id, os=facts.os, files_url=self.files_url
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

    # --- POST /{slug} -------------------------------------------------------------------

    async def post(self, request: web.Request) -> web.Response:
        """The password gate's form, or a form page's answers; 405 for any other code."""
        slug = request.match_info["slug"]
        host = self.table.table_host(request.host)
        record = self.table.lookup(host, slug)
        if isinstance(record, CodeEntry):
            if record.code.password_hash is not None:
                return await self._unlock(request, host, slug, record)
            if isinstance(record.page, FormPage):
                return await self._submit(request, slug, record)
        raise web.HTTPMethodNotAllowed("POST", ["GET", "HEAD"])

    async def _unlock(
        self, request: web.Request, host: str, slug: str, entry: CodeEntry
    ) -> web.Response:
        facts = self.facts.read(request.remote, request.headers)
        now = datetime.now(UTC)
        stamp = now.timestamp()
        hashed = visitor_hash(facts.ip, facts.user_agent, now.date(), self.salt)
        gate = Resolution("password_required", 200, page=GATE_PAGE)
        wait = self.gate_attempts.retry_after(facts.ip, entry.code_id, stamp)
        if wait is not None:
            self.metrics.gate_attempts.labels("limited").inc()
            minutes = math.ceil(wait / 60)
            error = f"Too many wrong passwords. Try again in {minutes} minute(s)."
            return self._page(
                request, slug, entry, gate, facts, status=429, error=error, retry_after=wait
            )
        posted = await request.post()
        password = posted.get("password")
        assert entry.code.password_hash is not None
        if not isinstance(password, str) or not await self.passwords.matches(
            entry.code.password_hash, password
        ):
            self.gate_attempts.record(facts.ip, entry.code_id, stamp)
            self.metrics.gate_attempts.labels("failed").inc()
            error = "That password is not right."
            return self._page(request, slug, entry, gate, facts, status=403, error=error)
        self.gate_attempts.forget(facts.ip, entry.code_id)
        self.metrics.gate_attempts.labels("passed").inc()
        scanner = request.cookies.get(SCANNER_COOKIE, "")
        known_scanner = _SCANNER_ID.fullmatch(scanner) is not None
        scanner_id = scanner if known_scanner else hashed
        ctx = ScanContext(now, request.query_string, request.query, facts, scanner_id, True)
        resolution = resolve_scan(entry, None, ctx)
        if resolution.capped and not facts.is_bot:
            resolution = await self._take_from_cap(entry, resolution)
        response = self._answer(
            request, host, slug, entry, resolution, facts, now, hashed, after_post=True
        )
        response.set_cookie(
            GATE_COOKIE, self.unlocks.issue(entry, stamp), max_age=self.unlocks.ttl_s,
            path=f"/{slug}", httponly=True, samesite="Lax", secure=request.secure,
        )  # fmt: skip
        return response

    async def _submit(self, request: web.Request, slug: str, entry: CodeEntry) -> web.Response:
        facts = self.facts.read(request.remote, request.headers)
        now = datetime.now(UTC)
        ctx = ScanContext(now, request.query_string, request.query, facts, "")
        resolution = resolve_scan(entry, None, ctx)
        if resolution.outcome != "page" or not isinstance(resolution.content, FormPage):
            # The code is not showing its form now (not active, limit reached, a rule
            # sends this scanner elsewhere): answer what a scan would get, uncounted.
            if resolution.location is not None:
                return web.Response(
                    status=303, headers={"Location": resolution.location, "Cache-Control": NO_STORE}
                )
            return self._page(request, slug, entry, resolution, facts)
        form = resolution.content
        wait = self.form_attempts.retry_after(facts.ip, entry.code_id, now.timestamp())
        if wait is not None:
            self.metrics.form_submissions.labels("limited").inc()
            error = "Too many submissions from your network. Please try again later."
            return self._page(
                request, slug, entry, resolution, facts, status=429, error=error, retry_after=wait
            )
        self.form_attempts.record(facts.ip, entry.code_id, now.timestamp())
        posted = await request.post()
        texts = {name: value for name, value in posted.items() if isinstance(value, str)}
        answers, problems = read_answers(form, texts)
        if problems:
            self.metrics.form_submissions.labels("invalid").inc()
            return self._page(
                request, slug, entry, resolution, facts, status=400, answers=texts,
                problems=problems, error="Please check the fields marked below.",
            )  # fmt: skip
        try:
            await self.forms.store(entry, answers)
        except DatabaseUnavailable:
            self.metrics.form_submissions.labels("unavailable").inc()
            error = "Your answers could not be saved just now. Please send them again."
            return self._page(
                request, slug, entry, resolution, facts, status=503, answers=texts, error=error
            )
        self.metrics.form_submissions.labels("stored").inc()
        return self._page(request, slug, entry, resolution, facts, done=True)

    # --- GET / HEAD / -------------------------------------------------------------------

    async def root(self, request: web.Request) -> web.Response:
        """A custom domain's bare URL goes to its base URL; anything else is the 404 page."""
        host = self.table.table_host(request.host)
        domain: DomainSnapshot | None = self.table.domain(host)
        url = web_target(domain.base_url) if domain is not None else None
        if url is not None:
            return web.Response(status=302, headers={"Location": url, "Cache-Control": NO_STORE})
        return web.Response(
            status=404,
            text=render_page(self.pages, NOT_FOUND_PAGE, slug=""),
            content_type="text/html",
            headers=PAGE_HEADERS,
        )


def _self_url(request: web.Request) -> str:
    """The path and query of the request (where its page's form posts back to)."""
    return request.rel_url.path_qs

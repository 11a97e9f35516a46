"""The redirect service's HTTP handlers (answers are built by `scan.Answers`).

- `GET|HEAD /{slug}` — a scan: look the code up in memory, read the scanner's facts, resolve
  (`resolve_scan`), take one scan from the cap of a capped code, record the scan event, answer.
  A capped code's scan is granted from a lease held in memory (`caps.leases`); only when the
  lease ran out does it wait, briefly, for a new one.
  HEAD requests and bots are answered alike but never recorded as counted scans and never take
  from a cap (bots are recorded with `is_bot` so analytics can show them apart; HEAD is not
  recorded at all).
- `POST /{slug}` — the password gate's form (protected codes) or a form page's answers (a
  protected form's once the gate's cookie opens it).
- `GET|HEAD /` — a custom domain's base URL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from aiohttp import web

from qrstack_common.metrics import RedirectMetrics
from qrstack_common.payloads.pages import FormPage
from qrstack_redirect.caps import CapLeases, CapVerdict
from qrstack_redirect.database import DatabaseUnavailable
from qrstack_redirect.forms import FormSubmissions, read_answers
from qrstack_redirect.gate import GATE_COOKIE, Attempts, PasswordChecker, UnlockCookies
from qrstack_redirect.pages import PAGE_HEADERS, render_page
from qrstack_redirect.prebuilt import PrebuiltRedirect
from qrstack_redirect.resolve import (
    GATE_PAGE,
    NOT_FOUND_PAGE,
    Resolution,
    ScanContext,
    cap_refused,
    resolve_scan,
)
from qrstack_redirect.scan import NO_STORE, Answers, Scan
from qrstack_redirect.scanner import ClientFactsReader, visitor_hash
from qrstack_redirect.table.records import CodeEntry, web_target
from qrstack_redirect.table.slug_table import SlugTable

SCANNER_COOKIE = "qrsid"
SCANNER_COOKIE_MAX_AGE = 365 * 86_400
SLUG_PATTERN = r"[A-Za-z0-9_-]{1,100}"
RESERVED_PATHS = frozenset({"healthz", "readyz", "metrics"})  # the service's own routes
_SCANNER_ID = re.compile(r"[0-9a-f]{32}")
_NO_QUERY: Mapping[str, str] = MappingProxyType({})
_NO_COOKIES: Mapping[str, str] = _NO_QUERY


@dataclass(slots=True)
class Routes:
    """Everything the handlers need, built once per app (see `app.create_app`)."""

    table: SlugTable
    facts: ClientFactsReader
    answers: Answers
    metrics: RedirectMetrics
    salt: bytes
    caps: CapLeases
    unlocks: UnlockCookies
    gate_attempts: Attempts
    passwords: PasswordChecker
    forms: FormSubmissions
    form_attempts: Attempts

    def add_to(self, app: web.Application) -> None:
        slug_route = f"/{{slug:{SLUG_PATTERN}}}"
        app.router.add_route("GET", slug_route, self.scan)
        app.router.add_route("HEAD", slug_route, self.scan)
        app.router.add_route("POST", slug_route, self.post)
        app.router.add_route("GET", "/", self.root)
        app.router.add_route("HEAD", "/", self.root)

    def _scan_of(self, request: web.Request, slug: str | None = None) -> Scan:
        host = self.table.host_of(request)
        slug = request.match_info["slug"] if slug is None else slug
        facts = self.facts.read(request.remote, request.headers)
        now = datetime.now(UTC)
        hashed = visitor_hash(facts.ip, facts.user_agent, now.date(), self.salt)
        return Scan(request, host, slug, self.table.lookup(host, slug), facts, now, hashed)

    # --- GET / HEAD /{slug} -------------------------------------------------------------

    async def scan(self, request: web.Request) -> web.Response:
        """Answer one scan routed by the application (`serving.ScanDispatch` sends most scans
        to `scan_slug` directly)."""
        response = await self.scan_slug(request, request.match_info["slug"])
        assert isinstance(response, web.Response)  # not prebuilt: middlewares add headers
        return response

    async def scan_slug(
        self, request: web.Request, slug: str, *, prebuilt: bool = False
    ) -> web.Response | PrebuiltRedirect:
        """Answer one scan of `slug` (see the module docstring). With `prebuilt` (the scan
        dispatcher's call), a redirect that sets no cookie is a `PrebuiltRedirect`."""
        scan = self._scan_of(request, slug)
        record = scan.record
        if type(record) is bytes:
            return self.answers.plain(scan, record, prebuilt=prebuilt)
        entry = scan.entry
        if entry is None:
            # Unknown or plain: no rules, gate or cap, so no cookies or parsed query needed.
            ctx = ScanContext(scan.now, request.query_string, _NO_QUERY, scan.facts, scan.visitor)
            resolution = resolve_scan(scan.record, self.table.domain(scan.host), ctx)
            if prebuilt:
                return self.answers.answer_prebuilt(scan, resolution)
            return self.answers.answer(scan, resolution)
        rules, protected = entry.rules, entry.code.password_hash is not None
        # Cookies and the parsed query cost microseconds: read them only for the rules or the
        # gate that look at them.
        cookies = request.cookies if protected or rules.uses_scanner_id else _NO_COOKIES
        scanner = cookies.get(SCANNER_COOKIE, "")
        known_scanner = _SCANNER_ID.fullmatch(scanner) is not None
        unlocked = protected and self.unlocks.opens(
            cookies.get(GATE_COOKIE), entry, scan.now.timestamp()
        )
        ctx = ScanContext(
            scan.now,
            request.query_string,
            request.query if rules.uses_query else _NO_QUERY,
            scan.facts,
            scanner if known_scanner else scan.visitor,
            unlocked,
        )
        resolution = resolve_scan(entry, None, ctx)
        if resolution.capped and request.method == "GET" and not scan.facts.is_bot:
            resolution = await self._take_from_cap(entry, resolution)
        sets_cookie = rules.uses_scanner_id and not known_scanner
        # A page's file links carry the gate's proof (the API's streams ask for it).
        gate = cookies.get(GATE_COOKIE) if unlocked else None
        if prebuilt and not sets_cookie:
            return self.answers.answer_prebuilt(scan, resolution, gate)
        response = self.answers.answer(scan, resolution, gate=gate)
        if sets_cookie:
            # A/B arms stay sticky for this scanner beyond the day the visitor hash covers.
            response.set_cookie(
                SCANNER_COOKIE, ctx.scanner_id, max_age=SCANNER_COOKIE_MAX_AGE,
                path="/", httponly=True, samesite="Lax", secure=request.secure,
            )  # fmt: skip
        return response

    async def _take_from_cap(self, entry: CodeEntry, resolution: Resolution) -> Resolution:
        """`resolution` if the cap grants this scan, else the cap's refusal."""
        if self.caps.take_held(entry) or await self.caps.take(entry) is CapVerdict.GRANTED:
            return resolution
        return cap_refused(entry)

    # --- POST /{slug} -------------------------------------------------------------------

    async def post(self, request: web.Request) -> web.Response:
        """The password gate's form, or a form page's answers (a protected form's once the
        gate's cookie opens it; before, a post is a password attempt); 405 for any other code."""
        host = self.table.table_host(request.host)
        record = self.table.lookup(host, request.match_info["slug"])
        if isinstance(record, CodeEntry):
            is_form = isinstance(record.page, FormPage)
            if record.code.password_hash is None:
                if is_form:
                    return await self._submit(self._scan_of(request), record)
            else:
                scan = self._scan_of(request)
                if is_form and self.unlocks.opens(
                    request.cookies.get(GATE_COOKIE), record, scan.now.timestamp()
                ):
                    return await self._submit(scan, record, unlocked=True)
                return await self._unlock(scan, record)
        raise web.HTTPMethodNotAllowed("POST", ["GET", "HEAD"])

    async def _unlock(self, scan: Scan, entry: CodeEntry) -> web.Response:
        request, facts = scan.request, scan.facts
        stamp = scan.now.timestamp()
        gate = Resolution("password_required", 200, page=GATE_PAGE)
        wait = self.gate_attempts.retry_after(facts.ip, entry.code_id, stamp)
        if wait is not None:
            self.metrics.gate_attempts.labels("limited").inc()
            minutes = math.ceil(wait / 60)
            error = f"Too many wrong passwords. Try again in {minutes} minute(s)."
            return self.answers.page(scan, gate, status=429, error=error, retry_after=wait)
        # Counted before the first await: guesses sent at once cannot all pass the check above
        # while the first are being verified. A right password forgets the count.
        self.gate_attempts.record(facts.ip, entry.code_id, stamp)
        posted = await request.post()
        password = posted.get("password")
        assert entry.code.password_hash is not None
        if not isinstance(password, str) or not await self.passwords.matches(
            entry.code.password_hash, password
        ):
            self.metrics.gate_attempts.labels("failed").inc()
            return self.answers.page(scan, gate, status=403, error="That password is not right.")
        self.gate_attempts.forget(facts.ip, entry.code_id)
        self.metrics.gate_attempts.labels("passed").inc()
        scanner = request.cookies.get(SCANNER_COOKIE, "")
        scanner_id = scanner if _SCANNER_ID.fullmatch(scanner) is not None else scan.visitor
        ctx = ScanContext(scan.now, request.query_string, request.query, facts, scanner_id, True)
        resolution = resolve_scan(entry, None, ctx)
        if resolution.capped and not facts.is_bot:
            resolution = await self._take_from_cap(entry, resolution)
        proof = self.unlocks.issue(entry, stamp)
        response = self.answers.answer(scan, resolution, after_post=True, gate=proof)
        response.set_cookie(
            GATE_COOKIE, proof, max_age=self.unlocks.ttl_s,
            path=f"/{scan.slug}", httponly=True, samesite="Lax", secure=request.secure,
        )  # fmt: skip
        return response

    async def _submit(
        self, scan: Scan, entry: CodeEntry, *, unlocked: bool = False
    ) -> web.Response:
        request, facts, page = scan.request, scan.facts, self.answers.page
        ctx = ScanContext(scan.now, request.query_string, request.query, facts, "", unlocked)
        resolution = resolve_scan(entry, None, ctx)
        if resolution.outcome != "page" or not isinstance(resolution.content, FormPage):
            # The code is not showing its form now (not active, limit reached, a rule
            # sends this scanner elsewhere): answer what a scan would get, uncounted.
            if resolution.location is not None:
                return web.Response(
                    status=303, headers={"Location": resolution.location, "Cache-Control": NO_STORE}
                )
            return page(scan, resolution)
        form = resolution.content
        stamp = scan.now.timestamp()
        wait = self.form_attempts.retry_after(facts.ip, entry.code_id, stamp)
        if wait is not None:
            self.metrics.form_submissions.labels("limited").inc()
            error = "Too many submissions from your network. Please try again later."
            return page(scan, resolution, status=429, error=error, retry_after=wait)
        self.form_attempts.record(facts.ip, entry.code_id, stamp)
        posted = await request.post()
        texts = {name: value for name, value in posted.items() if isinstance(value, str)}
        answers, problems = read_answers(form, texts)
        if problems:
            self.metrics.form_submissions.labels("invalid").inc()
            return page(
                scan, resolution, status=400, answers=texts, problems=problems,
                error="Please check the fields marked below.",
            )  # fmt: skip
        try:
            await self.forms.store(entry, answers)
        except DatabaseUnavailable:
            self.metrics.form_submissions.labels("unavailable").inc()
            error = "Your answers could not be saved just now. Please send them again."
            return page(scan, resolution, status=503, answers=texts, error=error)
        self.metrics.form_submissions.labels("stored").inc()
        return page(scan, resolution, done=True)

    # --- GET / HEAD / -------------------------------------------------------------------

    async def root(self, request: web.Request) -> web.Response:
        """A custom domain's bare URL goes to its base URL; anything else is the 404 page."""
        domain = self.table.domain(self.table.table_host(request.host))
        url = web_target(domain.base_url) if domain is not None else None
        if url is not None:
            return web.Response(status=302, headers={"Location": url, "Cache-Control": NO_STORE})
        return web.Response(
            status=404,
            text=render_page(self.answers.pages, NOT_FOUND_PAGE, slug=""),
            content_type="text/html",
            headers=PAGE_HEADERS,
        )

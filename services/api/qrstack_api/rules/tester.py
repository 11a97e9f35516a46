"""`POST /v1/codes/{id}/rules/test`: which routing rule a scan with given facts matches, the
target it gets, and why.

The answer is computed by the evaluator the redirect service runs on every scan
(`qrstack_common.rules`), on the rules as the redirect receives them (`rule_snapshot`, the
code's snapshot), so the tester and a real scan cannot disagree. What comes before and after
the rules on a real scan (status, schedule, scan cap, password; the hosted page) is the answer's
`outcome`, `status`, `targetUrl` and `reason` (`rules/outcome.py`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.paths import code_id_of
from qrstack_api.codes.snapshot import CONDITION_KEYS, rule_snapshot
from qrstack_api.codes.store import get_code
from qrstack_api.codes.totals import cap_usage
from qrstack_api.codes.view import short_url
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.rules.outcome import after_rules, before_rules
from qrstack_api.rules.store import list_rules
from qrstack_api.rules.tester_model import RuleTestBody, RuleTestResult, RuleTrial
from qrstack_common.forwarding import with_forwarded_query
from qrstack_common.http import json_response, read_model
from qrstack_common.payloads import find_type, redirect_target
from qrstack_common.payloads.web import AppPayload
from qrstack_common.rules import ClientFacts, RuleDecision, RuleTrace, compile_rules

routes = web.RouteTableDef()

# The evaluator's condition names → the API's keys (`query`/`schedule` cover two or more).
_API_KEYS = {snake: camel for camel, snake in CONDITION_KEYS.items()} | {
    "query": "queryParam",
    "schedule": "daysOfWeek/startTime/endTime",
}


def facts_of(body: RuleTestBody) -> ClientFacts:
    """The facts as the redirect would have read them from a scan."""
    language = body.language.replace("_", "-").partition("-")[0].lower() if body.language else None
    return ClientFacts(
        ip=body.ip, country=body.country, region=body.region, region_code=body.region_code,
        city=body.city, device=body.device, os=body.os, browser=body.browser,
        language=language, referrer=None, is_bot=False, bot_reason=None, user_agent="",
    )  # fmt: skip


def instant_of(body: RuleTestBody) -> datetime:
    if body.at is None:
        return datetime.now(UTC)
    at = body.at if body.at.tzinfo else body.at.replace(tzinfo=ZoneInfo(body.timezone))
    return at.astimezone(UTC)


def default_target(code: Any, os: str | None) -> str | None:
    """The code's own target for a scanner on `os`, as the redirect picks it: an app code
    sends iOS to the App Store and Android to Google Play (`redirect_target`), every other
    code to its stored target (None for a hosted page)."""
    if code["type"] == "app" and code["dynamic"] and code["payload"]:
        app = AppPayload.model_validate(code["payload"], context={"stored": True})
        return redirect_target(app, os)
    target: str | None = code["target_url"]
    return target


def _trial(trace: RuleTrace, row: Any, decision: RuleDecision | None) -> RuleTrial:
    decided = decision is not None and decision.rule_id == trace.rule_id
    return RuleTrial(
        rule_id=trace.rule_id, type=row["type"], priority=trace.priority, label=row["label"],
        matched=decided and decision is not None and decision.variant != "a",
        failed=[_API_KEYS.get(name, name) for name in trace.failed],
        bucket=trace.bucket, weight=trace.weight,
    )  # fmt: skip


def _why(trials: list[RuleTrial], decision: RuleDecision | None, rejected: list[str]) -> str:
    said: list[str] = []
    for n, t in enumerate(trials, 1):
        name = f"Rule {n} ({t.type}, priority {t.priority}{', ' + t.label if t.label else ''})"
        if t.failed:
            said.append(f"{name} does not apply: {', '.join(t.failed)} does not hold.")
        elif t.weight is not None:
            arm = "in" if t.bucket is not None and t.bucket < t.weight else "outside"
            said.append(
                f"{name} is an A/B test: this scanner's bucket {t.bucket} is {arm} its "
                f"{t.weight} % share."
            )
        else:
            said.append(f"{name} decides: every condition holds.")
    if decision is None:
        said.append("No rule decides: the scan gets the code's own target.")
    elif decision.variant == "a":
        said.append("No later rule decides: the scan gets the code's own target (control arm).")
    said.extend(f"A stored rule was left out: {reason}." for reason in rejected)
    return " ".join(said) if trials or rejected else "The code has no routing rules."


@routes.post("/v1/codes/{code_id}/rules/test")
@operation(
    summary="Test a code's routing rules against the facts of a scan",
    tag="routing rules",
    body=RuleTestBody,
    responses={200: RuleTestResult},
    errors=(400, 404),
    scope="codes:read",
    description="Which rule a scan from this country, device, OS, browser, language, address, "
    "query and time would match and why (the redirect service's own evaluation of the "
    "code's current rules), and what a real scan at that time gets: `outcome`, `status`, "
    "`targetUrl` and `reason`, after the steps before the rules (paused, schedule, a used-up "
    "scan cap, the password gate unless `unlocked`) and after them (the hosted page at the "
    "short URL). A code that forwards the query (`forwardQuery`) has `query` appended to "
    "the `targetUrl` of a redirect, as a scan's own. Changes nothing; any plan.",
)
async def test_rules(request: web.Request) -> web.Response:
    principal = principal_of(request)
    code_id = code_id_of(request)
    body = await read_model(request, RuleTestBody)
    pool = request.app[POOL]
    code = await get_code(pool, principal.workspace_id, code_id)
    rows = await list_rules(pool, principal.workspace_id, code_id)
    compiled = compile_rules([rule_snapshot(row) for row in rows])
    at = instant_of(body)
    decision, traces = compiled.explain(facts_of(body), at, body.query, body.scanner_id)
    by_id = {row["id"]: row for row in rows}
    trials = [_trial(trace, by_id[trace.rule_id], decision) for trace in traces]
    target = decision.target_url if decision is not None else None
    rejected = [r.reason for r in compiled.rejected]
    kind = find_type(code["type"])
    hosted = short_url(request.app[SETTINGS], code) if kind and kind.hosted_page else None
    scan = before_rules(
        code, at, (await cap_usage(pool, [code])).get(code["id"]), unlocked=body.unlocked
    ) or after_rules(code, target, default_target(code, body.os), hosted)
    if scan.outcome == "redirect" and scan.target_url and code["forward_query"] and body.query:
        # As the redirect does: the scanned URL's query carried on to where the scan goes.
        forwarded = with_forwarded_query(scan.target_url, urlencode(body.query))
        scan = replace(scan, target_url=forwarded)
    return json_response(
        RuleTestResult(
            matched_rule_id=decision.rule_id if decision is not None else None,
            variant=decision.variant if decision is not None else None,
            outcome=scan.outcome,
            status=scan.status,
            target_url=scan.target_url,
            reason=scan.reason,
            is_default=target is None,
            why=_why(trials, decision, rejected),
            evaluated_at=at,
            rules=trials,
        )
    )

"""A code's routing rules in the console: the rules by priority, adding one (with the API's
validation sentences by their fields), deleting, moving up and down (buttons, so the keyboard
reorders too), and the rule tester: the facts of an imagined scan in, the rule that decides
and the target out, from `POST /v1/codes/{id}/rules/test` (the redirect's own evaluation).

Every change is the /v1 call a client makes; reordering renumbers the priorities 10, 20, 30…
(only rules whose priority changes are sent).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from multidict import MultiDict

from qrstack_api.console.client import ApiAnswer, call
from qrstack_api.console.pages import page, see_other
from qrstack_api.console.shell import SignedOut, context_of, form_token, items, need, signed_in
from qrstack_api.rules.conditions import KEYS_BY_TYPE

routes = web.RouteTableDef()

RULE_TYPES = tuple(KEYS_BY_TYPE)
LIST_KEYS = ("countryIn", "regionIn", "cityIn", "osIn", "browserIn", "languageIn", "queryValues",
             "ipIn")  # fmt: skip
CHOICE_KEYS = {"deviceIn": ("mobile", "tablet", "desktop", "other"), "daysOfWeek": tuple(range(7))}
TEXT_KEYS = ("startTime", "endTime", "timezone", "queryParam")
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
FACTS = ("country", "region", "regionCode", "city", "device", "os", "browser", "language", "ip",
         "at", "timezone", "scannerId")  # fmt: skip
STEP = 10


def _code_path(request: web.Request) -> str:
    return f"/v1/codes/{quote(request.match_info['code_id'], safe='')}"


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]


def rule_body(form: Any) -> dict[str, Any]:
    """The form as a POST /v1/codes/{id}/routing-rules body; fields left empty are not sent,
    so the API's own rules (which keys a type takes, what is required) decide."""
    body: dict[str, Any] = {
        "type": str(form.get("type", "")),
        "targetUrl": str(form.get("targetUrl", "")).strip(),
    }
    for key in ("label", "priority", "weight"):
        value = str(form.get(key, "")).strip()
        if value:
            body[key] = int(value) if key != "label" and value.lstrip("-").isdigit() else value
    condition: dict[str, Any] = {}
    for key in LIST_KEYS:
        values = _split(str(form.get(f"c.{key}", "")))
        if values:
            condition[key] = values
    for key in CHOICE_KEYS:
        chosen = [str(v) for v in form.getall(f"c.{key}", [])]
        if chosen:
            condition[key] = [int(v) if v.isdigit() else v for v in chosen]
    for key in TEXT_KEYS:
        value = str(form.get(f"c.{key}", "")).strip()
        if value:
            condition[key] = value
    if condition:
        body["condition"] = condition
    return body


def _issues(answer: ApiAnswer) -> dict[str, str]:
    """API issue paths as the form's names: `condition.countryIn.0` → `c.countryIn`."""
    shown: dict[str, str] = {}
    for path, reason in answer.issues_by_field().items():
        head, _, rest = path.partition(".")
        name = f"c.{rest.split('.')[0]}" if head == "condition" and rest else head or "form"
        shown.setdefault(name, reason)
    return shown or {"form": answer.detail or f"The API answered {answer.status}."}


def test_facts(query: Any) -> dict[str, Any] | None:
    """The tester's GET fields (`t.country`, …) as the tester's body, None if not asked."""
    if query.get("test") != "1":
        return None
    body: dict[str, Any] = {}
    for key in FACTS:
        value = str(query.get(f"t.{key}", "")).strip()
        if value:
            body[key] = value
    if query.get("t.unlocked") == "1":
        body["unlocked"] = True
    params = str(query.get("t.query", "")).strip().lstrip("?")
    if params:
        body["query"] = dict(
            (name, value)
            for name, _, value in (p.partition("=") for p in params.split("&"))
            if name
        )
    return body


async def _rules_page(
    request: web.Request,
    *,
    status: int = 200,
    issues: dict[str, str] | None = None,
    values: Any = None,
) -> web.Response:
    path = _code_path(request)
    facts = test_facts(request.query)
    shell, found, listed, tested = await asyncio.gather(
        context_of(request),
        call(request, "GET", path),
        call(request, "GET", f"{path}/routing-rules"),
        call(request, "POST", f"{path}/rules/test", json=facts) if facts is not None
        else asyncio.sleep(0, None),
    )  # fmt: skip
    code = need(found)
    rules = items(need(listed))
    result = tested.body if tested is not None and tested.ok else None
    test_issues = _issues(tested) if tested is not None and not tested.ok else {}
    if tested is not None and tested.status in (401, 404):
        need(tested)
    return page(
        request, "rules.html", status=status, **shell, code=code, rules=rules,
        types=RULE_TYPES, keys_by_type=KEYS_BY_TYPE, choices=CHOICE_KEYS, weekdays=WEEKDAYS,
        issues=issues or {}, values=values if values is not None else MultiDict(),
        facts=request.query if facts is not None else {}, result=result,
        test_issues=test_issues, numbers={r["id"]: n for n, r in enumerate(rules, 1)},
        notice=request.query.get("notice", ""),
    )  # fmt: skip


def _back(request: web.Request, notice: str) -> web.Response:
    code_id = quote(request.match_info["code_id"], safe="")
    return see_other(f"/console/codes/{code_id}/rules?" + urlencode({"notice": notice}))


@routes.get("/console/codes/{code_id}/rules")
@signed_in
async def rules(request: web.Request) -> web.Response:
    return await _rules_page(request)


@routes.post("/console/codes/{code_id}/rules")
@signed_in
async def add_rule(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    answer = await call(
        request, "POST", f"{_code_path(request)}/routing-rules", json=rule_body(form)
    )
    if answer.status in (401, 404):
        need(answer)
    if not answer.ok:
        return await _rules_page(request, status=answer.status, issues=_issues(answer), values=form)
    return _back(request, "Rule added")


@routes.post("/console/codes/{code_id}/rules/{rule_id}/delete")
@signed_in
async def delete_rule(request: web.Request) -> web.Response:
    form = await request.post()
    form_token(request, form)
    rule = quote(request.match_info["rule_id"], safe="")
    answer = await call(request, "DELETE", f"{_code_path(request)}/routing-rules/{rule}")
    if answer.status != 204:
        need(answer)
    return _back(request, "Rule deleted")


@routes.post("/console/codes/{code_id}/rules/{rule_id}/move")
@signed_in
async def move_rule(request: web.Request) -> web.Response:
    """Move a rule one place up or down: the new order is renumbered 10, 20, 30…"""
    form = await request.post()
    form_token(request, form)
    path = f"{_code_path(request)}/routing-rules"
    ordered = items(need(await call(request, "GET", path)))
    ids = [str(r["id"]) for r in ordered]
    moved = request.match_info["rule_id"]
    if moved not in ids:
        raise web.HTTPNotFound(text="Rule not found", content_type="text/plain")
    at = ids.index(moved)
    to = at - 1 if form.get("direction") == "up" else at + 1
    if 0 <= to < len(ids):
        ordered[at], ordered[to] = ordered[to], ordered[at]
    for n, rule in enumerate(ordered, 1):
        if rule["priority"] != n * STEP:
            answer = await call(
                request, "PATCH", f"{path}/{quote(str(rule['id']), safe='')}",
                json={"priority": n * STEP},
            )  # fmt: skip
            if answer.status == 401:
                raise SignedOut
            if not answer.ok:
                return await _rules_page(request, status=answer.status, issues=_issues(answer))
    return _back(request, "Order saved")

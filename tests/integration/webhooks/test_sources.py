"""Where events come from, end to end: a scan answered by the redirect service, code changes
through the API's outbox, scan caps and form answers through the PostgreSQL triggers and
`qr.events.v1`."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from standardwebhooks.webhooks import Webhook

from support.asyncapi import assert_matches_contract
from support.scan_events import scan

pytestmark = [pytest.mark.infra, pytest.mark.usefixtures("worker")]


async def test_a_scan_is_one_scan_created_bots_only_when_asked(new_workspace, receiver, redirect):
    ws = await new_workspace()
    slug = f"hook-{uuid.uuid4().hex[:8]}"
    code = await ws.code(slug=slug)
    people = await ws.webhook(receiver.url("people"), ["scan.created"])
    everyone = await ws.webhook(receiver.url("everyone"), ["scan.created"], includeBots=True)

    assert await scan(redirect, slug) == 302
    assert await scan(redirect, slug, agent="curl/8.5.0") == 302  # a bot

    [got] = await receiver.wait_for("people", 1)
    event = Webhook(people["secret"]).verify(got.body, got.headers)
    assert_matches_contract(event)
    assert event["data"]["codeId"] == code["id"] and event["data"]["os"] == "iOS"
    both = await receiver.wait_for("everyone", 2)
    assert sorted(Webhook(everyone["secret"]).verify(r.body, r.headers)["data"]["isBot"]
                  for r in both) == [False, True]  # fmt: skip
    await asyncio.sleep(1.0)
    assert len(receiver.at("people")) == 1
    assert len(await ws.deliveries(people["id"])) == 1


async def test_code_changes_arrive_as_code_events(new_workspace, receiver):
    ws = await new_workspace()
    hook = await ws.webhook(receiver.url("codes"), ["code.created", "code.updated", "code.deleted"])
    code = await ws.code()
    await ws.ok("PATCH", f"/v1/codes/{code['id']}", {"targetUrl": "https://example.com/new"})
    await ws.ok("DELETE", f"/v1/codes/{code['id']}", status=204)

    got = await receiver.wait_for("codes", 3)
    events = [Webhook(hook["secret"]).verify(r.body, r.headers) for r in got]
    for event in events:
        assert_matches_contract(event)
    by_version = sorted(events, key=lambda e: e["data"]["version"])
    assert [e["type"] for e in by_version] == ["code.created", "code.updated", "code.deleted"]
    assert by_version[1]["data"]["targetUrl"] == "https://example.com/new"
    assert all("passwordHash" not in e["data"] for e in events)


async def test_a_code_filter_lets_only_its_codes_through(new_workspace, receiver):
    ws = await new_workspace()
    watched = await ws.code()
    hook = await ws.webhook(receiver.url("filtered"), ["code.updated"], codeIds=[watched["id"]])
    other = await ws.code()
    await ws.ok("PATCH", f"/v1/codes/{other['id']}", {"targetUrl": "https://example.com/o"})
    await ws.ok("PATCH", f"/v1/codes/{watched['id']}", {"targetUrl": "https://example.com/w"})
    [got] = await receiver.wait_for("filtered", 1)
    assert Webhook(hook["secret"]).verify(got.body, got.headers)["data"]["id"] == watched["id"]
    await asyncio.sleep(1.0)
    assert len(receiver.at("filtered")) == 1


async def test_cap_reached_and_form_submitted(new_workspace, receiver, redirect):
    ws = await new_workspace()
    hook = await ws.webhook(receiver.url("activity"), ["code.cap_reached", "form.submitted"])
    capped_slug = f"cap-{uuid.uuid4().hex[:8]}"
    capped = await ws.code(slug=capped_slug, maxScans=2)
    for _ in range(3):
        await scan(redirect, capped_slug)

    form_slug = f"form-{uuid.uuid4().hex[:8]}"
    form_page = {
        "title": "RSVP",
        "fields": [{"id": "name", "label": "Name", "type": "text", "required": True}],
    }
    form = await ws.ok(
        "POST", "/v1/codes", {"type": "form", "slug": form_slug, "form": form_page}, status=201
    )
    await scan(redirect, form_slug)
    posted = await redirect.post(f"/{form_slug}", data={"name": "Ada"})
    assert posted.status == 200

    got = await receiver.wait_for("activity", 2)
    events = {
        e["type"]: e for e in (Webhook(hook["secret"]).verify(r.body, r.headers) for r in got)
    }
    for event in events.values():
        assert_matches_contract(event)
    cap = events["code.cap_reached"]["data"]
    assert (cap["codeId"], cap["maxScans"], cap["used"]) == (capped["id"], 2, 2)
    submitted = events["form.submitted"]["data"]
    assert submitted["codeId"] == form["id"] and submitted["answers"] == {"name": "Ada"}
    await asyncio.sleep(1.0)
    assert len(receiver.at("activity")) == 2  # the third scan was refused: no second event

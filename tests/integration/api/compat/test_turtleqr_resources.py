"""TurtleQR's REST reference (seed 004): workspaces (?workspaceId=, the workspace fallback of a
deleted code), folders, routing rules, billing, status and the plans, each example as written."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

import asyncpg
import pytest
from integration.api.compat.compat_client import Client, NewWorkspace

from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.stack import Infrastructure
from support.kafka import find_records

pytestmark = pytest.mark.infra


async def _user_with_two_workspaces(
    db: asyncpg.Pool,
) -> tuple[str, str, Any, Any]:
    email = f"owner-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(12)
    async with db.acquire() as conn:
        first = await bootstrap_workspace(
            conn, email=email, password=password, workspace_name="One", plan="business",
            test=True, key_name="k",
        )  # fmt: skip
        second = await bootstrap_workspace(
            conn, email=email, password=password, workspace_name="Two", plan="pro",
            test=True, key_name="k",
        )  # fmt: skip
    return email, password, first, second


async def test_workspace_id_picks_a_workspace_of_an_account_wide_key(
    compat_api: Client, compat_db: asyncpg.Pool
) -> None:
    email, password, first, second = await _user_with_two_workspaces(compat_db)
    basic = "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()
    created = await compat_api.post(
        "/v1/api-keys",
        json={"name": "everywhere", "scopes": ["*"], "accountWide": True},
        headers={"Authorization": basic},
    )
    key = await created.json()
    assert created.status == 201, key
    assert key["accountWide"] is True and re.fullmatch(r"key_[0-9a-f]{32}", key["id"])
    bearer = {"Authorization": f"Bearer {key['secret']}"}
    home = await compat_api.post("/v1/codes", json={"targetUrl": "https://e.com/1"},
                                 headers=bearer)  # fmt: skip
    assert (await home.json())["workspaceId"] == f"ws_{first.workspace_id.hex}"
    other = await compat_api.post(
        f"/v1/codes?workspaceId=ws_{second.workspace_id.hex}",
        json={"targetUrl": "https://e.com/2"},
        headers=bearer,
    )
    assert other.status == 201
    assert (await other.json())["workspaceId"] == f"ws_{second.workspace_id.hex}"
    # A workspace-bound key (the default) acts on its own workspace only: 403, as documented
    # for a valid token without access to the resource.
    bound = await compat_api.get(
        f"/v1/codes?workspaceId=ws_{second.workspace_id.hex}",
        headers={"Authorization": f"Bearer {first.api_key}"},
    )
    assert bound.status == 403 and (await bound.json())["error"] == "forbidden"
    # A workspace the issuer is not a member of.
    stranger = await compat_api.get(
        f"/v1/codes?workspaceId=ws_{secrets.token_hex(16)}", headers=bearer
    )
    assert stranger.status == 403


async def test_a_deleted_codes_scanners_go_to_the_workspace_fallback(
    new_workspace: NewWorkspace, infra: Infrastructure
) -> None:
    ws = await new_workspace()
    workspace = f"ws_{ws.id.hex}"
    settings = await ws.v1(
        "PATCH", f"/v1/workspaces/{workspace}", {"fallbackUrl": "https://example.com/gone"}
    )
    assert settings.status == 200 and settings.body["fallbackUrl"] == "https://example.com/gone"
    code = (
        await ws.v1(
            "POST", "/v1/codes", {"targetUrl": "https://e.com/x", "fallbackUrl": "https://e.com/"}
        )
    ).body
    assert (await ws.v1("DELETE", f"/v1/codes/{code['id']}")).status == 204
    uuid_key = code["id"].removeprefix("code_")

    def deleted(record: Any) -> bool:
        if record.value is None:
            return False
        snapshot = CodeSnapshot.model_validate_json(record.value)
        return snapshot.id.hex == uuid_key and snapshot.status == "deleted"

    [record] = await find_records(infra.kafka_bootstrap, CODES_TOPIC, deleted)
    assert CodeSnapshot.model_validate_json(record.value).fallback_url == "https://example.com/gone"
    # Without a workspace fallback, the code's own.
    await ws.v1("PATCH", f"/v1/workspaces/{workspace}", {"fallbackUrl": None})

    def republished(record: Any) -> bool:
        return deleted(record) and (
            CodeSnapshot.model_validate_json(record.value).fallback_url == "https://e.com/"
        )

    assert await find_records(infra.kafka_bootstrap, CODES_TOPIC, republished)
    other = await new_workspace()
    assert (await other.v1("GET", f"/v1/workspaces/{workspace}")).status == 404


async def test_folders_examples(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    created = await ws.v1("POST", "/v1/folders", {"name": "Summer campaign", "color": "#5BA876"})
    assert created.status == 201, created.body
    folder = created.body
    assert re.fullmatch(r"folder_[0-9a-f]{32}", folder["id"])
    assert (folder["name"], folder["color"]) == ("Summer campaign", "#5BA876")
    assert (await ws.v1("POST", "/v1/folders", {"name": "n" * 80})).status == 201
    too_long = await ws.v1("POST", "/v1/folders", {"name": "n" * 81})  # 1-80 chars
    assert too_long.status == 400 and too_long.body["issues"][0]["path"] == ["name"]
    assert (await ws.v1("POST", "/v1/folders", {"name": ""})).status == 400
    code = (
        await ws.v1("POST", "/v1/codes", {"targetUrl": "https://e.com", "folderId": folder["id"]})
    ).body
    listed = (await ws.v1("GET", "/v1/folders")).body["data"]
    assert [f["codeCount"] for f in listed if f["id"] == folder["id"]] == [1]
    patched = await ws.v1(
        "PATCH",
        f"/v1/folders/{folder['id']}",
        {"name": "Autumn campaign", "color": "#B85C00", "position": 2},
    )
    assert patched.status == 200
    assert (patched.body["name"], patched.body["color"], patched.body["position"]) == (
        "Autumn campaign", "#B85C00", 2,
    )  # fmt: skip
    assert (await ws.v1("DELETE", f"/v1/folders/{folder['id']}")).status in (200, 204)
    kept = await ws.v1("GET", f"/v1/codes/{code['id']}")  # codes are unassigned, not deleted
    assert kept.status == 200 and kept.body["folderId"] is None


async def test_folder_limits_of_the_plans(new_workspace: NewWorkspace) -> None:
    for plan in ("free", "personal"):  # 3 folders on free/personal
        ws = await new_workspace(plan=plan)
        for n in range(3):
            assert (await ws.v1("POST", "/v1/folders", {"name": f"f{n}"})).status == 201
        over = await ws.v1("POST", "/v1/folders", {"name": "f4"})
        assert (over.status, over.body["error"]) == (402, "plan_limit_exceeded")


RULES = [
    {"type": "geo", "label": "US visitors", "targetUrl": "https://example.com/us",
     "priority": 1, "condition": {"countryIn": ["US", "CA"], "regionIn": ["California"],
                                  "cityIn": ["San Francisco"]}},
    {"type": "device", "targetUrl": "https://example.com/m", "priority": 2,
     "condition": {"deviceIn": ["mobile", "tablet"], "osIn": ["iOS", "Android"]}},
    {"type": "time", "targetUrl": "https://example.com/open", "priority": 3,
     "condition": {"daysOfWeek": [1, 2, 3, 4, 5], "startTime": "09:00", "endTime": "17:00",
                   "timezone": "America/Chicago"}},
    {"type": "ab", "targetUrl": "https://example.com/b", "priority": 4, "weight": 50},
]  # fmt: skip


async def test_routing_rules_examples(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    code = (await ws.v1("POST", "/v1/codes", {"targetUrl": "https://example.com/"})).body
    base = f"/v1/codes/{code['id']}/routing-rules"
    made = []
    for rule in RULES:
        answer = await ws.v1("POST", base, rule)
        assert answer.status == 201, answer.body
        assert re.fullmatch(r"rule_[0-9a-f]{32}", answer.body["id"])
        assert answer.body["codeId"] == code["id"]
        made.append(answer.body)
    assert made[0]["condition"] == RULES[0]["condition"] and made[3]["weight"] == 50
    listed = (await ws.v1("GET", base)).body["data"]
    assert [r["id"] for r in listed] == [r["id"] for r in made]
    patched = await ws.v1("PATCH", f"{base}/{made[0]['id']}", {"label": "North America"})
    assert patched.status == 200 and patched.body["label"] == "North America"
    assert (await ws.v1("DELETE", f"{base}/{made[3]['id']}")).status in (200, 204)
    free = await new_workspace(plan="free")
    free_code = (await free.v1("POST", "/v1/codes", {"targetUrl": "https://example.com/"})).body
    refused = await free.v1("POST", f"/v1/codes/{free_code['id']}/routing-rules", RULES[0])
    assert (refused.status, refused.body["error"]) == (402, "plan_limit_exceeded")


async def test_billing_examples(new_workspace: NewWorkspace, compat_api: Client) -> None:
    ws = await new_workspace(plan="personal")
    answer = await ws.v1("GET", "/v1/billing")
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["workspaceId"] == f"ws_{ws.id.hex}" and body["plan"] == "personal"
    for field in ("subscriptionStatus", "subscriptionCurrentPeriodEnd", "trialEndsAt",
                  "proTrialActive", "codesCount", "scansCount", "prices"):  # fmt: skip
        assert field in body, field
    for price in ("pro_monthly", "pro_annual"):
        assert set(body["prices"][price]) >= {"id", "amount", "currency", "interval"}
    public = await compat_api.get("/v1/billing/public")  # no authentication
    assert public.status == 200 and (await public.json())["prices"] == body["prices"]


async def test_status_routes_need_no_key(compat_api: Client) -> None:
    summary = await compat_api.get("/v1/status/summary")
    assert summary.status == 200
    rss = await compat_api.get("/v1/status/rss")
    assert rss.status == 200 and "<rss" in await rss.text()

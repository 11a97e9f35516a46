"""Routing rules through the API: CRUD in priority order, each write publishing the code's
snapshot with its rules to Kafka, the 20-rule limit, the Pro+ gate, scopes and isolation."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from qrstack_api.accounts.key_cache import KEY_CACHE_TTL_S
from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.stack import Infrastructure
from support.ids import kafka_key, uuid_of
from support.kafka import find_records

if TYPE_CHECKING:
    from integration.api.organise.conftest import NewWorkspace

pytestmark = pytest.mark.infra

GEO = {
    "type": "geo",
    "label": "US visitors",
    "targetUrl": "https://example.com/us",
    "priority": 1,
    "condition": {"countryIn": ["US", "CA"], "regionIn": ["California"]},
}
AB = {"type": "ab", "targetUrl": "https://example.com/b", "weight": 50}


async def snapshot_at(infra: Infrastructure, code_id: str, version: int) -> CodeSnapshot:
    """The code's snapshot of exactly `version`, read from qr.codes.v1."""

    def match(record: Any) -> bool:
        return (
            record.key == kafka_key(code_id)
            and record.value is not None
            and CodeSnapshot.model_validate_json(record.value).version == version
        )

    [record] = await find_records(infra.kafka_bootstrap, CODES_TOPIC, match)
    return CodeSnapshot.model_validate_json(record.value)


async def code_version(ws: Any, code_id: str) -> int:
    version: int = await ws.db.fetchval("SELECT version FROM codes WHERE id = $1", uuid_of(code_id))
    return version


async def test_rule_writes_publish_the_codes_snapshot_with_its_rules(
    new_workspace: NewWorkspace, infra: Infrastructure
) -> None:
    ws = await new_workspace(plan="pro")
    code = await ws.code()
    rules = f"/v1/codes/{code['id']}/routing-rules"

    geo = await ws.ok("POST", rules, GEO, 201)
    assert geo["condition"] == {"countryIn": ["US", "CA"], "regionIn": ["California"]}
    assert geo["codeId"] == code["id"] and geo["weight"] is None and geo["label"] == "US visitors"
    snapshot = await snapshot_at(infra, code["id"], await code_version(ws, code["id"]))
    [rule] = snapshot.rules
    assert rule.id == uuid_of(geo["id"]) and rule.target_url == "https://example.com/us"
    assert rule.conditions.country_in == ("US", "CA")
    assert rule.conditions.region_in == ("California",)

    ab = await ws.ok("POST", rules, AB, 201)
    assert ab["priority"] == 2  # after the last rule
    changed = await ws.ok("PATCH", f"{rules}/{geo['id']}", {"priority": 5, "label": None})
    assert changed["priority"] == 5 and changed["label"] is None
    assert changed["condition"] == geo["condition"]  # not sent: unchanged
    snapshot = await snapshot_at(infra, code["id"], await code_version(ws, code["id"]))
    assert [(r.type, r.priority, r.weight) for r in snapshot.rules] == [
        ("ab", 2, 50),
        ("geo", 5, None),
    ]
    listed = (await ws.ok("GET", rules))["data"]
    assert [r["id"] for r in listed] == [ab["id"], geo["id"]]
    assert await ws.ok("GET", f"{rules}/{ab['id']}") == ab

    status, _ = await ws.call("DELETE", f"{rules}/{ab['id']}")
    assert status == 204
    snapshot = await snapshot_at(infra, code["id"], await code_version(ws, code["id"]))
    assert [r.id for r in snapshot.rules] == [uuid_of(geo["id"])]
    assert (await ws.call("GET", f"{rules}/{ab['id']}"))[0] == 404
    assert (await ws.call("DELETE", f"{rules}/{ab['id']}"))[0] == 404


async def test_a_patch_is_validated_as_the_whole_resulting_rule(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    code = await ws.code()
    rules = f"/v1/codes/{code['id']}/routing-rules"
    geo = await ws.ok("POST", rules, GEO, 201)
    version = await code_version(ws, code["id"])

    status, error = await ws.call("PATCH", f"{rules}/{geo['id']}", {"type": "device"})
    assert status == 400
    paths = [issue["path"] for issue in error["issues"]]
    assert ["condition", "countryIn"] in paths and ["condition"] in paths
    status, error = await ws.call("PATCH", f"{rules}/{geo['id']}", {"type": "ab"})
    assert status == 400 and error["issues"][0]["path"] == ["weight"]
    assert await code_version(ws, code["id"]) == version  # refused: nothing published

    device = await ws.ok(
        "PATCH",
        f"{rules}/{geo['id']}",
        {"type": "device", "condition": {"deviceIn": ["mobile"], "osIn": ["iOS"]}},
    )
    assert device["type"] == "device"
    assert device["condition"] == {"deviceIn": ["mobile"], "osIn": ["iOS"]}
    assert await code_version(ws, code["id"]) == version + 1


async def test_a_bad_rule_is_400_with_every_issue(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    code = await ws.code()
    status, error = await ws.call(
        "POST",
        f"/v1/codes/{code['id']}/routing-rules",
        {
            "type": "time",
            "targetUrl": "ftp://example.com/",
            "condition": {"startTime": "9am", "timezone": "Nowhere/City", "ipIn": ["1.2.3.4/40"]},
        },
    )
    assert status == 400 and error["error"] == "validation_failed"
    paths = sorted(str(issue["path"]) for issue in error["issues"])
    assert paths == sorted(
        str(p)
        for p in (
            ["targetUrl"],
            ["condition", "startTime"],
            ["condition", "timezone"],
            ["condition", "ipIn", 0],
        )
    )
    assert (await ws.ok("GET", f"/v1/codes/{code['id']}/routing-rules"))["data"] == []


async def test_a_code_holds_at_most_twenty_rules_even_under_concurrent_writes(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace()
    code = await ws.code()
    rules = f"/v1/codes/{code['id']}/routing-rules"
    results = await asyncio.gather(
        *(ws.call("POST", rules, {**AB, "weight": 1 + i, "priority": i}) for i in range(22))
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 20 + [409, 409]
    refused = next(body for status, body in results if status == 409)
    assert refused["error"] == "conflict" and "20" in refused["detail"]
    assert len((await ws.ok("GET", rules))["data"]) == 20


async def test_free_workspaces_read_rules_but_cannot_write_them(
    new_workspace: NewWorkspace,
) -> None:
    ws = await new_workspace(plan="pro")
    code = await ws.code()
    rules = f"/v1/codes/{code['id']}/routing-rules"
    rule = await ws.ok("POST", rules, GEO, 201)
    await ws.db.execute("UPDATE workspaces SET plan = 'free' WHERE id = $1", ws.id)  # downgrade
    await asyncio.sleep(KEY_CACHE_TTL_S)  # a change made in the database reaches keys this late

    assert [r["id"] for r in (await ws.ok("GET", rules))["data"]] == [rule["id"]]
    for method, path, body in (
        ("POST", rules, GEO),
        ("PATCH", f"{rules}/{rule['id']}", {"priority": 3}),
        ("DELETE", f"{rules}/{rule['id']}", None),
    ):
        status, error = await ws.call(method, path, body)
        assert (status, error["error"]) == (402, "plan_limit_exceeded"), method
        assert "Routing rules" in error["detail"]


async def test_rules_need_their_scopes_and_stay_in_their_workspace(
    new_workspace: NewWorkspace,
) -> None:
    mine, theirs = await new_workspace(), await new_workspace()
    their_code = await theirs.code()
    their_rules = f"/v1/codes/{their_code['id']}/routing-rules"
    their_rule = await theirs.ok("POST", their_rules, GEO, 201)
    for method, path, body in (
        ("GET", their_rules, None),
        ("POST", their_rules, GEO),
        ("GET", f"{their_rules}/{their_rule['id']}", None),
        ("PATCH", f"{their_rules}/{their_rule['id']}", {"priority": 9}),
        ("DELETE", f"{their_rules}/{their_rule['id']}", None),
    ):
        status, error = await mine.call(method, path, body)
        assert (status, error["error"]) == (404, "not_found"), method
    assert (await theirs.ok("GET", f"{their_rules}/{their_rule['id']}"))["priority"] == 1

    code = await mine.code()
    rules = f"/v1/codes/{code['id']}/routing-rules"
    reader = await mine.key_with(["rules:read"])
    assert (await mine.call("GET", rules, key=reader))[0] == 200
    status, error = await mine.call("POST", rules, GEO, key=reader)
    assert (status, error["error"]) == (403, "forbidden")
    assert (await mine.api.get(rules)).status == 401
    assert (await mine.call("GET", f"{rules}/not-a-uuid"))[0] == 404


async def test_deleted_and_static_codes_take_no_new_rules(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    code = await ws.code()
    await ws.ok("DELETE", f"/v1/codes/{code['id']}", status=204)
    status, error = await ws.call("POST", f"/v1/codes/{code['id']}/routing-rules", GEO)
    assert status == 409 and "deleted" in error["detail"]

    static = await ws.ok(
        "POST",
        "/v1/codes",
        {"type": "wifi", "wifi": {"ssid": "Cafe", "encryption": "WPA", "password": "secret12"}},
        status=201,
    )
    assert static["dynamic"] is False
    status, error = await ws.call("POST", f"/v1/codes/{static['id']}/routing-rules", GEO)
    assert status == 409 and "static" in error["detail"]

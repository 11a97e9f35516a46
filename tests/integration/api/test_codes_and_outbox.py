"""Creating codes through the API stores them and publishes their snapshots through the outbox;
bad input and other workspaces change nothing."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.app import create_app
from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.ports import free_port
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.api import api_settings
from support.ids import kafka_key, uuid_of
from support.kafka import find_records
from support.waiting import eventually

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_a_created_code_is_stored_and_its_snapshot_reaches_kafka(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    response = await api.post(
        "/v1/codes",
        json={
            "targetUrl": "https://example.com/autumn-menu",
            "slug": f"menu-{uuid.uuid4().hex[:6]}",
            "tags": ["q4", "print"],
            "forwardQuery": True,
        },
        headers=bearer(ws.api_key),
    )
    assert response.status == 201, await response.text()
    code = await response.json()
    assert code["shortUrl"] == f"https://qr.example.test/{code['slug']}"
    assert code["tags"] == ["q4", "print"] and code["status"] == "active"

    read = await api.get(f"/v1/codes/{code['id']}", headers={"X-API-Key": ws.api_key})
    assert read.status == 200 and (await read.json())["targetUrl"] == code["targetUrl"]

    [record] = await find_records(
        infra.kafka_bootstrap, CODES_TOPIC, lambda r: r.key == kafka_key(code["id"])
    )
    snapshot = CodeSnapshot.model_validate_json(record.value)
    assert snapshot.slug == code["slug"]
    assert snapshot.target_url == "https://example.com/autumn-menu"
    assert snapshot.workspace_id == ws.workspace_id and snapshot.forward_query


async def test_a_generated_slug_is_eight_unambiguous_characters(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    response = await api.post(
        f"/v1/codes?apiKey={ws.api_key}", json={"targetUrl": "https://example.com/"}
    )
    slug = (await response.json())["slug"]
    assert len(slug) == 8 and not set(slug) & set("0O1lI")


async def test_a_taken_slug_is_409_and_changes_nothing(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    slug = f"taken-{uuid.uuid4().hex[:6]}"
    body = {"targetUrl": "https://example.com/", "slug": slug}
    assert (await api.post("/v1/codes", json=body, headers=bearer(ws.api_key))).status == 201
    again = await api.post("/v1/codes", json=body, headers=bearer(ws.api_key))
    assert again.status == 409
    assert (await again.json())["error"] == "slug_taken"
    count = await _count(infra.database_url, "SELECT count(*) FROM codes WHERE slug = $1", slug)
    assert count == 1


async def test_bad_input_is_400_naming_every_field(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    response = await api.post(
        "/v1/codes",
        json={"targetUrl": "javascript:alert(1)", "slug": "no spaces", "tags": ["ok"] * 11},
        headers=bearer(ws.api_key),
    )
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "validation_failed"
    paths = {tuple(issue["path"]) for issue in body["issues"]}
    assert paths == {("targetUrl",), ("slug",), ("tags",)}
    assert "https://" in next(i["reason"] for i in body["issues"] if i["path"] == ["targetUrl"])


async def test_no_key_or_a_wrong_key_is_401(api: Client) -> None:
    assert (await api.post("/v1/codes", json={})).status == 401
    wrong = "qr_test_" + "x" * 32
    response = await api.get(f"/v1/codes/{uuid.uuid4()}", headers=bearer(wrong))
    assert response.status == 401
    assert (await response.json())["error"] == "unauthorized"


async def test_another_workspaces_code_is_404(api: Client, infra: Infrastructure) -> None:
    owner, other = await new_workspace(infra.database_url), await new_workspace(infra.database_url)
    made = await api.post(
        "/v1/codes", json={"targetUrl": "https://example.com/"}, headers=bearer(owner.api_key)
    )
    code_id = (await made.json())["id"]
    response = await api.get(f"/v1/codes/{code_id}", headers=bearer(other.api_key))
    assert response.status == 404 and (await response.json())["error"] == "not_found"


async def test_writes_succeed_while_kafka_is_down_and_are_published_once_it_is_back(
    infra: Infrastructure,
) -> None:
    """A separate database, so that only this test's relay serves it."""
    admin = await asyncpg.connect(infra.database_url)
    database = f"outage_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{database}"')
    await admin.close()
    dsn = infra.database_url.rsplit("/", 1)[0] + f"/{database}"
    dead_kafka = f"127.0.0.1:{free_port()}"

    settings = api_settings(infra, database_url=dsn, kafka_bootstrap_servers=dead_kafka)
    down = TestClient(TestServer(create_app(settings)))
    await down.start_server()
    try:
        ws = await new_workspace(dsn)
        ids = []
        for n in range(3):
            response = await down.post(
                "/v1/codes",
                json={"targetUrl": f"https://example.com/{n}"},
                headers=bearer(ws.api_key),
            )
            assert response.status == 201
            ids.append(str(uuid_of((await response.json())["id"])))
        for n in (1, 2):  # two edits of the first code: versions 2 and 3
            edited = await down.patch(
                f"/v1/codes/{ids[0]}",
                json={"targetUrl": f"https://example.com/edit-{n}"},
                headers=bearer(ws.api_key),
            )
            assert edited.status == 200
        await asyncio.sleep(1.0)  # give the relay time to (fail to) publish
        assert await _count(dsn, "SELECT count(*) FROM outbox") == 5
    finally:
        await down.close()

    up = TestClient(TestServer(create_app(api_settings(infra, database_url=dsn))))
    await up.start_server()
    try:
        records = await find_records(
            infra.kafka_bootstrap, CODES_TOPIC, lambda r: r.key.decode() in ids, count=5
        )
        assert sorted({r.key.decode() for r in records}) == sorted(ids)
        first = [
            CodeSnapshot.model_validate_json(r.value)
            for r in sorted(records, key=lambda r: r.offset)
            if r.key.decode() == ids[0]
        ]
        assert [(c.version, c.target_url) for c in first] == [
            (1, "https://example.com/0"),
            (2, "https://example.com/edit-1"),
            (3, "https://example.com/edit-2"),
        ]

        async def outbox_empty() -> bool:
            return await _count(dsn, "SELECT count(*) FROM outbox") == 0

        await eventually(outbox_empty)
    finally:
        await up.close()


async def _count(dsn: str, sql: str, *args: object) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        value: int = await conn.fetchval(sql, *args)
        return value
    finally:
        await conn.close()

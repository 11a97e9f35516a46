"""A form code's answers through /v1: listed newest first in cursor pages, exported as a
spreadsheet-safe CSV, deleted one by one, hidden and purged after the retention period; another
workspace's code is 404. Rows are inserted as the redirect service inserts them."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from integration.api.files.conftest import Client, Workspace, make_workspace

from qrstack_api.app import create_app
from qrstack_api.submissions.store import purge_expired
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.conformance import conforming
from support.ids import uuid_of
from support.waiting import eventually

pytestmark = pytest.mark.infra

FORM = {
    "title": "RSVP",
    "fields": [
        {"id": "name", "label": "Your name", "type": "text", "required": True},
        {"id": "guests", "label": "Guests", "type": "number"},
        {"id": "vegan", "label": "Vegan", "type": "checkbox"},
    ],
}


async def _form_code(ws: Workspace) -> str:
    code = await ws.ok("POST", "/v1/codes", status=201, json={"type": "form", "form": FORM})
    return str(code["id"])


async def _submit(
    db: asyncpg.Pool, ws: Workspace, code_id: str, answers: dict[str, Any], *, age: timedelta
) -> uuid.UUID:
    submission_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO form_submissions (id, code_id, workspace_id, answers, created_at)"
        " VALUES ($1, $2, $3, $4::jsonb, $5)",
        submission_id, uuid_of(code_id), ws.id, orjson.dumps(answers).decode(),
        datetime.now(UTC) - age,
    )  # fmt: skip
    return submission_id


async def test_pages_newest_first_with_a_cursor(ws: Workspace, db: asyncpg.Pool) -> None:
    code_id = await _form_code(ws)
    ids = [
        await _submit(db, ws, code_id, {"name": f"Guest {n}", "guests": n}, age=timedelta(hours=n))
        for n in range(5)
    ]
    first = await ws.ok("GET", f"/v1/codes/{code_id}/submissions?limit=2")
    second = await ws.ok(
        "GET", f"/v1/codes/{code_id}/submissions?limit=2&cursor={first['nextCursor']}"
    )
    third = await ws.ok(
        "GET", f"/v1/codes/{code_id}/submissions?limit=2&cursor={second['nextCursor']}"
    )
    seen = [item for page in (first, second, third) for item in page["data"]]
    assert [item["id"] for item in seen] == [f"sub_{i.hex}" for i in ids]
    assert third["nextCursor"] is None
    assert seen[0]["codeId"] == code_id
    assert seen[0]["answers"] == {"name": "Guest 0", "guests": 0}
    assert datetime.fromisoformat(seen[0]["submittedAt"]) > datetime.fromisoformat(
        seen[1]["submittedAt"]
    )
    everything = await ws.ok("GET", f"/v1/codes/{code_id}/submissions")
    assert len(everything["data"]) == 5 and everything["nextCursor"] is None
    status, body = await ws.call("GET", f"/v1/codes/{code_id}/submissions?cursor=nonsense")
    assert status == 400 and body["issues"][0]["path"] == ["cursor"]
    status, body = await ws.call("GET", f"/v1/codes/{code_id}/submissions?limit=201")
    assert status == 400 and body["issues"][0]["path"] == ["limit"]


async def test_another_workspace_sees_nothing_and_deletes_nothing(
    ws: Workspace, api: Client, db: asyncpg.Pool
) -> None:
    code_id = await _form_code(ws)
    submission = await _submit(db, ws, code_id, {"name": "Ada"}, age=timedelta(0))
    other = await make_workspace(api, db)
    for method, path in (
        ("GET", f"/v1/codes/{code_id}/submissions"),
        ("GET", f"/v1/codes/{code_id}/submissions.csv"),
        ("DELETE", f"/v1/codes/{code_id}/submissions/sub_{submission.hex}"),
    ):
        status, body = await other.call(method, path)
        assert (status, body["error"]) == (404, "not_found"), (method, path)
    reader = await ws.key_with("codes:read")
    status, body = await ws.call(
        "DELETE", f"/v1/codes/{code_id}/submissions/sub_{submission.hex}", key=reader
    )
    assert status == 403
    listed = await ws.ok("GET", f"/v1/codes/{code_id}/submissions", key=reader)
    assert len(listed["data"]) == 1


async def test_delete_removes_one_submission(ws: Workspace, db: asyncpg.Pool) -> None:
    code_id = await _form_code(ws)
    kept = await _submit(db, ws, code_id, {"name": "Kept"}, age=timedelta(minutes=1))
    gone = await _submit(db, ws, code_id, {"name": "Gone"}, age=timedelta(0))
    other_code = await _form_code(ws)
    path = f"/v1/codes/{code_id}/submissions"
    assert (await ws.call("DELETE", f"/v1/codes/{other_code}/submissions/sub_{gone.hex}"))[0] == 404
    await ws.ok("DELETE", f"{path}/sub_{gone.hex}", status=204)
    assert (await ws.call("DELETE", f"{path}/{gone}"))[0] == 404  # a bare UUID reads too
    assert (await ws.call("DELETE", f"{path}/code_{gone.hex}"))[0] == 404  # another kind
    remaining = await ws.ok("GET", path)
    assert [item["id"] for item in remaining["data"]] == [f"sub_{kept.hex}"]
    await ws.ok("DELETE", f"{path}/{kept}", status=204)


async def test_the_csv_is_spreadsheet_safe_and_names_every_field(
    ws: Workspace, api: Client, db: asyncpg.Pool
) -> None:
    code_id = await _form_code(ws)
    await _submit(
        db, ws, code_id, {"name": "=HYPERLINK(\"http://evil.example\")", "guests": -2},
        age=timedelta(minutes=2),
    )  # fmt: skip
    await _submit(
        db, ws, code_id, {"name": 'Zoë, "the"\nsecond', "vegan": True}, age=timedelta(minutes=1)
    )
    await _submit(db, ws, code_id, {"name": "@SUM(A1)", "phone": "+1 555 0100"}, age=timedelta(0))
    response = await api.get(f"/v1/codes/{code_id}/submissions.csv", headers=ws.headers())
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="submissions-{code_id}.csv"'
    )
    raw = await response.read()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode().removeprefix("\ufeff"))))
    assert rows[0] == ["submittedAt", "id", "Your name", "Guests", "Vegan", "phone"]
    assert [row[2:] for row in rows[1:]] == [
        ["'@SUM(A1)", "", "", "'+1 555 0100"],  # a field the form no longer has
        ['Zoë, "the"\nsecond', "", "true", ""],
        ['\'=HYPERLINK("http://evil.example")', "-2", "", ""],  # numbers stay numbers
    ]
    assert rows[1][1].startswith("sub_") and rows[1][0].endswith("Z")


async def test_retention_hides_old_answers_and_the_purge_deletes_them(
    infra: Infrastructure, ws: Workspace, db: asyncpg.Pool
) -> None:
    code_id = await _form_code(ws)
    old = await _submit(db, ws, code_id, {"name": "Old"}, age=timedelta(days=40))
    new = await _submit(db, ws, code_id, {"name": "New"}, age=timedelta(days=1))
    forever = await _submit(db, ws, code_id, {"name": "Keep"}, age=timedelta(days=400))

    async def shown(client: Client) -> list[str]:
        response = await client.get(f"/v1/codes/{code_id}/submissions", headers=ws.headers())
        body = await response.json()
        return [item["answers"]["name"] for item in body["data"]]

    # The default (365 days) shows the 40-day-old answer, not the 400-day-old one.
    assert await shown(ws.api) == ["New", "Old"]
    csv_text = await (
        await ws.api.get(f"/v1/codes/{code_id}/submissions.csv", headers=ws.headers())
    ).text()
    assert "Keep" not in csv_text and "Old" in csv_text

    # An app keeping 30 days hides the 40-day-old answer at once and purges it when it starts.
    settings = api_settings(infra, form_submissions_retention_days=30)
    client: Client = TestClient(TestServer(conforming(create_app(settings))))
    await client.start_server()
    try:
        assert await shown(client) == ["New"]

        async def purged() -> bool:
            return (
                await db.fetchval("SELECT count(*) FROM form_submissions WHERE id = $1", old) == 0
            )

        await eventually(purged, timeout=20)
    finally:
        await client.close()
    assert await db.fetchval("SELECT count(*) FROM form_submissions WHERE id = $1", new) == 1
    assert await db.fetchval("SELECT count(*) FROM form_submissions WHERE id = $1", forever) == 0
    # 0 keeps everything: nothing is purged.
    survivor = await _submit(db, ws, code_id, {"name": "Ancient"}, age=timedelta(days=4000))
    assert await purge_expired(db, 0) == 0
    assert await db.fetchval("SELECT count(*) FROM form_submissions WHERE id = $1", survivor) == 1
    await db.execute("DELETE FROM form_submissions WHERE id = $1", survivor)

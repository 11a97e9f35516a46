"""A password-protected code and a form page, created through the API and used over HTTP:
the gate's form, wrong guesses limited, the cookie that keeps it open, the scan counted only
once the password passed; a form's answers checked and stored in PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from qrstack_common.events import SCANS_TOPIC_V2
from qrstack_common.scan_wire import decode_scan
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.ids import kafka_key, uuid_of
from support.kafka import find_records
from support.waiting import eventually

from .conftest import Client, held

pytestmark = pytest.mark.infra

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"}


async def create_code(infra: Infrastructure, api_client: Client, body: dict[str, Any]) -> Any:
    ws = await new_workspace(infra.database_url)
    response = await api_client.post(
        "/v1/codes", json=body, headers={"Authorization": f"Bearer {ws.api_key}"}
    )
    code = await response.json()
    assert response.status == 201, code
    return code


async def test_the_password_gate(
    infra: Infrastructure, api_client: Client, redirect: Client
) -> None:
    slug = f"gate-{uuid.uuid4().hex[:8]}"
    code = await create_code(
        infra,
        api_client,
        {
            "targetUrl": "https://example.com/secret",
            "slug": slug,
            "password": "open sesame",
            "passwordHint": "<b>Ali Baba</b>",
        },
    )
    await eventually(lambda: _held(redirect, slug))
    path = f"/{slug}?utm_source=poster"

    gate = await redirect.get(path, allow_redirects=False, headers=PHONE)
    page = await gate.text()
    assert gate.status == 200 and 'type="password"' in page
    assert "&lt;b&gt;Ali Baba&lt;/b&gt;" in page  # the hint, escaped
    assert f'action="{path}"' in page

    wrong = await redirect.post(path, data={"password": "guess"}, allow_redirects=False)
    assert wrong.status == 403 and "not right" in await wrong.text()

    right = await redirect.post(
        path, data={"password": "open sesame"}, allow_redirects=False, headers=PHONE
    )
    assert right.status == 303
    assert right.headers["Location"] == "https://example.com/secret"
    cookie = right.cookies["qrgate"]
    assert cookie["path"] == f"/{slug}" and cookie["httponly"]

    again = await redirect.get(
        path, allow_redirects=False, headers={**PHONE, "Cookie": f"qrgate={cookie.value}"}
    )
    assert (again.status, again.headers["Location"]) == (302, "https://example.com/secret")

    events = await find_records(
        infra.kafka_bootstrap, SCANS_TOPIC_V2, lambda r: r.key == kafka_key(code["id"]), count=3
    )
    outcomes = [decode_scan(r.value).to_event().outcome for r in events]
    assert outcomes == ["password_required", "redirect", "redirect"]


async def test_wrong_passwords_are_limited_per_address(
    infra: Infrastructure, api_client: Client, redirect: Client
) -> None:
    slug = f"guess-{uuid.uuid4().hex[:8]}"
    await create_code(
        infra, api_client, {"targetUrl": "https://example.com/s", "slug": slug, "password": "pw"}
    )
    await eventually(lambda: _held(redirect, slug))
    statuses = [
        (await redirect.post(f"/{slug}", data={"password": f"no{n}"})).status for n in range(5)
    ]
    assert statuses == [403] * 5
    limited = await redirect.post(f"/{slug}", data={"password": "pw"}, allow_redirects=False)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many wrong passwords" in await limited.text()


async def test_a_form_page_stores_valid_answers(
    infra: Infrastructure, api_client: Client, redirect: Client
) -> None:
    slug = f"form-{uuid.uuid4().hex[:8]}"
    code = await create_code(
        infra,
        api_client,
        {
            "type": "form",
            "slug": slug,
            "form": {
                "title": "RSVP",
                "successMessage": "See you there!",
                "fields": [
                    {"id": "name", "label": "Name", "type": "text", "required": True},
                    {"id": "email", "label": "E-mail", "type": "email", "required": True},
                    {"id": "guests", "label": "Guests", "type": "number"},
                ],
            },
        },
    )
    await eventually(lambda: _held(redirect, slug))
    page = await redirect.get(f"/{slug}")
    assert page.status == 200 and 'name="email"' in await page.text()

    invalid = await redirect.post(f"/{slug}", data={"name": "Ada", "email": "nope"})
    text = await invalid.text()
    assert invalid.status == 400 and "E-mail must be an e-mail address" in text
    assert 'value="Ada"' in text  # what was typed stays in the form

    done = await redirect.post(
        f"/{slug}", data={"name": "Ada", "email": "ada@example.com", "guests": "2"}
    )
    assert done.status == 200 and "See you there!" in await done.text()
    conn = await asyncpg.connect(infra.database_url)
    try:
        rows = await conn.fetch(
            "SELECT answers::text AS answers FROM form_submissions WHERE code_id = $1",
            uuid_of(code["id"]),
        )
    finally:
        await conn.close()
    assert [row["answers"] for row in rows] == [
        '{"name": "Ada", "email": "ada@example.com", "guests": 2.0}'
    ]


async def test_a_protected_form_is_submitted_once_its_gate_is_open(
    infra: Infrastructure, api_client: Client, redirect: Client
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    slug = f"pform-{uuid.uuid4().hex[:8]}"
    made = await api_client.post(
        "/v1/codes",
        json={
            "type": "form",
            "slug": slug,
            "password": "members only",
            "form": {
                "title": "Club sign-up",
                "successMessage": "Welcome aboard!",
                "fields": [{"id": "name", "label": "Name", "type": "text", "required": True}],
            },
        },
        headers=auth,
    )
    code = await made.json()
    assert made.status == 201, code
    await eventually(lambda: _held(redirect, slug))

    async def submitted() -> list[Any]:
        listed = await api_client.get(f"/v1/codes/{code['id']}/submissions", headers=auth)
        body = await listed.json()
        assert listed.status == 200, body
        return [submission["answers"] for submission in body["data"]]

    # Without the gate's proof a post is a password attempt: the gate again, nothing stored.
    refused = await redirect.post(f"/{slug}", data={"name": "Mallory"})
    assert refused.status == 403 and 'type="password"' in await refused.text()
    forged = await redirect.post(
        f"/{slug}", data={"name": "Mallory"}, headers={"Cookie": "qrgate=9999999999.forged"}
    )
    assert forged.status == 403 and 'type="password"' in await forged.text()
    assert await submitted() == []

    unlocked = await redirect.post(f"/{slug}", data={"password": "members only"})
    page = await unlocked.text()
    assert unlocked.status == 200 and 'name="name"' in page  # the form, not the gate
    opened = {"Cookie": f"qrgate={unlocked.cookies['qrgate'].value}"}

    invalid = await redirect.post(f"/{slug}", data={"name": ""}, headers=opened)
    text = await invalid.text()
    assert invalid.status == 400 and "Please check the fields" in text
    assert 'type="password"' not in text
    done = await redirect.post(f"/{slug}", data={"name": "Ada"}, headers=opened)
    assert done.status == 200 and "Welcome aboard!" in await done.text()
    assert await submitted() == [{"name": "Ada"}]


async def _held(client: Client, slug: str) -> bool:
    return held(client, slug)

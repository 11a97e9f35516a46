"""A workspace holding one of everything /v1 manages, made through /v1 as a user makes it:
codes of several types (a URL code with a folder, tags, a routing rule and real scans; a vCard,
a text, a form with a submission, a PDF page with its file, an image carousel with an image),
a custom domain, a webhook with a delivery, a second API key, an invite and its owner as a
member. The security suite attacks it from a key lacking a scope and from another workspace.

`ids` names a real id for every path parameter of the OpenAPI document; `secrets` are strings
that only this workspace's data contains (ids in both spellings, names, slugs, hosts): none may
appear in an answer given to another workspace."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import asyncpg
import orjson
from unit.api.files.samples import image_bytes, pdf_bytes

from support.attacker import Workspace
from support.ids import uuid_of

_PREFIXED = re.compile(r"[a-z]+_[0-9a-f]{32}")
FORM = {"title": "RSVP", "fields": [{"id": "name", "label": "Your name", "type": "text"}]}


@dataclass
class Estate:
    owner: Workspace
    owner_user_id: str
    marker: str
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # by type
    ids: dict[str, str] = field(default_factory=dict)  # path parameter -> a real id
    secrets: set[str] = field(default_factory=set)

    def keep(self, *values: str | None) -> None:
        for value in values:
            if value is None:
                continue
            self.secrets.add(value)
            if _PREFIXED.fullmatch(value):  # a /v1 id: also as the database spells it
                self.secrets.add(str(uuid_of(value)))
                self.secrets.add(value.rsplit("_", 1)[1])

    def code_for(self, path: str) -> str:
        """The code whose type the route works on (files, submissions), else the URL code."""
        kind = "pdf" if "pdf-file" in path else "image-carousel" if "image-file" in path else None
        kind = kind or ("form" if "submissions" in path else "url")
        return str(self.codes[kind]["id"])

    def leaked(self, text: str) -> list[str]:
        return sorted(s for s in self.secrets if s in text)


def upload(content: bytes, media_type: str, filename: str, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("file", content, filename=filename, content_type=media_type)
    return form


async def build_estate(ws: Workspace, dsn: str, owner_user_id: uuid.UUID) -> Estate:
    marker = "estate" + secrets.token_hex(6)
    estate = Estate(ws, f"user_{owner_user_id.hex}", marker)
    estate.keep(ws.id, marker, estate.owner_user_id)
    folder = await ws.ok("POST", "/v1/folders", {"name": f"{marker} folder"}, 201)
    url = {
        "targetUrl": f"https://example.com/{marker}",
        "label": f"{marker} url",
        "slug": f"{marker}-url",
        "tags": [f"{marker}-tag"],
        "folderId": folder["id"],
    }
    bodies: dict[str, dict[str, Any]] = {
        "url": url,
        "vcard": {"type": "vcard", "card": {"firstName": marker, "lastName": "Card"}},
        "text": {"type": "text", "text": {"text": f"{marker} text"}},
        "form": {"type": "form", "form": {**FORM, "title": f"{marker} form"}},
        "pdf": {"type": "pdf", "pdf": {"description": f"{marker} menu"}},
        "image-carousel": {"type": "image-carousel", "imageCarousel": {"title": f"{marker} rooms"}},
    }
    for kind, body in bodies.items():
        code = await ws.ok("POST", "/v1/codes", {"label": f"{marker} {kind}", **body}, 201)
        estate.codes[kind] = code
        estate.keep(code["id"], code["slug"])
    code_id = estate.codes["url"]["id"]
    rule = await ws.ok(
        "POST",
        f"/v1/codes/{code_id}/routing-rules",
        {
            "type": "ab",
            "label": f"{marker} rule",
            "targetUrl": "https://example.com/b",
            "weight": 5,
        },
        201,
    )
    pdf = estate.codes["pdf"]["id"]
    sent = upload(pdf_bytes(), "application/pdf", f"{marker}.pdf")
    answer = await ws.call("POST", f"/v1/codes/{pdf}/pdf-file", None, data=sent)
    assert answer.status == 200, answer.body
    carousel = estate.codes["image-carousel"]["id"]
    sent = upload(image_bytes("PNG"), "image/png", f"{marker}.png")
    answer = await ws.call("POST", f"/v1/codes/{carousel}/image-file", None, data=sent)
    assert answer.status == 200, answer.body
    domain = await ws.ok(
        "POST", "/v1/domains", {"host": f"{marker}.example.com", "baseUrl": "https://example.com/"},
        201,
    )  # fmt: skip
    hook = await ws.ok(
        "POST", "/v1/webhooks",
        {"url": f"http://127.0.0.1:9/{marker}", "events": ["code.updated"],
         "description": f"{marker} hook"},
        201,
    )  # fmt: skip
    await ws.ok("POST", f"/v1/webhooks/{hook['id']}/test", None, 202)
    deliveries = await ws.ok("GET", f"/v1/webhooks/{hook['id']}/deliveries")
    key = await ws.ok("POST", "/v1/api-keys", {"name": f"{marker} key", "scopes": ["*"]}, 201)
    invite = await ws.ok(
        "POST", f"/v1/workspaces/{ws.id}/invites",
        {"role": "viewer", "email": f"{marker}@example.com"}, 201,
    )  # fmt: skip
    submission = await _submission(dsn, estate.codes["form"]["id"], ws.id, marker)
    member = await _member(dsn, ws.id, marker)
    estate.ids = {
        "code_id": code_id,
        "rule_id": rule["id"],
        "folder_id": folder["id"],
        "domain_id": domain["id"],
        "webhook_id": hook["id"],
        "delivery_id": deliveries["data"][0]["id"],
        "key_id": key["id"],
        "workspace_id": ws.id,
        "invite_id": invite["id"],
        "user_id": member,
        "submission_id": submission,
        "fmt": "png",
        "index": "0",
    }
    estate.keep(*(v for k, v in estate.ids.items() if k not in ("fmt", "index")))
    estate.keep(domain["host"], key["secret"], key["prefix"], hook["secret"], f"{marker}-tag")
    return estate


async def _submission(dsn: str, code_id: str, workspace_id: str, marker: str) -> str:
    """A form answer, inserted as the redirect service inserts it."""
    submission_id = uuid.uuid4()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO form_submissions (id, code_id, workspace_id, answers)"
            " VALUES ($1, $2, $3, $4::jsonb)",
            submission_id, uuid_of(code_id), uuid_of(workspace_id),
            orjson.dumps({"name": f"{marker} guest"}).decode(),
        )  # fmt: skip
    finally:
        await conn.close()
    return f"sub_{submission_id.hex}"


async def _member(dsn: str, workspace_id: str, marker: str) -> str:
    """An editor of the workspace besides its owner (as an accepted invite leaves one)."""
    user_id = uuid.uuid4()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, 'x')",
            user_id, f"{marker}-editor@example.com",
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, 'editor')",
            user_id, uuid_of(workspace_id),
        )  # fmt: skip
    finally:
        await conn.close()
    return f"user_{user_id.hex}"

"""The portable archive of a workspace (`GET /v1/export`): a zip a user can leave with.

    manifest.json          what this is, when, how many of each
    codes.jsonl            one code per line: {"id", "createdAt", "updatedAt", "shortUrl",
                           "passwordProtected", "folder", "code": <POST /v1/codes body>,
                           "rules": [<POST …/rules body>, …]}
    folders.jsonl          {"name", "color", "position"} per folder
    codes.csv              the import CSV's columns (plus id, shortUrl, createdAt), safe to
                           open in a spreadsheet
    redirects/nginx.conf   nginx maps and a server answering every short URL (maps.py)
    redirects/Caddyfile    the same for Caddy
    files/…                uploaded files of pdf and image-carousel pages, by file key
    README.txt             how to use the above

Deleted codes are left out. `POST /v1/import` takes this archive back as it is.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from datetime import UTC, datetime
from typing import IO, Any
from uuid import UUID

import asyncpg
import orjson

from qrstack_api.codes.model import CodeListQuery
from qrstack_api.codes.store import list_codes
from qrstack_api.codes.view import short_url
from qrstack_api.folders.store import list_folders
from qrstack_api.portability.bodies import create_body
from qrstack_api.portability.csvio import COLUMNS, cell
from qrstack_api.portability.maps import Redirect, caddyfile, nginx_map, short_host
from qrstack_api.settings import ApiSettings

FORMAT = "qrstack-export"
VERSION = 1
README = """qrstack export

codes.jsonl holds every code (one JSON object per line) with its style, routing rules, folder
and tags; folders.jsonl the folders; codes.csv the same codes for a spreadsheet. Import the
zip, or the CSV, into another qrstack with POST /v1/import.

To keep printed codes working on a plain web server, include redirects/nginx.conf in nginx's
http block (or use redirects/Caddyfile with Caddy) and point the short URL's host at it.
Routing rules, scan caps, schedules and passwords need qrstack: a plain server sends every
scan to the code's main target. Codes that are not links (hosted pages, vCards, Wi-Fi...) are
listed at the top of the maps as not served.
"""


def _line(value: Any) -> bytes:
    return orjson.dumps(value) + b"\n"


def _rule_body(row: Any) -> dict[str, Any]:
    body = {"type": row["type"], "targetUrl": row["target_url"], "priority": row["priority"]}
    if row["label"] is not None:
        body["label"] = row["label"]
    if row["condition"]:
        body["condition"] = row["condition"]
    if row["weight"] is not None:
        body["weight"] = row["weight"]
    return body


async def all_codes(pool: asyncpg.Pool, workspace_id: UUID) -> list[Any]:
    rows: list[Any] = []
    cursor = None
    while True:
        page, cursor = await list_codes(pool, workspace_id, CodeListQuery(limit=100, cursor=cursor))
        rows.extend(page)
        if cursor is None:
            return sorted(rows, key=lambda r: (r["created_at"], r["id"]))


def _redirect(settings: ApiSettings, row: Any, url: str) -> Redirect | str:
    if row["type"] != "url" or row["target_url"] is None:
        return f"{url} ({row['type']} content is served by qrstack)"
    if row["status"] == "suspended":
        return f"{url} (suspended)"
    needs = [
        name
        for name, present in (
            ("routing rules", row["rule_count"] > 0),
            ("a scan cap", row["max_scans"] is not None),
            ("a schedule", row["active_from"] is not None or row["expires_at"] is not None),
            ("a password", row["password_hash"] is not None),
        )
        if present
    ]
    note = f"{url}: {', '.join(needs)} need qrstack; sent to the main target" if needs else None
    return Redirect(short_host(url), row["slug"], row["target_url"], row["redirect_status"], note)


async def write_export(pool: asyncpg.Pool, settings: ApiSettings, workspace_id: UUID) -> IO[bytes]:
    """The archive, in a temporary file positioned at its start (memory up to 32 MiB)."""
    rows = await all_codes(pool, workspace_id)
    folders = await list_folders(pool, workspace_id)
    folder_names = {f["id"]: f["name"] for f in folders}
    rules: dict[UUID, list[dict[str, Any]]] = {}
    for rule in await pool.fetch(
        "SELECT * FROM routing_rules WHERE workspace_id = $1 ORDER BY code_id, priority, id",
        workspace_id,
    ):
        rules.setdefault(rule["code_id"], []).append(_rule_body(rule))
    files = await pool.fetch(
        "SELECT f.file_key, f.content FROM code_files f JOIN codes c ON c.id = f.code_id "
        "WHERE c.workspace_id = $1 AND c.status <> 'deleted' ORDER BY f.file_key",
        workspace_id,
    )

    out = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 (returned open)
    redirects: list[Redirect] = []
    skipped: list[str] = []
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\r\n")
    writer.writerow([*COLUMNS, "id", "shortUrl", "createdAt"])
    lines = io.BytesIO()
    for row in rows:
        body = create_body(row)
        url = short_url(settings, row)
        folder = folder_names.get(row["folder_id"])
        code_rules = rules.get(row["id"], [])
        lines.write(
            _line(
                {
                    "id": str(row["id"]),
                    "createdAt": row["created_at"].isoformat(),
                    "updatedAt": row["updated_at"].isoformat(),
                    "shortUrl": url,
                    "passwordProtected": row["password_hash"] is not None,
                    "folder": folder,
                    "code": body,
                    "rules": code_rules,
                }
            )
        )
        writer.writerow([cell(v) for v in _csv_values(body, folder)] +
                        [row["id"], cell(url), row["created_at"].isoformat()])  # fmt: skip
        if url is not None:
            found = _redirect(settings, {**dict(row), "rule_count": len(code_rules)}, url)
            (redirects.append if isinstance(found, Redirect) else skipped.append)(found)  # type: ignore[arg-type]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exportedAt": datetime.now(UTC).isoformat(),
        "workspaceId": str(workspace_id),
        "codes": len(rows),
        "folders": len(folders),
        "rules": sum(len(v) for v in rules.values()),
        "files": len(files),
        "redirects": len(redirects),
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        archive.writestr("codes.jsonl", lines.getvalue())
        archive.writestr(
            "folders.jsonl",
            b"".join(
                _line({"name": f["name"], "color": f["color"], "position": f["position"]})
                for f in folders
            ),
        )
        archive.writestr("codes.csv", table.getvalue())
        archive.writestr("redirects/nginx.conf", nginx_map(redirects, skipped))
        archive.writestr("redirects/Caddyfile", caddyfile(redirects, skipped))
        for f in files:
            archive.writestr(f"files/{f['file_key']}", bytes(f["content"]), zipfile.ZIP_STORED)
        archive.writestr("README.txt", README)
    out.seek(0)
    return out


def _csv_values(body: dict[str, Any], folder: str | None) -> list[Any]:
    values: list[Any] = []
    content = {k: v for k, v in body.items() if k not in COLUMNS}
    for column in COLUMNS:
        if column == "folder":
            values.append(folder)
        elif column == "tags":
            values.append("|".join(body.get("tags", [])))
        elif column == "style":
            values.append(orjson.dumps(body["style"]).decode() if body.get("style") else None)
        elif column == "content":
            values.append(orjson.dumps(next(iter(content.values()))).decode() if content else None)
        elif isinstance(body.get(column), bool):
            values.append("true" if body[column] else "false")
        else:
            values.append(body.get(column))
    return values

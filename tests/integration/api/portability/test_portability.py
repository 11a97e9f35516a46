"""Leaving freely: export → nginx answers every short URL; export → import into a fresh
instance reproduces every code; CSV imports are dry runs first, then commits, idempotent."""

from __future__ import annotations

import asyncio
import io
import secrets
import shutil
import socket
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.api import api_settings

Client = TestClient[Any, Any]

pytestmark = pytest.mark.infra


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


async def _fill(api: Client, auth: dict[str, str], tag: str) -> list[dict[str, Any]]:
    """A workspace's worth of codes: redirect statuses, a folder, tags, rules, a style, a
    suspended code, a static Wi-Fi code and a hosted page."""
    folder = await (await api.post("/v1/folders", json={"name": "Flyers", "color": "#c62828"},
                                   headers=auth)).json()  # fmt: skip
    bodies: list[dict[str, Any]] = [
        {"targetUrl": "https://example.com/menu?lang=en&x=1", "slug": f"menu-{tag}",
         "tags": ["print", "menu"], "folderId": folder["id"], "style": {"foreground": "#1a237e"}},
        {"targetUrl": "https://example.com/moved", "slug": f"moved-{tag}", "redirectStatus": 301},
        {"targetUrl": "https://example.com/temp", "slug": f"temp-{tag}", "redirectStatus": 307,
         "name": "Temp = +1"},
        {"targetUrl": "https://example.com/capped", "slug": f"capped-{tag}", "maxScans": 100},
        {"targetUrl": "https://example.com/off", "slug": f"off-{tag}", "status": "suspended"},
        {"type": "wifi", "dynamic": False, "name": "Guest",
         "wifi": {"ssid": "Cafe", "password": "espresso", "encryption": "WPA"}},
    ]  # fmt: skip
    made = []
    for body in bodies:
        response = await api.post("/v1/codes", json=body, headers=auth)
        assert response.status == 201, await response.text()
        made.append(await response.json())
    rule = {"type": "device", "targetUrl": "https://example.com/app",
            "condition": {"deviceIn": ["mobile"]}}  # fmt: skip
    response = await api.post(f"/v1/codes/{made[0]['id']}/routing-rules", json=rule, headers=auth)
    assert response.status == 201, await response.text()
    return made


async def _export(api: Client, auth: dict[str, str]) -> zipfile.ZipFile:
    response = await api.get("/v1/export", headers=auth)
    assert response.status == 200
    assert response.content_type == "application/zip"
    return zipfile.ZipFile(io.BytesIO(await response.read()))


async def _ndjson(response: aiohttp.ClientResponse) -> list[dict[str, Any]]:
    assert response.status == 200, await response.text()
    return [orjson.loads(line) for line in (await response.read()).splitlines()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_nginx_with_the_exported_map_answers_every_short_url(
    api: Client, infra: Infrastructure, tmp_path: Path
) -> None:
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed: `make nginx` installs Debian's (root, apt-get)")
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    await _fill(api, auth, secrets.token_hex(3))
    archive = await _export(api, auth)
    codes = [orjson.loads(line) for line in archive.read("codes.jsonl").splitlines()]
    snippet = archive.read("redirects/nginx.conf").decode()
    port = _free_port()
    (tmp_path / "qrstack.conf").write_text(
        snippet.replace("listen 80;", f"listen 127.0.0.1:{port};")
    )
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / d).mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; master_process off; pid {tmp_path}/nginx.pid; "
        f"error_log {tmp_path}/error.log;\nevents {{}}\nhttp {{ access_log off; "
        + " ".join(f"{d}_temp_path {tmp_path}/{d};" for d in ("proxy", "fastcgi", "uwsgi", "scgi"))
        + f" client_body_temp_path {tmp_path}/body;\ninclude {tmp_path}/qrstack.conf;\n}}\n"
    )  # fmt: skip
    server = await asyncio.create_subprocess_exec(
        nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/"):
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            served = 0
            for line in codes:
                url, code = line["shortUrl"], line["code"]
                if url is None:
                    continue
                host, path = urlsplit(url).netloc, urlsplit(url).path
                async with session.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host},
                                       allow_redirects=False) as answer:  # fmt: skip
                    if code.get("status") == "suspended":
                        assert answer.status == 404
                        continue
                    assert answer.status == code.get("redirectStatus", 302), url
                    assert answer.headers["Location"] == code["targetUrl"]
                    served += 1
            assert served == 4
            async with session.get(f"http://127.0.0.1:{port}/nope", headers={"Host": host}) as a:
                assert a.status == 404
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)


def _comparable(archive: zipfile.ZipFile) -> dict[str, Any]:
    codes = []
    for line in archive.read("codes.jsonl").splitlines():
        code = orjson.loads(line)
        for volatile in ("id", "createdAt", "updatedAt"):
            code.pop(volatile)
        codes.append(code)
    csv_lines = [line.rsplit(",", 3)[0] for line in archive.read("codes.csv").decode().splitlines()]
    return {
        "codes": codes,
        "folders": archive.read("folders.jsonl"),
        "csv": csv_lines,
        "nginx": archive.read("redirects/nginx.conf"),
        "caddy": archive.read("redirects/Caddyfile"),
    }


@pytest.fixture
async def fresh_api(infra: Infrastructure) -> AsyncIterator[tuple[Client, str]]:
    """The API on a database of its own: a second qrstack the user moves to."""
    name = f"qrstack_move_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(infra.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(infra.database_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    client: Client = TestClient(TestServer(create_app(api_settings(infra, database_url=url))))
    await client.start_server()
    yield client, url
    await client.close()
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


async def test_export_then_import_into_a_fresh_instance_reproduces_every_code(
    api: Client, fresh_api: tuple[Client, str], infra: Infrastructure
) -> None:
    other, other_database = fresh_api
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    await _fill(api, auth, secrets.token_hex(3))
    first = await _export(api, auth)
    manifest = orjson.loads(first.read("manifest.json"))
    assert (manifest["codes"], manifest["folders"], manifest["rules"]) == (6, 1, 1)
    # The user leaves: their codes are purged here and imported into the other instance.
    for line in first.read("codes.jsonl").splitlines():
        code_id = orjson.loads(line)["id"]
        assert (await api.delete(f"/v1/codes/{code_id}?purge=true", headers=auth)).status == 204
    body = first.fp.getvalue()  # type: ignore[union-attr]

    moved = await new_workspace(other_database)
    moved_auth = {"Authorization": f"Bearer {moved.api_key}", "Content-Type": "application/zip"}
    dry = await _ndjson(await other.post("/v1/import", data=body, headers=moved_auth))
    assert dry[0] == {"dryRun": True, "source": "export", "total": 6}
    assert [r["status"] for r in dry[1:-1]] == ["would_create"] * 6
    listed = await other.get("/v1/codes", headers=moved_auth)
    assert (await listed.json())["data"] == []  # a dry run writes nothing

    done = await _ndjson(await other.post("/v1/import?dryRun=false", data=body, headers=moved_auth))
    assert [r["status"] for r in done[1:-1]] == ["created"] * 6
    assert done[-1]["summary"] == {"created": 6}
    again = await _ndjson(
        await other.post("/v1/import?dryRun=false", data=body, headers=moved_auth)
    )
    assert again[-1]["summary"] == {"unchanged": 6}

    second = await _export(other, moved_auth)
    assert _comparable(second) == _comparable(first)


async def test_csv_import_is_validated_per_row_then_committed_once(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}", "Content-Type": "text/csv"}
    template = await api.get("/v1/import/template.csv", headers=auth)
    assert template.status == 200
    header = (await template.text()).splitlines()[0]
    tag = secrets.token_hex(3)
    csv = "\r\n".join([
        header,
        f"url,Spring,https://example.com/spring,spring-{tag},,,print|spring,Posters,,,,,301,,,,,",
        "url,Broken,javascript:alert(1),,,,,,,,,,,,,,,",
        'wifi,Guest,,,,false,,,,,,,,,,,,'
        '"{""ssid"": ""Cafe"", ""password"": ""espresso"", ""encryption"": ""WPA""}"',
        "url,Bad cap,https://example.com/cap,,,,,,,,,lots,,,,,,",
    ])  # fmt: skip
    dry = await _ndjson(await api.post("/v1/import", data=csv, headers=auth))
    statuses = [r["status"] for r in dry[1:-1]]
    assert statuses == ["would_create", "invalid", "would_create", "invalid"]
    assert dry[2]["issues"][0]["path"] == ["targetUrl"]
    assert dry[4]["issues"][0]["path"] == ["maxScans"]
    assert dry[1]["folder"] == "'Posters' will be created"

    done = await _ndjson(await api.post("/v1/import?dryRun=false", data=csv, headers=auth))
    assert [r["status"] for r in done[1:-1]] == ["created", "invalid", "created", "invalid"]
    spring = await (await api.get(f"/v1/codes/{done[1]['id']}", headers=auth)).json()
    assert spring["redirectStatus"] == 301 and spring["tags"] == ["print", "spring"]
    assert spring["folderId"] is not None
    again = await _ndjson(await api.post("/v1/import?dryRun=false", data=csv, headers=auth))
    assert [r["status"] for r in again[1:-1]] == ["unchanged", "invalid", "unchanged", "invalid"]


async def test_ten_thousand_rows_stream_one_result_each(api: Client, infra: Infrastructure) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}", "Content-Type": "text/csv"}
    rows = [f"url,Row {i},https://example.com/r/{i}" for i in range(10_000)]
    csv = "\n".join(["type,name,targetUrl", *rows])
    response = await api.post("/v1/import", data=csv, headers=auth)
    assert response.status == 200
    first = orjson.loads(await response.content.readline())
    assert first == {"dryRun": True, "source": "csv", "total": 10_000}
    lines = [orjson.loads(line) async for line in response.content]
    assert [r["row"] for r in lines[:-1]] == list(range(1, 10_001))
    assert lines[-1]["summary"] == {"would_create": 10_000}


async def test_a_file_that_is_neither_csv_nor_an_export_is_refused(
    api: Client, infra: Infrastructure
) -> None:
    ws = await new_workspace(infra.database_url)
    auth = {"Authorization": f"Bearer {ws.api_key}"}
    response = await api.post("/v1/import", data="colour,size\nred,3\n", headers=auth)
    assert response.status == 400
    issues = (await response.json())["issues"]
    assert [i["path"] for i in issues] == [["csv", "colour"], ["csv", "size"]]

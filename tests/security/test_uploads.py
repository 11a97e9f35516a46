"""Uploads: a file is what its content is, not what it is declared to be; an image whose header
promises more pixels than accepted is refused before it is decoded; SVG (which can carry
script) is no carousel image; a file over the size limit is refused while it arrives; an
import archive that unpacks to far more than it weighs (a zip bomb) is refused before it is
unpacked. Each is a clear 4xx in the error envelope, and nothing of the workspace changes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from security.estate import upload
from security.snapshot import changed, snapshot
from unit.api.files.samples import image_bytes, pdf_bytes

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from support.accounts import new_workspace
from support.api import api_settings
from support.attacker import Workspace
from support.conformance import conforming
from support.ids import uuid_of

pytestmark = pytest.mark.infra

LIMIT = 256 << 10
HTML = b"<!doctype html><script>alert(document.domain)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
GIF_POLYGLOT = b"GIF89a/*\x00\x00*/=1;alert(document.domain)//"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says width × height; its data is a few bytes (a decompression bomb
    would fill them in when decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"\x00" * (width + 1) * 4)  # four rows of zeros
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bomb(unpacked: int) -> bytes:
    """An export archive (valid manifest) whose codes.jsonl unpacks to `unpacked` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("manifest.json", orjson.dumps({"format": "qrstack-export", "version": 1}))
        archive.writestr("folders.jsonl", b"")
        with archive.open("codes.jsonl", "w", force_zip64=True) as codes:
            zeros = b"0" * (1 << 20)
            for _ in range(unpacked >> 20):
                codes.write(zeros)
    return out.getvalue()


@pytest.fixture(scope="module")
async def small_limits(infra: Infrastructure) -> AsyncIterator[TestClient[Any, Any]]:
    settings = api_settings(infra, files_pdf_max_bytes=LIMIT, files_image_max_bytes=LIMIT)
    client: TestClient[Any, Any] = TestClient(TestServer(conforming(create_app(settings))))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
async def ws(small_limits: TestClient[Any, Any], infra: Infrastructure) -> Workspace:
    made = await new_workspace(infra.database_url)
    return Workspace(small_limits, f"ws_{made.workspace_id.hex}", made.api_key)


HOSTILE = [
    # (route kind, content, declared type, status, what the detail says)
    ("image", HTML, "image/png", 415, "its content is"),
    ("image", SVG, "image/svg+xml", 415, "carousel images are"),
    ("image", SVG, "image/png", 415, "its content is"),
    ("image", pdf_bytes(), "image/jpeg", 415, "its content is"),
    ("image", GIF_POLYGLOT, "image/gif", 400, "not a readable"),
    ("image", png_claiming(8_000, 8_000), "image/png", 400, "megapixels"),
    ("image", png_claiming(60_000, 60_000), "image/png", 400, "decompression bomb"),
    ("image", image_bytes("PNG") + b"\0" * LIMIT, "image/png", 413, ""),
    ("pdf", HTML, "application/pdf", 415, "does not start with %PDF-"),
    ("pdf", image_bytes("PNG"), "application/pdf", 415, "does not start with %PDF-"),
    ("pdf", SVG, "image/svg+xml", 415, "takes application/pdf"),
    ("pdf", pdf_bytes() + b"\0" * LIMIT, "application/pdf", 413, ""),
]


@pytest.mark.parametrize(
    ("kind", "content", "declared", "status", "says"),
    HOSTILE,
    ids=[f"{h[0]}-{h[2]}-{h[3]}-{n}" for n, h in enumerate(HOSTILE)],
)
async def test_a_hostile_file_is_refused_and_nothing_is_stored(
    ws: Workspace, infra: Infrastructure, kind: str, content: bytes, declared: str, status: int,
    says: str,
) -> None:  # fmt: skip
    body = {"type": "pdf", "pdf": {}} if kind == "pdf" else {"type": "image-carousel",
                                                             "imageCarousel": {}}  # fmt: skip
    code = await ws.ok("POST", "/v1/codes", body, 201)
    before = await snapshot(infra.database_url, uuid_of(ws.id))
    answer = await ws.call("POST", f"/v1/codes/{code['id']}/{kind}-file", None,
                           data=upload(content, declared, "hostile"))  # fmt: skip
    assert answer.status == status, answer.body
    assert set(answer.body) >= {"error", "detail"} and says in answer.body["detail"], answer.body
    assert changed(before, await snapshot(infra.database_url, uuid_of(ws.id))) == []
    files = await ws.ok("GET", f"/v1/codes/{code['id']}/files")
    assert files["files"] == []


async def test_a_zip_bomb_import_is_refused_before_it_is_unpacked(
    ws: Workspace, infra: Infrastructure
) -> None:
    bomb = zip_bomb(300 << 20)
    assert len(bomb) < 2 << 20  # 300 MiB in under 2 MiB
    before = await snapshot(infra.database_url, uuid_of(ws.id))
    answer = await ws.call(
        "POST", "/v1/import", None, data=bomb, headers={"Content-Type": "application/zip"}
    )
    assert answer.status == 400, answer.body
    assert answer.body["issues"][0]["path"] == ["codes.jsonl"], answer.body
    assert "unpacks to more than" in answer.body["detail"]
    assert changed(before, await snapshot(infra.database_url, uuid_of(ws.id))) == []

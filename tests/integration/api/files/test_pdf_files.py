"""A pdf code's document: uploaded, served to anyone, replaced, published to the redirect
service; everything else refused with the status that says why."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import aiohttp
import asyncpg
import pytest
from integration.api.files.conftest import (
    PDF_MAX_BYTES,
    PUBLIC_API_URL,
    Client,
    Workspace,
    make_workspace,
    upload_form,
)
from unit.api.files.samples import image_bytes, pdf_bytes

from qrstack_common.events import CODES_TOPIC, CodeSnapshot
from qrstack_launcher.stack import Infrastructure
from support.ids import kafka_key, uuid_of
from support.kafka import find_records

pytestmark = pytest.mark.infra


async def test_a_pdf_is_uploaded_streamed_and_replaced(
    ws: Workspace, api: Client, db: asyncpg.Pool
) -> None:
    code = await ws.code("pdf", description="Our menu", downloadOnly=True)
    first = pdf_bytes((10, 20, 30))
    status, body = await ws.call(
        "POST",
        f"/v1/codes/{code['id']}/pdf-file",
        data=upload_form(first, "application/pdf", "Speisekarte Ü.pdf"),
    )
    assert status == 200, body
    [file] = body["files"]
    assert file["url"] == f"{PUBLIC_API_URL}/v1/files/pdf/{code['id']}"
    assert file["sha256"] == hashlib.sha256(first).hexdigest() and file["size"] == len(first)
    page = body["code"]["pdf"]
    assert page == {
        "fileKey": file["fileKey"],
        "r2Key": file["fileKey"],
        "originalFilename": "Speisekarte Ü.pdf",
        "fileSize": len(first),
        "description": "Our menu",
        "downloadOnly": True,
    }
    assert file["fileKey"].startswith(f"pdf/{uuid_of(code['id'])}/")

    served = await api.get(f"/v1/files/pdf/{code['id']}")  # no credentials
    assert served.status == 200 and await served.read() == first
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == (
        "inline; filename=\"Speisekarte U.pdf\"; filename*=UTF-8''Speisekarte%20%C3%9C.pdf"
    )
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert served.headers["ETag"] == f'"{file["sha256"]}"'

    second = pdf_bytes((200, 100, 0))
    status, body = await ws.upload(code["id"], "pdf", second, "application/pdf")
    assert status == 200 and body["files"][0]["fileKey"] != file["fileKey"]
    assert await (await api.get(f"/v1/files/pdf/{code['id']}")).read() == second
    stored = await db.fetch("SELECT size FROM code_files WHERE code_id = $1", uuid_of(code["id"]))
    assert [r["size"] for r in stored] == [len(second)]  # the first document is gone

    listed = await ws.ok("GET", f"/v1/codes/{code['id']}/files")
    assert listed["files"] == body["files"]


async def test_a_large_pdf_is_sent_whole_in_chunks(ws: Workspace, api: Client) -> None:
    code = await ws.code("pdf")
    # More than two of the stream's 512 KiB chunks.
    content = pdf_bytes() + b"%" + bytes(range(256)) * ((PDF_MAX_BYTES - 4096) // 256)
    status, _ = await ws.upload(code["id"], "pdf", content, "application/pdf")
    assert status == 200
    served = await api.get(f"/v1/files/pdf/{code['id']}")
    assert await served.read() == content and served.headers["Content-Length"] == str(len(content))


async def test_the_redirect_service_gets_the_new_page(ws: Workspace, infra: Infrastructure) -> None:
    code = await ws.code("pdf", description="Brochure")
    _, body = await ws.upload(code["id"], "pdf", pdf_bytes(), "application/pdf")
    key = body["files"][0]["fileKey"]

    def carries_the_file(record: object) -> bool:
        if record.key != kafka_key(code["id"]):  # type: ignore[attr-defined]
            return False
        page = CodeSnapshot.model_validate_json(record.value).page  # type: ignore[attr-defined]
        return page is not None and page.get("fileKey") == key

    [record] = await find_records(infra.kafka_bootstrap, CODES_TOPIC, carries_the_file)
    snapshot = CodeSnapshot.model_validate_json(record.value)
    shown = {k: v for k, v in body["code"]["pdf"].items() if k != "r2Key"}
    assert snapshot.page == shown and snapshot.type == "pdf"


async def test_a_png_sent_as_a_pdf_is_415_and_stores_nothing(
    ws: Workspace, db: asyncpg.Pool
) -> None:
    code = await ws.code("pdf")
    status, body = await ws.upload(code["id"], "pdf", image_bytes("PNG"), "application/pdf")
    assert status == 415 and body["error"] == "unsupported_media_type"
    assert "PNG image" in body["detail"]
    status, body = await ws.upload(code["id"], "pdf", pdf_bytes(), "image/png")
    assert status == 415 and "application/pdf" in body["detail"]
    status, body = await ws.call(
        "POST", f"/v1/codes/{code['id']}/pdf-file", json={"file": "not multipart"}
    )
    assert status == 415 and "multipart/form-data" in body["detail"]
    count = await db.fetchval(
        "SELECT count(*) FROM code_files WHERE code_id = $1", uuid_of(code["id"])
    )
    assert count == 0


async def test_a_pdf_over_the_limit_is_413_while_it_arrives(ws: Workspace, api: Client) -> None:
    code = await ws.code("pdf")
    boundary = "qrstackboundary"

    async def body() -> AsyncIterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"'
            "\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        for _ in range(16):  # 4 × the limit, chunked: no Content-Length to refuse it by
            yield b"0" * (PDF_MAX_BYTES // 4)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await api.post(
        f"/v1/codes/{code['id']}/pdf-file",
        data=body(),
        headers={
            **ws.headers(),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status == 413
    error = await response.json()
    assert error["error"] == "file_too_large" and "1280 KiB" in error["detail"]
    # The stream stays refused: nothing was stored.
    assert (await api.get(f"/v1/files/pdf/{code['id']}")).status == 404

    declared = await api.post(
        f"/v1/codes/{code['id']}/pdf-file",
        data=b"x" * (PDF_MAX_BYTES * 2),
        headers={**ws.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert declared.status == 413


async def test_a_pdf_goes_only_to_a_pdf_code_of_the_callers_workspace(
    ws: Workspace, api: Client, db: asyncpg.Pool
) -> None:
    url_code = await ws.code("url")
    carousel = await ws.code("image-carousel")
    for target in (url_code, carousel):
        status, body = await ws.upload(target["id"], "pdf", pdf_bytes(), "application/pdf")
        assert status == 409 and body["error"] == "conflict"
        assert f"is a {target['type']} code" in body["detail"]

    code = await ws.code("pdf")
    other = await make_workspace(api, db)
    status, body = await other.upload(code["id"], "pdf", pdf_bytes(), "application/pdf")
    assert status == 404 and body["error"] == "not_found"
    assert (await other.call("GET", f"/v1/codes/{code['id']}/files"))[0] == 404
    status, _ = await ws.upload(str(uuid.uuid4()), "pdf", pdf_bytes(), "application/pdf")
    assert status == 404

    reader = await ws.key_with("codes:read")
    response = await api.post(
        f"/v1/codes/{code['id']}/pdf-file",
        data=upload_form(pdf_bytes(), "application/pdf"),
        headers=ws.headers(reader),
    )
    assert response.status == 403

    await ws.ok("DELETE", f"/v1/codes/{code['id']}", status=204)
    status, body = await ws.upload(code["id"], "pdf", pdf_bytes(), "application/pdf")
    assert status == 409 and "restore" in body["detail"]


async def test_a_form_without_its_file_or_with_strangers_is_400(ws: Workspace) -> None:
    code = await ws.code("pdf")
    path = f"/v1/codes/{code['id']}/pdf-file"
    form = upload_form(pdf_bytes(), "application/pdf", note="hello")
    status, body = await ws.call("POST", path, data=form)
    assert status == 400 and body["issues"][0]["path"] == ["note"]
    status, body = await ws.upload(code["id"], "pdf", b"", "application/pdf")
    assert status == 400 and body["issues"] == [
        {"path": ["file"], "message": "is empty", "code": "custom", "reason": "is empty"}
    ]
    no_file = aiohttp.FormData(default_to_multipart=True)
    no_file.add_field("index", "1")
    status, body = await ws.call("POST", path, data=no_file)
    assert status == 400 and body["issues"][0]["path"] == ["index"]  # pdf uploads take no index


async def test_editing_the_page_keeps_its_document(ws: Workspace, api: Client) -> None:
    """A PATCH or PUT of the pdf content changes the text, never the uploaded file."""
    code = await ws.code("pdf", description="v1")
    status, body = await ws.call(
        "POST",
        f"/v1/codes/{code['id']}/pdf-file",
        data=upload_form(pdf_bytes((5, 5, 5)), "application/pdf", "menu.pdf"),
    )
    assert status == 200, body
    file_key = body["files"][0]["fileKey"]

    status, body = await ws.call(
        "PATCH", f"/v1/codes/{code['id']}", json={"pdf": {"description": "v2"}}
    )
    assert status == 200, body
    assert body["pdf"]["description"] == "v2"
    assert body["pdf"]["fileKey"] == file_key
    assert body["pdf"]["originalFilename"] == "menu.pdf"
    assert (await api.get(f"/v1/files/pdf/{code['id']}")).status == 200

    status, body = await ws.call(
        "PATCH", f"/v1/codes/{code['id']}", json={"pdf": {"fileKey": "pdf/elsewhere.pdf"}}
    )
    assert status == 400
    assert body["issues"][0]["path"] == ["pdf", "fileKey"]

"""HTTP routes of files: uploads to pdf and image-carousel codes (`codes:write`), their listing
(`codes:read`), and the public streams `/v1/files/…` (no credentials; their own rate limit)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from uuid import UUID

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.actions import shown
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import get_code
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.files.inspection import PreparedFile, inspect_image, inspect_pdf
from qrstack_api.files.model import CodeFiles, ImageOrder, StreamQuery
from qrstack_api.files.serving import serve
from qrstack_api.files.store import (
    CAROUSEL,
    PDF_PAGE,
    PageType,
    StoredFile,
    delete_image,
    page_code,
    reorder_images,
    save_image,
    save_pdf,
    stored_files,
)
from qrstack_api.files.stream import find_image, find_pdf
from qrstack_api.files.upload import Upload, read_upload
from qrstack_api.openapi import operation
from qrstack_api.settings import ApiSettings
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.http import json_response, read_model
from qrstack_common.ids import PATH_PATTERN, public_id

_INDEX = "{index:[0-9]{1,3}}"

routes = web.RouteTableDef()


def _index(request: web.Request) -> int:
    return int(request.match_info["index"])


def stream_url(settings: ApiSettings, code_id: UUID, page: str, index: int) -> str:
    base = settings.public_api_url.rstrip("/")
    if page == PDF_PAGE:
        return f"{base}/v1/files/pdf/{public_id('code', code_id)}"
    return f"{base}/v1/files/image/{public_id('code', code_id)}/{index}"


def _file_view(settings: ApiSettings, row: Any, file: StoredFile) -> dict[str, Any]:
    return {
        "index": file.index,
        "fileKey": file.file_key,
        "url": stream_url(settings, row["id"], row["type"], file.index),
        "mediaType": file.media_type,
        "size": file.size,
        "sha256": file.sha256.hex(),
        "originalFilename": file.original_filename,
        "uploadedAt": file.uploaded_at,
    }


async def _files_response(request: web.Request, row: Any) -> web.Response:
    settings = request.app[SETTINGS]
    files = await stored_files(request.app[POOL], row)
    return json_response(
        {
            "files": [_file_view(settings, row, f) for f in files],
            "code": await shown(request.app, row),
        }
    )


async def _received(
    request: web.Request, page: PageType, max_bytes: int, text_fields: tuple[str, ...] = ()
) -> tuple[UUID, UUID, Upload]:
    """Check the code before reading the body (a refused upload is not received in full;
    the auth middleware has checked the caller's scope), then read it."""
    principal = principal_of(request)
    code_id = code_id_of(request)
    await page_code(request.app[POOL], principal.workspace_id, code_id, page)
    upload = await read_upload(request, max_bytes=max_bytes, text_fields=text_fields)
    return principal.workspace_id, code_id, upload


async def _inspected(
    inspect: Callable[[bytes, str, str | None], PreparedFile], upload: Upload
) -> PreparedFile:
    """The file as `inspect` accepts it, worked out off the event loop (hashing, decoding)."""
    return await asyncio.get_running_loop().run_in_executor(
        None, inspect, upload.content, upload.declared_type, upload.filename
    )


@routes.post(f"{CODE_PATH}/pdf-file")
@operation(
    summary="Upload the PDF of a pdf code (replaces the previous one)",
    tag="files",
    multipart={"file": "The PDF (application/pdf; default limit 100 MiB)."},
    responses={200: CodeFiles},
    errors=(400, 404, 409, 413, 415),
    scope="codes:write",
    description="The page's fileKey, originalFilename and fileSize are updated and the code "
    "republished; the document is served at GET /v1/files/pdf/{codeId}.",
)
async def upload_pdf(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    workspace_id, code_id, upload = await _received(request, PDF_PAGE, settings.files_pdf_max_bytes)
    prepared = await _inspected(inspect_pdf, upload)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await save_pdf(conn, workspace_id, code_id, prepared)
    return await _files_response(request, row)


def _slot(upload: Upload) -> int | None:
    raw = upload.fields.get("index")
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit():
        raise validation_failed([Issue(("index",), "must be a whole number from 0")])
    return int(raw)


@routes.post(f"{CODE_PATH}/image-file")
@operation(
    summary="Upload an image to an image-carousel code (at most 10)",
    tag="files",
    multipart={
        "file": "The image: image/jpeg, image/png, image/webp or image/gif, at most 5 MiB.",
        "index": "Optional slot: an existing index replaces that image, the next free "
        "index (the default) appends.",
    },
    responses={200: CodeFiles},
    errors=(400, 404, 409, 413, 415),
    scope="codes:write",
    description="Location and camera metadata (EXIF, XMP, IPTC) are removed without "
    "re-encoding; the EXIF orientation of a JPEG is kept.",
)
async def upload_image(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    workspace_id, code_id, upload = await _received(
        request, CAROUSEL, settings.files_image_max_bytes, ("index",)
    )
    slot = _slot(upload)
    prepared = await _inspected(inspect_image, upload)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await save_image(conn, workspace_id, code_id, prepared, slot)
    return await _files_response(request, row)


@routes.delete(f"{CODE_PATH}/image-file/{_INDEX}")
@operation(
    summary="Remove one carousel image; the images after it move up one index",
    tag="files",
    responses={200: CodeFiles},
    errors=(404, 409),
    scope="codes:write",
)
async def remove_image(request: web.Request) -> web.Response:
    principal = principal_of(request)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await delete_image(conn, principal.workspace_id, code_id_of(request), _index(request))
    return await _files_response(request, row)


@routes.post(f"{CODE_PATH}/image-file/reorder")
@operation(
    summary="Reorder the carousel: the current indexes in their new order",
    tag="files",
    body=ImageOrder,
    responses={200: CodeFiles},
    errors=(400, 404, 409),
    scope="codes:write",
)
async def reorder(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await read_model(request, ImageOrder)
    async with request.app[POOL].acquire() as conn, conn.transaction():
        row = await reorder_images(conn, principal.workspace_id, code_id_of(request), body.order)
    return await _files_response(request, row)


@routes.get(f"{CODE_PATH}/files")
@operation(
    summary="The files of a pdf or image-carousel code, in page order",
    tag="files",
    responses={200: CodeFiles},
    errors=(404,),
    scope="codes:read",
)
async def list_files(request: web.Request) -> web.Response:
    principal = principal_of(request)
    row = await get_code(request.app[POOL], principal.workspace_id, code_id_of(request))
    return await _files_response(request, row)


_STREAMS = (
    "Rate-limited per client address and workspace in page views (the workspace's "
    "filesRateLimit, default 30 per hour): an image costs 1/n of an n-image carousel, a PDF "
    "the share of it sent. A password-protected code's files need the gate's proof (`?gate=`, "
    "as its hosted page links them, or the qrgate cookie): without it, 404. "
)
_RANGES = (
    "Range (one byte range) → 206 with Content-Range, 416 past the end; If-Range with the ETag."
)


@routes.get(f"/v1/files/pdf/{{code_id:{PATH_PATTERN}}}")
@operation(
    summary="The PDF of an active pdf code (public, rate-limited per address)",
    tag="files",
    query=StreamQuery,
    responses={
        200: {"application/pdf": "PDF"},
        206: {"application/pdf": "Part of the PDF"},
        304: None,
    },
    errors=(404, 416, 429),
    auth="none",
    description=_STREAMS + "Content-Disposition inline; ETag (the SHA-256) with If-None-Match "
    "→ 304. " + _RANGES,
)
async def stream_pdf(request: web.Request) -> web.StreamResponse:
    return await serve(request, await find_pdf(request.app[POOL], code_id_of(request)))


_IMAGES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/gif": "GIF"}


@routes.get(f"/v1/files/image/{{code_id:{PATH_PATTERN}}}/{_INDEX}")
@operation(
    summary="Image `index` (from 0) of an active image-carousel code (public, rate-limited "
    "per address)",
    tag="files",
    query=StreamQuery,
    responses={200: _IMAGES, 206: _IMAGES, 304: None},
    errors=(404, 416, 429),
    auth="none",
    description=_STREAMS + "Cache-Control: public, max-age=3600 (private, no-cache for a "
    "protected code); ETag (the SHA-256) with If-None-Match → 304. " + _RANGES,
)
async def stream_image(request: web.Request) -> web.StreamResponse:
    pool = request.app[POOL]
    return await serve(request, await find_image(pool, code_id_of(request), _index(request)))

"""Serving a stored file to anyone: finding it, its headers, and sending it in chunks.

A file is served only while its code's page shows it: the code is of the right type, active
(not deleted or suspended, within activeFrom/expiresAt) and its payload names the file at
that place. Files are read from PostgreSQL in chunks of `CHUNK_BYTES`, so a large PDF never
sits whole in memory and no connection is held while a slow client downloads. A file's key
names immutable content; if the file is replaced while it is being sent, the next chunk is
missing and the connection is closed, so the client sees a truncated download, never a mix of
two files.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote
from uuid import UUID

import asyncpg
from aiohttp import web

from qrstack_api.files.formats import IMAGE_TYPES, PDF
from qrstack_api.files.ranges import UNSATISFIABLE, ByteRange
from qrstack_common.errors import ApiError

log = logging.getLogger(__name__)

CHUNK_BYTES = 512 << 10
IMAGE_CACHE = "public, max-age=3600"
# A replaced PDF keeps its URL: caches revalidate (a 304 costs nothing to send).
PDF_CACHE = "public, no-cache"
IMAGE_POLICY = "default-src 'none'"
# Chrome's built-in PDF viewer is a plugin inside a page of inline styles: under
# `default-src 'none'` it shows nothing (crbug.com/271452). Scripts, connections and
# everything else stay forbidden.
PDF_POLICY = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'"
_ACTIVE = (
    "c.status = 'active' AND (c.active_from IS NULL OR c.active_from <= now())"
    " AND (c.expires_at IS NULL OR c.expires_at > now())"
)
# Protected codes' files: only browsers of the scanner who passed the gate may keep them.
PROTECTED_CACHE = "private, no-cache"
_COLUMNS = (
    "f.file_key, f.media_type, f.size, f.sha256, f.original_filename, c.workspace_id,"
    " c.password_hash, w.files_rate_limit"
)
_FROM = (
    "FROM codes c JOIN workspaces w ON w.id = c.workspace_id JOIN code_files f ON f.code_id = c.id"
)


@dataclass(frozen=True)
class ServedFile:
    code_id: UUID
    file_key: str
    media_type: str
    size: int
    sha256: bytes
    original_filename: str | None
    workspace_id: UUID
    password_hash: str | None  # the code's gate, if it has one
    rate_limit: int | None  # the workspace's page views per window (None: the rule's)
    files_on_page: int

    @property
    def etag(self) -> str:
        return f'"{self.sha256.hex()}"'


def _served(
    code_id: UUID, row: asyncpg.Record | None, media_types: tuple[str, ...]
) -> ServedFile | None:
    if row is None or row["media_type"] not in media_types:
        return None
    return ServedFile(
        code_id, row["file_key"], row["media_type"], row["size"], row["sha256"],
        row["original_filename"], row["workspace_id"], row["password_hash"],
        row["files_rate_limit"], row["files_on_page"],
    )  # fmt: skip


async def find_pdf(pool: asyncpg.Pool, code_id: UUID) -> ServedFile | None:
    """The document of an active pdf code, or None."""
    row = await pool.fetchrow(
        f"SELECT {_COLUMNS}, 1 AS files_on_page {_FROM}"
        " AND f.file_key = c.payload->>'fileKey'"
        f" WHERE c.id = $1 AND c.type = 'pdf' AND {_ACTIVE}",
        code_id,
    )
    return _served(code_id, row, (PDF,))


async def find_image(pool: asyncpg.Pool, code_id: UUID, index: int) -> ServedFile | None:
    """Image `index` (from 0) of an active image-carousel code, or None."""
    if index < 0:  # jsonb counts negative indexes from the end
        return None
    row = await pool.fetchrow(
        f"SELECT {_COLUMNS}, jsonb_array_length(c.payload->'images') AS files_on_page"
        f" {_FROM} AND f.file_key = c.payload->'images'->($2::int)->>'fileKey'"
        f" WHERE c.id = $1 AND c.type = 'image-carousel' AND {_ACTIVE}",
        code_id,
        index,
    )
    return _served(code_id, row, IMAGE_TYPES)


def content_disposition(filename: str | None, fallback: str, disposition: str = "inline") -> str:
    """`inline` (or `attachment`) with the name as an ASCII `filename` and, when it is not
    plain ASCII, an RFC 6266 / RFC 8187 `filename*` in UTF-8. Quotes, backslashes and controls
    never reach the header."""
    name = filename or fallback
    ascii_name = (
        "".join(
            ch if ch.isascii() and (ch.isalnum() or ch in " ._-()+,") else "_"
            for ch in unicodedata.normalize("NFKD", name)
            if not unicodedata.combining(ch)
        ).strip()
        or fallback
    )
    value = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"
    return value


def file_headers(file: ServedFile) -> dict[str, str]:
    """Headers of a file's answer (200 and 304 alike)."""
    is_pdf = file.media_type == PDF
    headers = {
        "ETag": file.etag,
        "Cache-Control": PDF_CACHE if is_pdf else IMAGE_CACHE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": PDF_POLICY if is_pdf else IMAGE_POLICY,
        # Hosted pages on the short domains embed these: another origin, on purpose.
        "Cross-Origin-Resource-Policy": "cross-origin",
        # A protected file's URL carries the gate's proof: links in a PDF must not leak it.
        "Referrer-Policy": "no-referrer",
    }
    if file.password_hash is not None:
        headers["Cache-Control"] = PROTECTED_CACHE
        headers["Vary"] = "Cookie"
    if is_pdf:
        headers["Content-Disposition"] = content_disposition(file.original_filename, "document.pdf")
    return headers


async def _chunk(pool: asyncpg.Pool, file: ServedFile, offset: int, length: int) -> bytes | None:
    chunk: bytes | None = await pool.fetchval(
        "SELECT substring(content FROM $3 FOR $4) FROM code_files"
        " WHERE code_id = $1 AND file_key = $2",
        file.code_id, file.file_key, offset + 1, length,
    )  # fmt: skip
    return chunk or None


async def send_file(
    request: web.Request,
    pool: asyncpg.Pool,
    file: ServedFile,
    wanted: ByteRange | None = None,
    *,
    not_modified: bool = False,
) -> web.StreamResponse:
    """Answer with the file: 304 when `not_modified`, the headers alone for HEAD, 416 for an
    unsatisfiable range, 206 with the `wanted` range, else the content, in chunks."""
    headers = file_headers(file)
    if not_modified:
        return web.Response(status=304, headers=headers)
    if wanted is UNSATISFIABLE:
        raise ApiError(
            "range_not_satisfiable",
            f"The range starts past the end of the file ({file.size} bytes).",
            headers={"Content-Range": f"bytes */{file.size}", "Accept-Ranges": "bytes"},
        )
    start, end = (0, file.size) if wanted is None else (wanted.start, wanted.end + 1)
    response = web.StreamResponse(headers=headers)
    if wanted is not None:
        response.set_status(206)
        response.headers["Content-Range"] = wanted.content_range(file.size)
    response.content_type = file.media_type
    response.content_length = end - start
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    offset = start
    try:
        while offset < end:
            chunk = await _chunk(pool, file, offset, min(CHUNK_BYTES, end - offset))
            if chunk is None:
                log.warning("file %s vanished while being sent", file.file_key)
                response.force_close()
                return response
            await response.write(chunk)
            offset += len(chunk)
        await response.write_eof()
    except ConnectionResetError:  # the client went away: nothing left to answer
        response.force_close()
    return response

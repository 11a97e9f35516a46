"""Writing a code's files and the page fields that show them, in one transaction.

A pdf code's payload names its document (`fileKey`, `originalFilename`, `fileSize`); an
image-carousel code's payload lists its images in display order (`images[i]`: `fileKey`,
`contentType`, `size`, `alt`). The files themselves are rows of `code_files`, one per upload
under a fresh key. Every write here locks the code row (so concurrent uploads to one carousel
cannot both take the last slot), changes the rows and the payload together, removes the rows
the payload no longer names, and publishes the code's new snapshot (`publish_code`) so the
redirect service shows the new page.

An image's index is its place in the payload's list. Entries naming no stored file (a
payload edited by hand) are dropped by the next write, which keeps the list and the stored
files in step.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg

from qrstack_api.codes.snapshot import publish_code
from qrstack_api.codes.store import get_code, locked_code
from qrstack_api.db.pool import Connection
from qrstack_api.files.formats import EXTENSIONS, PDF
from qrstack_api.files.inspection import PreparedFile
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.payloads import validate_payload
from qrstack_common.payloads.media import MAX_IMAGES

PageType = Literal["pdf", "image-carousel"]
PDF_PAGE: PageType = "pdf"
CAROUSEL: PageType = "image-carousel"
_CONTENT_KEY = {PDF_PAGE: "pdf", CAROUSEL: "imageCarousel"}


@dataclass(frozen=True)
class StoredFile:
    """What the API says about a stored file (never its bytes)."""

    index: int
    file_key: str
    media_type: str
    size: int
    sha256: bytes
    original_filename: str | None
    uploaded_at: datetime


def file_key(code_id: UUID, media_type: str) -> str:
    """A fresh key: `pdf/{code}/{random}.pdf`, `images/{code}/{random}.jpg`."""
    folder = "pdf" if media_type == PDF else "images"
    return f"{folder}/{code_id}/{secrets.token_hex(8)}.{EXTENSIONS[media_type]}"


def check_page(row: Any, page_type: PageType) -> None:
    """409 `conflict` when the code is deleted or is not of `page_type`."""
    if row["type"] != page_type:
        what = "PDF uploads" if page_type == PDF_PAGE else "Carousel images"
        raise ApiError(
            "conflict", f"This code is a {row['type']} code; {what} go to {page_type} codes."
        )
    if row["status"] == "deleted":
        raise ApiError("conflict", "This code is deleted; restore it before changing its files.")


async def page_code(pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID, page: PageType) -> Any:
    """The code, checked without a lock (to refuse before an upload is read): 404 when it is
    not in this workspace, 409 as `check_page`."""
    row = await get_code(pool, workspace_id, code_id)
    check_page(row, page)
    return row


async def _locked_page(conn: Connection, workspace_id: UUID, code_id: UUID, page: PageType) -> Any:
    row = await locked_code(conn, workspace_id, code_id)
    check_page(row, page)
    return row


async def _insert_file(conn: Connection, code_id: UUID, upload: PreparedFile) -> str:
    key = file_key(code_id, upload.media_type)
    await conn.execute(
        "INSERT INTO code_files (code_id, file_key, media_type, size, sha256, original_filename,"
        " content) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        code_id, key, upload.media_type, upload.size, upload.sha256, upload.original_filename,
        upload.content,
    )  # fmt: skip
    return key


async def _save_page(conn: Connection, row: Any, payload: dict[str, Any], keys: list[str]) -> Any:
    """Store the page's new payload (validated as its type), remove the files it does not
    name, publish the code; the code's new row."""
    page: PageType = row["type"]
    stored = validate_payload(page, payload, at=(_CONTENT_KEY[page],)).as_json()
    await conn.execute(
        "DELETE FROM code_files WHERE code_id = $1 AND NOT (file_key = ANY($2::text[]))",
        row["id"],
        keys,
    )
    await conn.execute(
        "UPDATE codes SET payload = $2, updated_at = now() WHERE id = $1", row["id"], stored
    )
    if row["dynamic"]:
        return await publish_code(conn, row["id"])
    return await conn.fetchrow("SELECT * FROM codes WHERE id = $1", row["id"])


async def save_pdf(
    conn: Connection, workspace_id: UUID, code_id: UUID, upload: PreparedFile
) -> Any:
    """Make `upload` the pdf code's document (replacing the previous one); the code's new
    row. Call inside a transaction."""
    row = await _locked_page(conn, workspace_id, code_id, PDF_PAGE)
    key = await _insert_file(conn, code_id, upload)
    payload = {k: v for k, v in (row["payload"] or {}).items() if k != "r2Key"}
    payload.update(fileKey=key, fileSize=upload.size)
    payload.pop("originalFilename", None)
    if upload.original_filename is not None:
        payload["originalFilename"] = upload.original_filename
    return await _save_page(conn, row, payload, [key])


async def _live_images(conn: Connection, row: Any) -> list[dict[str, Any]]:
    """The payload's image entries that name a stored image, in display order."""
    stored = {
        r["file_key"]
        for r in await conn.fetch(
            "SELECT file_key FROM code_files WHERE code_id = $1 AND media_type <> $2",
            row["id"],
            PDF,
        )
    }
    images = (row["payload"] or {}).get("images") or []
    return [dict(image) for image in images if image.get("fileKey") in stored]


async def _save_images(conn: Connection, row: Any, images: list[dict[str, Any]]) -> Any:
    payload = dict(row["payload"] or {})
    payload["images"] = images
    return await _save_page(conn, row, payload, [image["fileKey"] for image in images])


async def save_image(
    conn: Connection,
    workspace_id: UUID,
    code_id: UUID,
    upload: PreparedFile,
    index: int | None,
) -> Any:
    """Put `upload` in the carousel: appended when `index` is None or the next free index,
    replacing the image at `index` otherwise. 409 when an image would be the eleventh, 400
    when `index` leaves a gap. Call inside a transaction."""
    row = await _locked_page(conn, workspace_id, code_id, CAROUSEL)
    images = await _live_images(conn, row)
    at = len(images) if index is None else index
    if at > len(images):
        raise validation_failed(
            [Issue(("index",), f"must be at most {len(images)}: the carousel holds "
                   f"{len(images)} image(s), and an index past the end would leave a gap")]
        )  # fmt: skip
    if at == len(images) and len(images) >= MAX_IMAGES:
        raise ApiError(
            "conflict",
            f"The carousel already holds {MAX_IMAGES} images, the most it can; delete one, "
            "or send an index to replace one.",
        )
    key = await _insert_file(conn, code_id, upload)
    entry = {"fileKey": key, "contentType": upload.media_type, "size": upload.size}
    if at == len(images):
        images.append(entry)
    else:
        images[at] = entry  # a new picture: the old one's alt text no longer describes it
    return await _save_images(conn, row, images)


async def delete_image(conn: Connection, workspace_id: UUID, code_id: UUID, index: int) -> Any:
    """Remove the image at `index`; the ones after it move up one. 404 when there is none."""
    row = await _locked_page(conn, workspace_id, code_id, CAROUSEL)
    images = await _live_images(conn, row)
    if index >= len(images):
        raise ApiError("not_found", f"No image at index {index}: the carousel holds {len(images)}.")
    del images[index]
    return await _save_images(conn, row, images)


async def reorder_images(
    conn: Connection, workspace_id: UUID, code_id: UUID, order: list[int]
) -> Any:
    """Show the images in `order` (current indexes, in their new order). 400 unless `order`
    holds every current index exactly once."""
    row = await _locked_page(conn, workspace_id, code_id, CAROUSEL)
    images = await _live_images(conn, row)
    if sorted(order) != list(range(len(images))):
        expected = f"0 to {len(images) - 1}" if images else "nothing (the carousel is empty)"
        raise validation_failed(
            [Issue(("order",), f"must list each current index exactly once: {expected} "
                   f"(the carousel holds {len(images)} image(s))")]
        )  # fmt: skip
    return await _save_images(conn, row, [images[i] for i in order])


async def stored_files(db: Connection | asyncpg.Pool, row: Any) -> list[StoredFile]:
    """The files the code's page shows, in display order."""
    payload = row["payload"] or {}
    if row["type"] == PDF_PAGE:
        keys = [payload["fileKey"]] if payload.get("fileKey") else []
    elif row["type"] == CAROUSEL:
        keys = [image.get("fileKey") for image in payload.get("images") or []]
    else:
        return []
    rows = await db.fetch(
        "SELECT file_key, media_type, size, sha256, original_filename, uploaded_at"
        " FROM code_files WHERE code_id = $1 AND file_key = ANY($2::text[])",
        row["id"],
        keys,
    )
    by_key = {r["file_key"]: r for r in rows}
    return [
        StoredFile(index, key, r["media_type"], r["size"], r["sha256"], r["original_filename"],
                   r["uploaded_at"])
        for index, key in enumerate(keys)
        if (r := by_key.get(key)) is not None
    ]  # fmt: skip

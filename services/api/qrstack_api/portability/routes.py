"""`GET /v1/export`, `POST /v1/import`, `GET /v1/import/template.csv`.

The import answers as NDJSON, written row by row as it goes: a header line with the total,
one line per row (`{"row": n, "status": …}`), and a summary line. A client reads progress
from the stream as it arrives; 10,000 rows are a single request.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from qrstack_api.accounts.principal import principal_of
from qrstack_api.context import HASHER, POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.portability.csvio import template
from qrstack_api.portability.export import write_export
from qrstack_api.portability.importer import Importer
from qrstack_api.portability.sources import read_source
from qrstack_common import codec
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.http import validate


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    dry_run: bool = Field(
        True, alias="dryRun", description="true (default): validate and report, store nothing."
    )


routes = web.RouteTableDef()
MAX_IMPORT_BYTES = 64 << 20
CHUNK = 1 << 16
_FLUSH_EVERY = 50


@routes.get("/v1/export")
@operation(
    summary="Export the workspace as a portable zip (codes, rules, folders, files, CSV, "
    "nginx and Caddy redirect maps)",
    tag="portability",
    responses={200: {"application/zip": "The archive (see docs/portability.md)"}},
    scope="codes:read",
)
async def export(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    archive = await write_export(request.app[POOL], request.app[SETTINGS], principal.workspace_id)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="qrstack-export-{stamp}.zip"',
        }
    )
    await response.prepare(request)
    with archive:
        while chunk := archive.read(CHUNK):
            await response.write(chunk)
    await response.write_eof()
    return response


async def _read_upload(request: web.Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > MAX_IMPORT_BYTES:
            raise ApiError("file_too_large", f"An import is at most {MAX_IMPORT_BYTES >> 20} MiB.")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise validation_failed([Issue((), "send a CSV or a qrstack export zip as the body")])
    return body


@routes.post("/v1/import")
@operation(
    summary="Import codes from a CSV or a qrstack export: a dry run unless ?dryRun=false",
    tag="portability",
    responses={200: {"application/x-ndjson": "A header, one result per row, a summary"}},
    query=ImportQuery,
    errors=(400, 413),
    scope="codes:write",
    description="Body: `text/csv` (columns in docs/portability.md; template at "
    "/v1/import/template.csv) or `application/zip` (our export). Every row is validated as "
    "`POST /v1/codes` validates it. Re-running an import creates nothing twice.",
)
async def import_(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    query = validate(ImportQuery, dict(request.query))
    source = read_source(await _read_upload(request))
    importer = Importer(request.app[POOL], principal, request.app[HASHER], dry_run=query.dry_run)
    response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    await response.prepare(request)
    pending: list[bytes] = []
    async for line in importer.run(source):
        pending.append(codec.dumps(line) + b"\n")
        if len(pending) >= _FLUSH_EVERY or "row" not in line:
            await response.write(b"".join(pending))
            pending.clear()
    await response.write(b"".join(pending))
    await response.write_eof()
    return response


@routes.get("/v1/import/template.csv")
@operation(
    summary="The import CSV template: every column and two example rows",
    tag="portability",
    responses={200: {"text/csv": "CSV"}},
    auth="required",
)
async def import_template(request: web.Request) -> web.Response:
    return web.Response(
        text=template(),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="qrstack-import.csv"'},
    )

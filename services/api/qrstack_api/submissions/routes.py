"""HTTP routes of form submissions: the answers posted to a code's hosted form page, newest
first, as JSON pages or one CSV download, and deleting one. Another workspace's code is 404."""

from __future__ import annotations

from aiohttp import web

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.paths import CODE_PATH, code_id_of
from qrstack_api.codes.store import get_code
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.files.stream import content_disposition
from qrstack_api.ids import path_id
from qrstack_api.openapi import operation
from qrstack_api.submissions.export import SubmissionCsv, form_fields
from qrstack_api.submissions.model import SubmissionList, SubmissionListQuery, submission_json
from qrstack_api.submissions.store import (
    all_submissions,
    answered_fields,
    delete_submission,
    list_submissions,
)
from qrstack_common.errors import ApiError
from qrstack_common.http import json_response, validate
from qrstack_common.ids import PATH_PATTERN, public_id

routes = web.RouteTableDef()

_RETENTION = (
    "Answers older than FORM_SUBMISSIONS_RETENTION_DAYS (default 365) are not shown and are "
    "deleted within the hour."
)


@routes.get(f"{CODE_PATH}/submissions")
@operation(
    summary="The answers posted to a form code's page, newest first (cursor-paged)",
    tag="forms",
    description=f"`limit` (default 50, at most 200) and `cursor`. {_RETENTION}",
    query=SubmissionListQuery,
    responses={200: SubmissionList},
    errors=(400, 404),
    scope="codes:read",
)
async def list_(request: web.Request) -> web.Response:
    principal = principal_of(request)
    query = validate(SubmissionListQuery, {k: v for k, v in request.query.items() if v != ""})
    row = await get_code(request.app[POOL], principal.workspace_id, code_id_of(request))
    retention = request.app[SETTINGS].form_submissions_retention_days
    rows, cursor = await list_submissions(
        request.app[POOL], row["id"], retention, query.limit, query.cursor
    )
    return json_response({"data": [submission_json(r) for r in rows], "nextCursor": cursor})


@routes.get(f"{CODE_PATH}/submissions.csv")
@operation(
    summary="Every kept answer of a form code as one CSV download (spreadsheet-safe)",
    tag="forms",
    description="RFC 4180, UTF-8 with a byte-order mark, newest first, streamed. Columns: "
    "submittedAt, id, one per field of the form (headed by its label), then answers to fields "
    "the form no longer has (headed by their id). Cells a spreadsheet would run as a formula "
    f"start with '. {_RETENTION}",
    responses={200: {"text/csv": "CSV"}},
    headers={200: ("Content-Disposition",)},
    errors=(404,),
    scope="codes:read",
)
async def export_csv(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    pool = request.app[POOL]
    row = await get_code(pool, principal.workspace_id, code_id_of(request))
    retention = request.app[SETTINGS].form_submissions_retention_days
    fields = form_fields(row["payload"] if row["type"] == "form" else {})
    writer = SubmissionCsv(fields, await answered_fields(pool, row["id"], retention))
    name = f"submissions-{public_id('code', row['id'])}.csv"
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": content_disposition(name, name, "attachment"),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    await response.write(writer.header().encode())
    async for batch in all_submissions(pool, row["id"], retention):
        await response.write(writer.rows(batch).encode())
    await response.write_eof()
    return response


@routes.delete(f"{CODE_PATH}/submissions/{{submission_id:{PATH_PATTERN}}}")
@operation(
    summary="Delete one submission of a form code",
    tag="forms",
    responses={204: None},
    errors=(404,),
    scope="codes:write",
)
async def delete(request: web.Request) -> web.Response:
    principal = principal_of(request)
    pool = request.app[POOL]
    row = await get_code(pool, principal.workspace_id, code_id_of(request))
    submission_id = path_id(request, "submission_id", "submission", "Submission not found.")
    if not await delete_submission(pool, row["id"], submission_id):
        raise ApiError("not_found", "Submission not found.")
    return web.Response(status=204)

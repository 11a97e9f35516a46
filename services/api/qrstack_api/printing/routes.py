"""`POST /v1/labels`: a PDF label sheet of saved codes, drawn by the renderer.

The codes are a folder's, a tag's or a list of ids (another workspace's id is a 404). Each
label encodes what the code's image encodes, in its stored style, with its short URL (or
name) as the caption; the renderer lays them out (`POST {renderer}/v1/labels`).
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from qrstack_api.accounts.principal import principal_of
from qrstack_api.codes.model import CodeListQuery
from qrstack_api.codes.store import get_code, list_codes
from qrstack_api.codes.view import image_data, short_url
from qrstack_api.context import POOL, SETTINGS
from qrstack_api.openapi import operation
from qrstack_api.upstream import UPSTREAM, relay_response
from qrstack_common.errors import Issue, validation_failed
from qrstack_common.http import read_model
from qrstack_common.ids import CodeId, FolderId, public_id
from qrstack_common.payloads import find_type

routes = web.RouteTableDef()
MAX_LABELS = 2000


class LabelSheetBody(BaseModel):
    """Which codes (one of `folderId`, `tag`, `codeIds`) and how to lay them out."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    folder_id: FolderId | None = Field(None, alias="folderId")
    tag: str | None = Field(None, min_length=1, max_length=48)
    code_ids: list[CodeId] | None = Field(
        None, alias="codeIds", min_length=1, max_length=MAX_LABELS
    )
    caption: Literal["shortUrl", "name", "none"] = "shortUrl"
    paper: Literal["A4", "Letter"] = "A4"
    rows: int = Field(8, ge=1, le=40)
    columns: int = Field(5, ge=1, le=20)
    margin_mm: float = Field(10.0, alias="marginMm", ge=0, le=50)
    gap_mm: float = Field(3.0, alias="gapMm", ge=0, le=30)
    caption_mm: float = Field(4.0, alias="captionMm", ge=0, le=20)
    colour: Literal["rgb", "cmyk", "k"] = "rgb"

    @model_validator(mode="after")
    def _one_selection(self) -> LabelSheetBody:
        chosen = [n for n, v in (("folderId", self.folder_id), ("tag", self.tag),
                                 ("codeIds", self.code_ids)) if v is not None]  # fmt: skip
        if len(chosen) != 1:
            raise ValueError("send exactly one of folderId, tag and codeIds")
        return self


async def _codes(request: web.Request, body: LabelSheetBody) -> list[Any]:
    pool = request.app[POOL]
    ws = principal_of(request).workspace_id
    if body.code_ids is not None:
        return [await get_code(pool, ws, code_id) for code_id in body.code_ids]
    rows: list[Any] = []
    cursor = None
    while True:
        query = CodeListQuery.model_validate(
            {"limit": 100, "cursor": cursor, "tag": body.tag,
             "folderId": public_id("folder", body.folder_id) if body.folder_id else None}
        )  # fmt: skip
        page, cursor = await list_codes(pool, ws, query)
        rows.extend(page)
        if cursor is None or len(rows) > MAX_LABELS:
            return sorted(rows, key=lambda r: (r["created_at"], r["id"]))


def _caption(settings: Any, row: Any, kind: str) -> str | None:
    if kind == "none":
        return None
    name: str | None = row["name"]
    url = short_url(settings, row)
    if kind == "name" or url is None:
        return name
    return url.split("://", 1)[-1]


@routes.post("/v1/labels")
@operation(
    summary="A PDF label sheet of a folder's, a tag's or listed codes, captioned",
    tag="images",
    body=LabelSheetBody,
    responses={200: {"application/pdf": "The label sheet"}},
    errors=(400, 404),
    scope="codes:read",
)
async def labels(request: web.Request) -> web.Response:
    body = await read_model(request, LabelSheetBody)
    settings = request.app[SETTINGS]
    rows = await _codes(request, body)
    if not rows:
        raise validation_failed([Issue(("codes",), "no codes match; nothing to print")])
    if len(rows) > MAX_LABELS:
        raise validation_failed([Issue(("codes",), f"at most {MAX_LABELS} labels per sheet")])
    items = []
    for row in rows:
        label: dict[str, Any] = {"data": image_data(settings, row)}
        if caption := _caption(settings, row, body.caption):
            label["caption"] = caption
        if row["style"]:
            label["style"] = row["style"]
        found = find_type(row["type"])
        if found is not None and found.error_correction:
            label["errorCorrection"] = found.error_correction
        items.append(label)
    sheet = body.model_dump(by_alias=True, exclude={"folder_id", "tag", "code_ids", "caption"})
    return await relay_response(
        request.app[UPSTREAM],
        "POST",
        f"{settings.renderer_url}/v1/labels",
        service="renderer",
        json={**sheet, "labels": items},
    )

"""An image carousel: images added, replaced by index, deleted with re-indexing, reordered,
capped at ten; each index streams the image the page shows there."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import asyncpg
import pytest
from integration.api.files.conftest import PUBLIC_API_URL, Client, Workspace
from PIL import Image
from unit.api.files.samples import image_bytes, located_photo, pdf_bytes, pixels

from support.ids import uuid_of

pytestmark = pytest.mark.infra

RED, GREEN, BLUE, GREY = (250, 10, 10), (10, 250, 10), (10, 10, 250), (120, 120, 120)


async def _add(ws: Workspace, code_id: str, content: bytes, media_type: str, **fields: str) -> Any:
    status, body = await ws.upload(code_id, "image", content, media_type, **fields)
    assert status == 200, body
    return body


async def _served(api: Client, code_id: str, index: int) -> bytes:
    response = await api.get(f"/v1/files/image/{code_id}/{index}")
    assert response.status == 200, await response.text()
    return await response.read()


async def test_images_are_added_replaced_deleted_and_reordered(
    ws: Workspace, api: Client, db: asyncpg.Pool
) -> None:
    code = await ws.code("image-carousel", title="Rooms")
    red, green, blue = (image_bytes(f, colour=c) for f, c in
                        (("PNG", RED), ("GIF", GREEN), ("WEBP", BLUE)))  # fmt: skip
    await _add(ws, code["id"], red, "image/png")
    await _add(ws, code["id"], green, "image/gif")
    body = await _add(ws, code["id"], blue, "image/webp")
    assert [f["index"] for f in body["files"]] == [0, 1, 2]
    assert body["files"][2]["url"] == f"{PUBLIC_API_URL}/v1/files/image/{code['id']}/2"
    images = body["code"]["imageCarousel"]["images"]
    assert [i["contentType"] for i in images] == ["image/png", "image/gif", "image/webp"]
    assert body["code"]["imageCarousel"]["title"] == "Rooms"
    assert [await _served(api, code["id"], i) for i in range(3)] == [red, green, blue]

    grey = image_bytes("JPEG", colour=GREY)
    body = await _add(ws, code["id"], grey, "image/jpeg", index="1")  # replaces green
    assert [f["mediaType"] for f in body["files"]] == ["image/png", "image/jpeg", "image/webp"]
    assert pixels(await _served(api, code["id"], 1)) == pixels(grey)

    body = await ws.ok("DELETE", f"/v1/codes/{code['id']}/image-file/0")
    assert [f["index"] for f in body["files"]] == [0, 1]
    assert await _served(api, code["id"], 1) == blue  # moved up from 2
    assert (await api.get(f"/v1/files/image/{code['id']}/2")).status == 404

    body = await ws.ok("POST", f"/v1/codes/{code['id']}/image-file/reorder", json={"order": [1, 0]})
    assert [f["mediaType"] for f in body["files"]] == ["image/webp", "image/jpeg"]
    assert await _served(api, code["id"], 0) == blue

    count = await db.fetchval(
        "SELECT count(*) FROM code_files WHERE code_id = $1", uuid_of(code["id"])
    )
    assert count == 2  # the deleted and the replaced images are gone


async def test_a_served_photo_carries_no_location(ws: Workspace, api: Client) -> None:
    code = await ws.code("image-carousel")
    photo = located_photo("JPEG", orientation=6)
    await _add(ws, code["id"], photo, "image/jpeg")
    served = await _served(api, code["id"], 0)
    with Image.open(io.BytesIO(served)) as image:
        assert dict(image.getexif()) == {0x0112: 6}
    assert b"PhoneMaker" not in served and pixels(served) == pixels(photo)


async def test_the_eleventh_image_is_409_and_a_gap_is_400(ws: Workspace) -> None:
    code = await ws.code("image-carousel")
    small = image_bytes("PNG")
    for _ in range(10):
        await _add(ws, code["id"], small, "image/png")
    status, body = await ws.upload(code["id"], "image", small, "image/png")
    assert status == 409 and "10 images" in body["detail"]
    status, _ = await ws.upload(code["id"], "image", small, "image/png", index="10")
    assert status == 409
    body = await _add(ws, code["id"], image_bytes("GIF"), "image/gif", index="9")  # replacing
    assert len(body["files"]) == 10 and body["files"][9]["mediaType"] == "image/gif"

    other = await ws.code("image-carousel")
    status, body = await ws.upload(other["id"], "image", small, "image/png", index="2")
    assert status == 400 and body["issues"][0]["path"] == ["index"]
    status, body = await ws.upload(other["id"], "image", small, "image/png", index="-1")
    assert status == 400 and body["issues"][0]["path"] == ["index"]


@pytest.mark.parametrize(
    "order",
    [[0, 0], [0], [0, 1, 2], [1, "0"], [0, 1.0]],
    ids=["twice", "short", "long", "str", "float"],
)
async def test_a_reorder_that_is_not_a_permutation_is_400(ws: Workspace, order: list[Any]) -> None:
    code = await ws.code("image-carousel")
    for colour in (RED, GREEN):
        await _add(ws, code["id"], image_bytes("PNG", colour=colour), "image/png")
    status, body = await ws.call(
        "POST", f"/v1/codes/{code['id']}/image-file/reorder", json={"order": order}
    )
    assert status == 400 and body["issues"][0]["path"][0] == "order", body


async def test_images_of_the_wrong_kind_or_place_are_refused(ws: Workspace, api: Client) -> None:
    code = await ws.code("image-carousel")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    for content, media_type in ((svg, "image/svg+xml"), (image_bytes("JPEG"), "image/png"),
                                (pdf_bytes(), "image/png")):  # fmt: skip
        status, body = await ws.upload(code["id"], "image", content, media_type)
        assert status == 415 and body["error"] == "unsupported_media_type", body
    status, body = await ws.upload(code["id"], "image", image_bytes("PNG")[:60], "image/png")
    assert status == 400 and body["issues"][0]["path"] == ["file"]
    too_big = image_bytes("PNG") + b"\0" * (5 << 20)
    status, body = await ws.upload(code["id"], "image", too_big, "image/png")
    assert status == 413 and body["error"] == "file_too_large" and "5 MiB" in body["detail"]

    pdf_code = await ws.code("pdf")
    status, body = await ws.upload(pdf_code["id"], "image", image_bytes("PNG"), "image/png")
    assert status == 409 and "image-carousel" in body["detail"]
    assert (await ws.call("DELETE", f"/v1/codes/{code['id']}/image-file/0"))[0] == 404
    assert (await ws.call("DELETE", f"/v1/codes/{pdf_code['id']}/image-file/0"))[0] == 409


async def test_concurrent_uploads_never_overfill_the_carousel(ws: Workspace) -> None:
    code = await ws.code("image-carousel")
    for _ in range(8):
        await _add(ws, code["id"], image_bytes("PNG"), "image/png")
    colours = (RED, GREEN, BLUE)
    results = await asyncio.gather(
        *(
            ws.upload(code["id"], "image", image_bytes("PNG", colour=c), "image/png")
            for c in colours
        )
    )
    assert sorted(status for status, _ in results) == [200, 200, 409]
    listed = await ws.ok("GET", f"/v1/codes/{code['id']}/files")
    assert [f["index"] for f in listed["files"]] == list(range(10))

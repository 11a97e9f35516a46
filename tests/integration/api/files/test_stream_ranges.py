"""`Range` on the public streams (RFC 9110 §14): one byte range answered 206 with exactly
those bytes and `Content-Range`; an unsatisfiable one 416 with `Content-Range: bytes */N`;
`If-Range` keeps the range only while the ETag still names the file; several ranges, other
units and malformed headers get the whole file, 200, as docs/files.md says."""

from __future__ import annotations

import pytest
from integration.api.files.conftest import Client, Workspace
from unit.api.files.samples import image_bytes, pdf_bytes

pytestmark = pytest.mark.infra

PDF = pdf_bytes()
SIZE = len(PDF)


async def _pdf_path(ws: Workspace) -> str:
    code = await ws.code("pdf")
    status, _ = await ws.upload(code["id"], "pdf", PDF, "application/pdf")
    assert status == 200
    return f"/v1/files/pdf/{code['id']}"


async def _part(api: Client, path: str, spec: str, **headers: str) -> tuple[int, str, bytes]:
    """(status, Content-Range or "", body) of a GET with `Range: spec`."""
    response = await api.get(path, headers={"Range": spec, **headers})
    return response.status, response.headers.get("Content-Range", ""), await response.read()


async def test_one_range_is_206_with_exactly_those_bytes_others_the_whole_file(
    ws: Workspace, api: Client
) -> None:
    assert SIZE > 400
    path = await _pdf_path(ws)
    whole = await api.get(path)
    assert whole.headers["Accept-Ranges"] == "bytes" and await whole.read() == PDF

    first = await api.get(path, headers={"Range": "bytes=0-99"})
    assert first.status == 206
    assert first.headers["Content-Range"] == f"bytes 0-99/{SIZE}"
    assert first.headers["Content-Length"] == "100"
    assert first.headers["Content-Type"] == "application/pdf"
    assert first.headers["ETag"] == whole.headers["ETag"]
    assert await first.read() == PDF[:100]

    assert await _part(api, path, "bytes=-50") == (
        206,
        f"bytes {SIZE - 50}-{SIZE - 1}/{SIZE}",
        PDF[-50:],
    )  # the last 50 bytes
    assert await _part(api, path, "bytes=300-") == (
        206,
        f"bytes 300-{SIZE - 1}/{SIZE}",
        PDF[300:],
    )  # from 300 to the end
    assert await _part(api, path, f"bytes={SIZE - 10}-{SIZE + 5000}") == (
        206,
        f"bytes {SIZE - 10}-{SIZE - 1}/{SIZE}",
        PDF[-10:],
    )  # an end past the file is cut to its last byte
    assert await _part(api, path, f"bytes=-{SIZE * 3}") == (
        206,
        f"bytes 0-{SIZE - 1}/{SIZE}",
        PDF,
    )  # a suffix longer than the file is all of it
    assert await _part(api, path, "bytes=7-7") == (206, f"bytes 7-7/{SIZE}", PDF[7:8])

    # The pieces a viewer asks for put the document back together.
    pieces = [await _part(api, path, f"bytes={at}-{at + 255}") for at in range(0, SIZE, 256)]
    assert {status for status, _, _ in pieces} == {206}
    assert b"".join(body for _, _, body in pieces) == PDF

    # Several ranges, another unit, a malformed header: the whole file (a server may ignore
    # Range; PDF viewers ask for one range at a time).
    for spec in (
        "bytes=0-9,20-29",
        "bytes=0-9, -5",
        "items=0-9",
        "bytes=9-3",
        "bytes=x-",
        "bytes=-",
    ):
        assert await _part(api, path, spec) == (200, "", PDF), spec


async def test_an_unsatisfiable_range_is_416_naming_the_size(ws: Workspace, api: Client) -> None:
    path = await _pdf_path(ws)
    for spec in (f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"):
        response = await api.get(path, headers={"Range": spec})
        assert response.status == 416, spec
        assert response.headers["Content-Range"] == f"bytes */{SIZE}"
        body = await response.json()
        assert body["error"] == "range_not_satisfiable" and str(SIZE) in body["detail"]


async def test_if_range_keeps_the_range_only_for_the_current_etag(
    ws: Workspace, api: Client
) -> None:
    path = await _pdf_path(ws)
    etag = (await api.head(path)).headers["ETag"]
    assert await _part(api, path, "bytes=0-9", **{"If-Range": etag}) == (
        206,
        f"bytes 0-9/{SIZE}",
        PDF[:10],
    )
    for stale in ('"0000"', "Wed, 21 Oct 2015 07:28:00 GMT", f"W/{etag}"):
        status, content_range, body = await _part(api, path, "bytes=0-9", **{"If-Range": stale})
        assert (status, content_range, body) == (200, "", PDF), stale

    # A replaced document has a new ETag: a viewer resuming with the old one gets the new file.
    replacement = pdf_bytes((250, 250, 10))
    code_id = path.rsplit("/", 1)[1]
    status, _ = await ws.upload(code_id, "pdf", replacement, "application/pdf")
    assert status == 200
    assert await _part(api, path, "bytes=0-9", **{"If-Range": etag}) == (200, "", replacement)
    # If-None-Match comes first: a cached copy that is still current is 304, range or not.
    current = (await api.head(path)).headers["ETag"]
    not_modified = await api.get(path, headers={"Range": "bytes=0-9", "If-None-Match": current})
    assert not_modified.status == 304


async def test_carousel_images_answer_ranges_too(ws: Workspace, api: Client) -> None:
    code = await ws.code("image-carousel")
    image = image_bytes("PNG")
    status, _ = await ws.upload(code["id"], "image", image, "image/png")
    assert status == 200
    path = f"/v1/files/image/{code['id']}/0"
    assert await _part(api, path, "bytes=0-7") == (
        206,
        f"bytes 0-7/{len(image)}",
        b"\x89PNG\r\n\x1a\n",
    )
    assert (await api.get(path, headers={"Range": f"bytes={len(image)}-"})).status == 416

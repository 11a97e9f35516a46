"""A password-protected code's files are served only with the proof of its gate: unlocked
through the real redirect service, the hosted page links its files with `?gate=`, and those
links stream; without a proof, with a forged, expired or altered one, or with another code's,
the streams answer 404 as for a code that does not exist. Unprotected codes are unchanged."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from integration.api.files.conftest import GATE_SECRET, PUBLIC_API_URL, Client, Workspace
from integration.redirect.conftest import held, start_redirect
from unit.api.files.samples import image_bytes, pdf_bytes

from qrstack_api.db.migrate import apply_migrations
from qrstack_common.gate_cookie import GateCookies, gate_key
from qrstack_launcher.stack import Infrastructure
from support.ids import uuid_of
from support.waiting import eventually

pytestmark = pytest.mark.infra

PASSWORD = "open sesame"
PDF = pdf_bytes()  # one document for every code (pdf_bytes embeds the time it was made)
_FILE_LINK = re.compile(r'(?:src|href)="' + re.escape(PUBLIC_API_URL) + r'(/v1/files/[^"]+)"')


@pytest.fixture(scope="module")
async def redirect(infra: Infrastructure) -> AsyncIterator[Client]:
    """The redirect service, linking files under the API's public URL, with the API's gate key."""
    await apply_migrations(infra.database_url)
    client = await start_redirect(infra, gate_secret=GATE_SECRET, public_api_url=PUBLIC_API_URL)
    yield client
    await client.close()


async def _protected(
    ws: Workspace, type_name: str, password: str | None = PASSWORD
) -> tuple[str, str]:
    """(slug, id) of a new pdf or image-carousel code with its file(s) uploaded."""
    slug = f"files-{uuid.uuid4().hex[:10]}"
    key = "pdf" if type_name == "pdf" else "imageCarousel"
    body: dict[str, Any] = {"type": type_name, "slug": slug, key: {}}
    if password is not None:
        body["password"] = password
    code = await ws.ok("POST", "/v1/codes", status=201, json=body)
    if type_name == "pdf":
        status, _ = await ws.upload(code["id"], "pdf", PDF, "application/pdf")
        assert status == 200
    else:
        for colour in ((250, 10, 10), (10, 250, 10)):
            status, _ = await ws.upload(
                code["id"], "image", image_bytes("PNG", colour=colour), "image/png"
            )
            assert status == 200
    return slug, str(code["id"])


def _linked(code_id: str) -> str:
    """A code id as the hosted pages write it in their links (the UUID, which /v1 accepts)."""
    return str(uuid_of(code_id))


async def _held(redirect: Client, *slugs: str) -> bool:
    return all(held(redirect, slug) for slug in slugs)


def _links(page: str) -> list[str]:
    """The paths of the API file streams a hosted page links, in order, without repeats."""
    return list(dict.fromkeys(_FILE_LINK.findall(page)))


async def _page_links(redirect: Client, slug: str, expected: int, **kwargs: Any) -> list[str]:
    """The file links of `slug`'s page once the redirect shows its uploaded files."""
    found: list[str] = []

    async def shown() -> bool:
        nonlocal found
        if not held(redirect, slug):
            return False
        response = await redirect.get(f"/{slug}", allow_redirects=False, **kwargs)
        found = _links(await response.text())
        return len(found) == expected

    await eventually(shown, timeout=30)
    return found


async def _unlock(redirect: Client, slug: str) -> tuple[str, list[str]]:
    """(the gate's proof, the file links of the page answered) after the right password."""
    response = await redirect.post(f"/{slug}", data={"password": PASSWORD}, allow_redirects=False)
    assert response.status == 200, await response.text()
    return response.cookies["qrgate"].value, _links(await response.text())


async def test_a_protected_codes_files_stream_only_through_its_unlocked_page(
    ws: Workspace, api: Client, redirect: Client
) -> None:
    slug, code_id = await _protected(ws, "pdf")
    pdf_path = f"/v1/files/pdf/{_linked(code_id)}"
    await eventually(lambda: _held(redirect, slug), timeout=30)

    locked = await redirect.get(f"/{slug}")
    assert locked.status == 200 and 'type="password"' in await locked.text()
    assert _links(await locked.text()) == []  # the gate page links no file
    bare = await api.get(pdf_path)
    assert bare.status == 404 and (await bare.json())["error"] == "not_found"

    async def uploaded_page() -> bool:  # the snapshot with the PDF has reached the redirect
        _, links = await _unlock(redirect, slug)
        return bool(links)

    await eventually(uploaded_page, timeout=30)
    proof, links = await _unlock(redirect, slug)
    assert links == [f"{pdf_path}?gate={proof}"]
    answered = await api.get(links[0])
    assert answered.status == 200 and await answered.read() == PDF
    assert answered.headers["Cache-Control"] == "private, no-cache"
    assert answered.headers["Referrer-Policy"] == "no-referrer"

    # Coming back with the cookie: the page's links carry it and stream.
    again = await _page_links(redirect, slug, 1, headers={"Cookie": f"qrgate={proof}"})
    assert again == [f"{pdf_path}?gate={proof}"]
    assert (await api.get(again[0])).status == 200
    # The cookie itself opens the stream too (a client that holds it, e.g. curl).
    with_cookie = await api.get(pdf_path, headers={"Cookie": f"qrgate={proof}"})
    assert with_cookie.status == 200 and with_cookie.headers["Vary"] == "Cookie"


async def test_a_carousels_images_need_the_proof_too(
    ws: Workspace, api: Client, redirect: Client
) -> None:
    slug, code_id = await _protected(ws, "image-carousel")
    await eventually(lambda: _held(redirect, slug), timeout=30)
    assert [(await api.get(f"/v1/files/image/{code_id}/{i}")).status for i in (0, 1)] == [404] * 2

    async def unlocked_links() -> list[str]:
        found: list[str] = []

        async def both() -> bool:
            nonlocal found
            _, found = await _unlock(redirect, slug)
            return len(found) == 2

        await eventually(both, timeout=30)
        return found

    links = await unlocked_links()
    assert [link.split("?")[0] for link in links] == [
        f"/v1/files/image/{_linked(code_id)}/0",
        f"/v1/files/image/{_linked(code_id)}/1",
    ]
    answers = [await api.get(link) for link in links]
    assert [a.status for a in answers] == [200, 200]
    assert [await a.read() for a in answers] == [
        image_bytes("PNG", colour=(250, 10, 10)),
        image_bytes("PNG", colour=(10, 250, 10)),
    ]
    assert answers[0].headers["Cache-Control"] == "private, no-cache"  # not "public"


async def test_forged_expired_altered_and_other_codes_proofs_are_404(
    ws: Workspace, api: Client, redirect: Client
) -> None:
    (slug, code_id), (other_slug, other_id) = (
        await _protected(ws, "pdf"),
        await _protected(ws, "pdf"),
    )
    await eventually(lambda: _held(redirect, slug, other_slug), timeout=30)
    other_proof, _ = await _unlock(redirect, other_slug)
    proof, _ = await _unlock(redirect, slug)
    path = f"/v1/files/pdf/{code_id}"
    assert (await api.get(f"{path}?gate={proof}")).status == 200

    password_hash = await ws.db.fetchval(
        "SELECT password_hash FROM codes WHERE id = $1", uuid_of(code_id)
    )
    signer = GateCookies(gate_key(GATE_SECRET, ""), ttl_s=60)
    expired = signer.issue(uuid_of(code_id), password_hash, time.time() - 120)
    expiry, _, mac = proof.partition(".")
    stretched = f"{int(expiry) + 86_400}.{mac}"  # a valid MAC with a later expiry
    wrong_key = GateCookies(gate_key("not the key", ""), 60).issue(
        uuid_of(code_id), password_hash, time.time()
    )
    refused = {
        "none": await api.get(path),
        "forged": await api.get(f"{path}?gate={expiry}.AAAAAAAAAAAAAAAAAAAAAA"),
        "garbage": await api.get(f"{path}?gate=%E2%98%83.x"),
        "expired": await api.get(f"{path}?gate={expired}"),
        "stretched": await api.get(f"{path}?gate={stretched}"),
        "wrong key": await api.get(f"{path}?gate={wrong_key}"),
        "other code's": await api.get(f"{path}?gate={other_proof}"),
        "other code's cookie": await api.get(path, headers={"Cookie": f"qrgate={other_proof}"}),
    }
    assert {name: r.status for name, r in refused.items()} == dict.fromkeys(refused, 404)
    assert (await api.get(f"/v1/files/pdf/{other_id}?gate={other_proof}")).status == 200

    # A new password closes what the old one opened.
    await ws.ok("PATCH", f"/v1/codes/{code_id}", json={"password": "another one"})
    assert (await api.get(f"{path}?gate={proof}")).status == 404


async def test_an_unprotected_codes_streams_are_unchanged(
    ws: Workspace, api: Client, redirect: Client
) -> None:
    pdf_slug, pdf_id = await _protected(ws, "pdf", password=None)
    carousel_slug, carousel_id = await _protected(ws, "image-carousel", password=None)
    assert await _page_links(redirect, pdf_slug, 1) == [f"/v1/files/pdf/{_linked(pdf_id)}"]
    assert await _page_links(redirect, carousel_slug, 2) == [
        f"/v1/files/image/{_linked(carousel_id)}/0",
        f"/v1/files/image/{_linked(carousel_id)}/1",
    ]
    pdf = await api.get(f"/v1/files/pdf/{pdf_id}")
    image = await api.get(f"/v1/files/image/{carousel_id}/1")
    assert (pdf.status, image.status) == (200, 200)
    assert (pdf.headers["Cache-Control"], image.headers["Cache-Control"]) == (
        "public, no-cache",
        "public, max-age=3600",
    )
    assert "Vary" not in image.headers
    # A proof is not needed, and a wrong one is ignored rather than refused.
    assert (await api.get(f"/v1/files/pdf/{pdf_id}?gate=1.x")).status == 200

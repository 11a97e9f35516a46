"""Folders and tags in the console, in a real browser against the real platform: create,
rename and delete folders, rename and remove tags, each checked through the API; the lists'
counts lead to the codes list filtered by them; a viewer sees no control and a forged post is
refused; the page passes the accessibility scan, the keyboard and the phone."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from e2e.console.accounts import (
    Account,
    api_json,
    csrf_of,
    fits_the_phone,
    join_as_new,
    new_invite,
    serious_violations,
    session_of,
    sign_in,
    tab_to,
)

from qrstack_launcher.stack import Platform

pytestmark = pytest.mark.e2e


async def _code(platform: Platform, account: Account, **body: Any) -> dict[str, Any]:
    body = {"targetUrl": f"https://example.com/{secrets.token_hex(3)}", **body}
    code: dict[str, Any] = await api_json(
        "POST", f"{platform.url('api')}/v1/codes", account, json=body
    )
    return code


async def _folders(platform: Platform, account: Account) -> list[dict[str, Any]]:
    listed = await api_json("GET", f"{platform.url('api')}/v1/folders", account)
    return list(listed["data"])


async def test_create_rename_and_delete_a_folder(
    page: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    await page.goto("/console/folders")
    await page.fill("#folder-name", "Spring menus")
    await page.click("#create-folder button[type=submit]")
    await page.wait_for_url("**/console/folders?**")
    assert "Created folder Spring menus" in await page.inner_text(".notice")
    (folder,) = await _folders(platform, account)
    assert folder["name"] == "Spring menus" and folder["codeCount"] == 0

    inside = await _code(platform, account, folderId=folder["id"], name="In the folder")
    await _code(platform, account, name="Elsewhere")
    await page.goto("/console/folders")
    row = page.locator(f"#folder-{folder['id']}")
    assert "1" in await row.locator("td.num").inner_text()
    await row.locator("td.num a").click()  # the count opens the codes list filtered by it
    await page.wait_for_url(f"**/console/codes?folderId={folder['id']}")
    listed = await page.inner_text("table.code-list")
    assert "In the folder" in listed and "Elsewhere" not in listed

    await page.goto("/console/folders")
    await page.fill(f"#rename-{folder['id']}", "Summer menus")
    await page.click("button[aria-label='Rename Spring menus']")
    await page.wait_for_url("**/console/folders?**")
    (renamed,) = await _folders(platform, account)
    assert renamed["name"] == "Summer menus"

    await page.click("a[aria-label='Delete Summer menus…']")
    confirm = await page.inner_text("#confirm")
    assert "1 code is not deleted" in confirm and "no folder" in confirm
    await page.click("#confirm button[type=submit]")
    await page.wait_for_url("**/console/folders?**")
    assert "its 1 codes now have no folder" in await page.inner_text(".notice")
    assert await _folders(platform, account) == []
    kept = await api_json("GET", f"{api}/v1/codes/{inside['id']}", account)
    assert kept["folderId"] is None and kept["status"] == "active"


async def test_a_folder_name_the_api_refuses_is_shown_by_its_field(
    page: Any, platform: Platform, account: Account
) -> None:
    await page.goto("/console/folders")
    await page.fill("#folder-name", "x" * 81)
    await page.evaluate("document.getElementById('folder-name').removeAttribute('maxlength')")
    await page.fill("#folder-name", "x" * 81)
    await page.click("#create-folder button[type=submit]")
    error = await page.inner_text("#err-create-name")
    assert "80" in error  # the API's own sentence
    assert await page.get_attribute("#folder-name", "aria-describedby") == "err-create-name"
    assert await _folders(platform, account) == []


async def test_rename_and_remove_a_tag(page: Any, platform: Platform, account: Account) -> None:
    api = platform.url("api")
    both = await _code(platform, account, tags=["spring", "menu"])
    one = await _code(platform, account, tags=["spring"])
    other = await _code(platform, account, tags=["menu"])
    await page.goto("/console/folders")
    assert "2" in await page.locator("#tag-spring td.num").inner_text()
    await page.click("#tag-spring td.num a")
    await page.wait_for_url("**/console/codes?tag=spring")
    assert other["id"] not in await page.inner_text("table.code-list")

    # A name the API refuses changes nothing and says why, by the row.
    await page.goto("/console/folders")
    await page.fill("#tag-spring input[name=name]", "not a tag!")
    await page.click("button[aria-label='Rename tag spring']")
    assert "A-Za-z0-9" in await page.inner_text("#tag-spring .field-error")
    stored = await api_json("GET", f"{api}/v1/codes/{one['id']}", account)
    assert stored["tags"] == ["spring"]

    await page.goto("/console/folders")
    await page.fill("#tag-spring input[name=name]", "summer")
    await page.click("button[aria-label='Rename tag spring']")
    await page.wait_for_url("**/console/folders?**")
    assert "on 2 codes" in await page.inner_text(".notice")
    tags = {}
    for code in (both, one, other):
        stored = await api_json("GET", f"{api}/v1/codes/{code['id']}", account)
        tags[code["id"]] = sorted(stored["tags"])
    assert tags == {both["id"]: ["menu", "summer"], one["id"]: ["summer"], other["id"]: ["menu"]}

    await page.click("a[aria-label='Remove tag menu…']")
    assert "2 codes" in await page.inner_text("#confirm")
    await page.click("#confirm button[type=submit]")
    await page.wait_for_url("**/console/folders?**")
    listed = await api_json("GET", f"{api}/v1/tags", account)
    assert [t["tag"] for t in listed["data"]] == ["summer"]
    kept = await api_json("GET", f"{api}/v1/codes/{other['id']}", account)
    assert kept["tags"] == [] and kept["status"] == "active"


async def test_a_viewer_sees_no_controls_and_a_forged_post_is_refused(
    browser: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    folder = await api_json("POST", f"{api}/v1/folders", account, json={"name": "Posters"})
    await _code(platform, account, tags=["spring"], folderId=folder["id"])
    link = (await new_invite(platform, account, role="viewer"))["url"]
    context = await browser.new_context(base_url=api)
    page = await context.new_page()
    await join_as_new(page, link, f"viewer-{secrets.token_hex(4)}@example.com")
    await page.goto("/console/folders")
    assert "Posters" in await page.inner_text("#folders")
    assert "spring" in await page.inner_text("#tags")
    assert await page.locator("main form").count() == 0
    assert "can read folders and tags" in await page.inner_text("#read-only")
    response = await page.goto(f"/console/folders/{folder['id']}/delete")
    assert response.status == 403
    token = csrf_of(await session_of(page))
    for path, form in (
        (f"/console/folders/{folder['id']}/rename", {"name": "pwned"}),
        (f"/console/folders/{folder['id']}/delete", {}),
        ("/console/folders", {"name": "pwned"}),
        ("/console/tags/delete", {"tag": "spring"}),
    ):
        forged = await page.request.post(path, form={"csrf": token, **form})
        assert forged.status == 403, path
    assert [f["name"] for f in await _folders(platform, account)] == ["Posters"]
    tags = await api_json("GET", f"{api}/v1/tags", account)
    assert tags["data"] == [{"tag": "spring", "codeCount": 1}]
    await context.close()


async def test_the_page_is_accessible_keyboard_reachable_and_fits_a_phone(
    browser: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    folder = await api_json("POST", f"{api}/v1/folders", account, json={"name": "Posters"})
    await _code(platform, account, tags=["spring"], folderId=folder["id"])
    context = await browser.new_context(
        base_url=api, bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    await sign_in(page, account)
    for path in ("/console/folders", f"/console/folders/{folder['id']}/delete"):
        await page.goto(path)
        assert await serious_violations(page) == [], path
        assert await fits_the_phone(page), path
    await page.goto("/console/folders")
    assert await tab_to(page, "#create-folder button[type=submit]")
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.type("By keyboard")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/console/folders?**")
    assert "By keyboard" in [f["name"] for f in await _folders(platform, account)]
    await context.close()

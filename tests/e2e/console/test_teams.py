"""Teams in the console, in a real browser against the real platform: an owner invites by link
and the link is copied from the page; the invitee creates an account there and joins with the
role; a viewer sees no edit controls and a forged edit is refused; an invited member sees only
the workspaces they belong to, switches, creates and renames one; and the team pages pass the
accessibility scan."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

import pytest
from e2e.console.accounts import (
    PASSWORD,
    api_json,
    csrf_of,
    join_as_new,
    new_account,
    new_invite,
    serious_violations,
    session_of,
    sign_in,
)

from qrstack_launcher.stack import Platform

pytestmark = pytest.mark.e2e


async def _context(browser: Any, platform: Platform, **options: Any) -> Any:
    return await browser.new_context(base_url=platform.url("api"), **options)


async def test_an_owner_invites_by_link_and_the_invitee_joins(
    browser: Any, platform: Platform
) -> None:
    owner = await new_account(platform)
    owner_context = await _context(browser, platform)
    owner_page = await owner_context.new_page()
    await sign_in(owner_page, owner)
    await owner_page.goto("/console/team")
    await owner_page.select_option("#invite-role", "admin")
    await owner_page.click("#invite-form button[type=submit]")
    link = (await owner_page.inner_text("#invite-link")).strip()
    assert "/console/invites/qri_" in link
    await owner_page.goto("/console/team")
    assert link not in await owner_page.content()  # shown once
    assert "pending" in await owner_page.inner_text("#invites")

    guest_context = await _context(browser, platform)
    guest = await guest_context.new_page()
    email = f"guest-{secrets.token_hex(4)}@example.com"
    await guest.goto(urlsplit(link).path)
    assert "as admin" in await guest.inner_text("#invite-offer")
    await guest.fill("#email", email)
    await guest.fill("#password", "short")
    await guest.evaluate("document.getElementById('password').removeAttribute('minlength')")
    await guest.click("#join")
    assert "10" in await guest.inner_text("#err-password")  # the API's own reason
    await guest.fill("#password", PASSWORD)
    await guest.click("#join")
    await guest.wait_for_url("**/console/codes?**")
    assert "You joined Console workspace as admin" in await guest.inner_text(".notice")
    # The link works once.
    await guest.goto(urlsplit(link).path)
    assert "already used" in await guest.inner_text("#invite-error")

    await owner_page.goto("/console/team")
    members = await owner_page.inner_text("#members")
    assert email in members and owner.email in members
    assert "accepted" in await owner_page.inner_text("#invites")
    await guest_context.close()
    await owner_context.close()


async def test_a_viewer_cannot_edit(browser: Any, platform: Platform) -> None:
    owner = await new_account(platform)
    api = platform.url("api")
    code = await api_json(
        "POST", f"{api}/v1/codes", owner, json={"targetUrl": "https://example.com/menu"}
    )
    invite = await new_invite(platform, owner, role="viewer")
    context = await _context(browser, platform)
    page = await context.new_page()
    await join_as_new(page, invite["url"], f"viewer-{secrets.token_hex(4)}@example.com")
    # The list and the code's page show the code and no control that would change it.
    assert code["id"] in await page.content()
    assert await page.locator("a[href='/console/codes/new']").count() == 0
    assert await page.locator("#bulk").count() == 0
    await page.goto(f"/console/codes/{code['id']}")
    assert await page.locator("a[href$='/edit']").count() == 0
    for path in (f"/console/codes/{code['id']}/edit", "/console/codes/new"):
        response = await page.goto(path)
        assert response.status == 403
        assert "(viewer) cannot" in await page.inner_text("#page-error")
    # A forged edit (with a valid form token) is refused by the API, and nothing changes.
    token = csrf_of(await session_of(page))
    forged = await page.request.post(
        f"/console/codes/{code['id']}/edit",
        form={"csrf": token, "p.targetUrl": "https://evil.example/", "name": "pwned"},
    )
    assert forged.status == 403
    bulk = await page.request.post(
        "/console/codes/bulk", form={"csrf": token, "action": "delete", "ids": code["id"]}
    )
    assert "1 refused" in await bulk.text()
    stored = await api_json("GET", f"{api}/v1/codes/{code['id']}", owner)
    assert stored["targetUrl"] == "https://example.com/menu" and stored["status"] == "active"
    # The team page lists the members read-only.
    await page.goto("/console/team")
    assert await page.locator("#invite-form").count() == 0
    assert await page.locator("#members select").count() == 0
    await context.close()


async def test_an_invited_member_sees_only_the_workspaces_they_belong_to(
    browser: Any, platform: Platform
) -> None:
    owner = await new_account(platform)
    stranger = await new_account(platform)  # a workspace the member never joins
    invite = await new_invite(platform, owner, role="editor")
    email = f"member-{secrets.token_hex(4)}@example.com"
    context = await _context(browser, platform)
    page = await context.new_page()
    await join_as_new(page, invite["url"], email)
    # Sign out and in again with the new account's password.
    await page.click("text=Sign out")
    await page.wait_for_url("**/console/login**")
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/console/codes")
    options = await page.locator("#workspace-switch option").all_inner_texts()
    assert [o.strip() for o in options] == ["Console workspace (editor)"]
    # Create a workspace of their own: it becomes the one acted on, and the switcher has both.
    await page.goto("/console/workspaces")
    await page.fill("#workspace-name", "Side project")
    await page.click("#create-workspace button[type=submit]")
    await page.wait_for_url("**/console/team?**")
    assert "Team of Side project" in await page.inner_text("h1")
    options = await page.locator("#workspace-switch option").all_inner_texts()
    assert sorted(o.strip() for o in options) == [
        "Console workspace (editor)",
        "Side project (owner)",
    ]
    # Codes made now belong to the chosen workspace, not the other one.
    await page.goto("/console/codes/new?type=url")
    await page.fill("[name='p.targetUrl']", "https://example.com/side")
    await page.wait_for_selector("#code-form[data-preview=ready]")
    await page.click("#save")
    await page.wait_for_url("**/console/codes/code_*")
    listed = await api_json("GET", f"{platform.url('api')}/v1/codes", owner)
    assert all(c["targetUrl"] != "https://example.com/side" for c in listed["data"])
    # Rename it, then switch back with the header's switcher.
    await page.goto("/console/workspaces")
    await page.fill("#rename-name", "Main project")
    await page.click("#rename-form button[type=submit]")
    await page.wait_for_url("**/console/workspaces?**")
    assert "Main project" in await page.inner_text("#workspace-list")
    await page.select_option("#workspace-switch", label="Console workspace (editor)")
    await page.click("#switch-workspace button[type=submit]")
    await page.wait_for_url("**/console/codes?**")
    assert "Now in Console workspace" in await page.inner_text(".notice")
    # Another workspace cannot be switched to, even by a forged form.
    forged = await page.request.post(
        "/console/workspace",
        form={
            "csrf": csrf_of(await session_of(page)),
            "workspaceId": f"ws_{stranger.workspace_id.hex}",
        },
    )
    assert forged.status == 404
    await page.goto("/console/team")
    assert "Team of Console workspace" in await page.inner_text("h1")
    await context.close()


@pytest.mark.parametrize("path", ["/console/team", "/console/workspaces", "invite"])
async def test_team_pages_have_no_serious_accessibility_violations(
    browser: Any, platform: Platform, path: str
) -> None:
    owner = await new_account(platform)
    context = await _context(browser, platform, bypass_csp=True)
    page = await context.new_page()
    if path == "invite":
        path = urlsplit((await new_invite(platform, owner, role="viewer"))["url"]).path
    else:
        await sign_in(page, owner)
        await new_invite(platform, owner, email="someone@example.com")
    await page.goto(path)
    result = await serious_violations(page)
    await context.close()
    assert result == []


async def test_a_signed_in_user_joins_with_one_click(browser: Any, platform: Platform) -> None:
    owner = await new_account(platform)
    other = await new_account(platform)
    invite = await new_invite(platform, owner, role="editor", email=other.email)
    context = await _context(browser, platform)
    page = await context.new_page()
    # Signed out, the link offers sign-in, which comes back to the link.
    await page.goto(urlsplit(invite["url"]).path)
    await page.click("text=Sign in")
    await page.fill("#email", other.email)
    await page.fill("#password", other.password)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/console/invites/qri_*")
    assert other.email in await page.inner_text("#join-form")
    await page.click("#join")
    await page.wait_for_url("**/console/codes?**")
    selected = await page.locator("#workspace-switch option:checked").inner_text()
    assert selected.strip() == "Console workspace (editor)"
    assert await page.locator("#workspace-switch option").count() == 2
    await context.close()

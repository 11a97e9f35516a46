"""Custom domains and billing in the console, in a real browser against the real platform: a
domain added through the page (and refused hosts shown by the field), its redirects changed
and cleared (a refused URL shown by the field), a delete refused while a code uses the domain
and then done, each checked through the API; its DNS records shown and copied, and verified
through the page against a real DNS server (failed, DNS without an answer, verified); the
billing page's plan, usage and limits equal to GET /v1/billing; a viewer sees domains without
controls, cannot see billing or change or verify a domain, and forged posts are refused; the
pages pass the accessibility scan, the keyboard and the phone."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp
import asyncpg
import pytest
from e2e.console.accounts import (
    Account,
    api_json,
    csrf_of,
    fits_the_phone,
    join_as_new,
    new_account,
    new_invite,
    serious_violations,
    session_of,
    sign_in,
    tab_to,
)
from unit.api.files.samples import pdf_bytes

from qrstack_launcher.stack import Platform
from support.dns import Zone

pytestmark = pytest.mark.e2e

PDF = pdf_bytes()


def _host() -> str:
    return f"qr-{secrets.token_hex(4)}.example.com"


async def _domains(platform: Platform, account: Account) -> list[dict[str, Any]]:
    listed = await api_json("GET", f"{platform.url('api')}/v1/domains", account)
    return list(listed["data"])


async def test_add_a_domain_and_delete_it_once_no_code_uses_it(
    page: Any, platform: Platform, account: Account
) -> None:
    api, host = platform.url("api"), _host()
    await page.goto("/console/domains")
    assert "serving does not wait for it" in await page.inner_text("#setup")
    await page.fill("#domain-host", host.upper())
    await page.fill("#domain-not-found", "https://example.com/missing")
    await page.click("#add-domain button[type=submit]")
    await page.wait_for_url("**/console/domains?**")
    assert f"Added {host}" in await page.inner_text(".notice")
    (domain,) = await _domains(platform, account)
    assert domain["host"] == host and domain["notFoundUrl"] == "https://example.com/missing"
    assert domain["baseUrl"] is None
    row = await page.inner_text(f"#domain-{domain['id']}")
    assert domain["shortUrlBase"] in row and "https://example.com/missing" in row

    code = await api_json(
        "POST", f"{api}/v1/codes", account, json={"targetUrl": "https://e.com", "domain": host}
    )
    await page.click(f"a[aria-label='Delete {host}…']")
    assert host in await page.inner_text("#confirm")
    await page.click("#confirm button[type=submit]")
    refused = await page.inner_text(f"#domain-{domain['id']} .field-error")
    assert "1 code(s) still use" in refused  # the API's own sentence, by the row
    assert [d["id"] for d in await _domains(platform, account)] == [domain["id"]]

    await api_json("DELETE", f"{api}/v1/codes/{code['id']}", account)
    await page.goto(f"/console/domains/{domain['id']}/delete")
    await page.click("#confirm button[type=submit]")
    await page.wait_for_url("**/console/domains?**")
    assert f"Deleted {host}" in await page.inner_text(".notice")
    assert await _domains(platform, account) == []


async def test_a_host_the_api_refuses_is_shown_by_its_field(
    page: Any, platform: Platform, account: Account
) -> None:
    await page.goto("/console/domains")
    await page.fill("#domain-host", "10.0.0.1")
    await page.click("#add-domain button[type=submit]")
    assert "not an IP address" in await page.inner_text("#err-add-host")
    assert await page.get_attribute("#domain-host", "aria-describedby") == "err-add-host"
    assert await page.input_value("#domain-host") == "10.0.0.1"  # kept for correcting

    # A host another workspace holds: the API's 409, by the same field.
    other = await new_account(platform)
    taken = _host()
    await api_json("POST", f"{platform.url('api')}/v1/domains", other, json={"host": taken})
    await page.fill("#domain-host", taken)
    await page.click("#add-domain button[type=submit]")
    assert "already in use" in await page.inner_text("#err-add-host")
    assert await _domains(platform, account) == []


async def test_change_and_clear_a_domains_redirects(
    page: Any, platform: Platform, account: Account
) -> None:
    api, host = platform.url("api"), _host()
    domain = await api_json("POST", f"{api}/v1/domains", account, json={"host": host})
    await page.goto("/console/domains")
    await page.click(f"a[aria-label='Change {host}']")
    await page.fill("#domain-base", "https://example.com/home")
    await page.fill("#domain-not-found", "https://example.com/gone")
    await page.click("#edit-domain button[type=submit]")
    await page.wait_for_url("**/console/domains?**")
    assert f"Changed {host}" in await page.inner_text(".notice")
    stored = await api_json("GET", f"{api}/v1/domains/{domain['id']}", account)
    assert (stored["baseUrl"], stored["notFoundUrl"]) == (
        "https://example.com/home",
        "https://example.com/gone",
    )

    # A URL the API refuses is shown by its field, kept for correcting, and nothing changes.
    await page.goto(f"/console/domains/{domain['id']}/edit")
    await page.evaluate("document.getElementById('domain-base').type = 'text'")
    await page.fill("#domain-base", "javascript:alert(1)")
    await page.click("#edit-domain button[type=submit]")
    assert await page.inner_text("#err-edit-baseUrl")
    assert await page.input_value("#domain-base") == "javascript:alert(1)"
    unchanged = await api_json("GET", f"{api}/v1/domains/{domain['id']}", account)
    assert unchanged["baseUrl"] == "https://example.com/home"

    # Emptied fields clear the redirects.
    await page.goto(f"/console/domains/{domain['id']}/edit")
    await page.fill("#domain-base", "")
    await page.fill("#domain-not-found", "")
    await page.click("#edit-domain button[type=submit]")
    await page.wait_for_url("**/console/domains?**")
    cleared = await api_json("GET", f"{api}/v1/domains/{domain['id']}", account)
    assert (cleared["baseUrl"], cleared["notFoundUrl"]) == (None, None)


async def test_billing_shows_the_apis_plan_usage_and_limits(
    page: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    conn = await asyncpg.connect(platform.infra.database_url)
    try:
        await conn.execute("UPDATE workspaces SET plan = 'pro' WHERE id = $1", account.workspace_id)
    finally:
        await conn.close()
    for n in range(3):
        await api_json("POST", f"{api}/v1/codes", account, json={"targetUrl": f"https://e.com/{n}"})
    await api_json("POST", f"{api}/v1/folders", account, json={"name": "Posters"})
    menu = await api_json("POST", f"{api}/v1/codes", account, json={"type": "pdf", "pdf": {}})
    form = aiohttp.FormData()
    form.add_field("file", PDF, filename="menu.pdf", content_type="application/pdf")
    await api_json("POST", f"{api}/v1/codes/{menu['id']}/pdf-file", account, data=form)
    await new_invite(platform, account, role="editor")
    state = await api_json("GET", f"{api}/v1/billing", account)
    assert state["plan"] == "pro" and state["codesCount"] == 4
    usage = state["usage"]
    assert usage["files"] == {"count": 1, "bytes": len(PDF)}
    assert usage["seats"] == {"members": 1, "pendingInvites": 1, "used": 2}
    assert usage["scans"]["thisMonth"] is not None  # the real analytics service answers

    await page.goto("/console/billing")
    assert await page.inner_text("#plan-name") == "Pro"
    codes = page.locator("#usage-codes")
    assert await codes.locator(".used").inner_text() == f"{state['codesCount']:,}"
    assert await codes.locator(".limit").inner_text() == f"{state['limits']['maxCodes']:,}"
    folders = page.locator("#usage-folders")
    assert await folders.locator(".used").inner_text() == "1"
    assert await folders.locator(".limit").inner_text() == f"{state['limits']['maxFolders']:,}"
    scans = await page.locator("#usage-scans .used").inner_text()
    assert scans == (f"{state['scansCount']:,}" if state["scansCount"] is not None else scans)
    assert state["scansCount"] is not None  # analytics runs in this platform
    month = page.locator("#usage-scans-month")
    assert await month.locator(".used").inner_text() == f"{usage['scans']['thisMonth']:,}"
    assert usage["scans"]["monthStart"][:10] in await month.locator("th").inner_text()
    assert await month.locator(".limit").inner_text() == "unlimited"  # no plan limits scans
    assert await page.inner_text("#usage-files .used") == "1"
    storage = await page.inner_text("#usage-storage .used")
    assert f"({len(PDF):,} bytes)" in storage
    seats = page.locator("#usage-seats")
    assert await seats.locator(".used").inner_text() == "2"
    assert "1 member + 1 pending invite" in await seats.locator("th").inner_text()
    for feature in state["limits"]["features"]:
        assert "Included" in await page.inner_text(f"#feature-{feature}")
    prices = await page.inner_text("#prices")
    assert "9.00 USD" in prices and "monthly" in prices  # the default catalogue's Pro price


async def test_a_viewer_reads_domains_without_controls_and_cannot_see_billing(
    browser: Any, platform: Platform, account: Account
) -> None:
    api, host = platform.url("api"), _host()
    domain = await api_json("POST", f"{api}/v1/domains", account, json={"host": host})
    link = (await new_invite(platform, account, role="viewer"))["url"]
    context = await browser.new_context(base_url=api)
    page = await context.new_page()
    await join_as_new(page, link, f"viewer-{secrets.token_hex(4)}@example.com")
    await page.goto("/console/domains")
    assert host in await page.inner_text("#domains")
    assert await page.locator("main form").count() == 0
    assert "can read domains" in await page.inner_text("#read-only")
    assert await page.locator("nav a[href='/console/billing']").count() == 0
    response = await page.goto("/console/billing")
    assert response.status == 403
    assert "(viewer) cannot see billing" in await page.inner_text("#page-error")
    for path in (
        f"/console/domains/{domain['id']}/delete",
        f"/console/domains/{domain['id']}/edit",
    ):
        response = await page.goto(path)
        assert response.status == 403, path
    token = csrf_of(await session_of(page))
    for path, form in (
        (f"/console/domains/{domain['id']}/delete", {}),
        (f"/console/domains/{domain['id']}/edit", {"baseUrl": "https://evil.example/"}),
        ("/console/domains", {"host": _host()}),
        (f"/console/domains/{domain['id']}/verify", {}),
    ):
        forged = await page.request.post(path, form={"csrf": token, **form})
        assert forged.status == 403, path
    (kept,) = await _domains(platform, account)
    assert kept["host"] == host and kept["baseUrl"] is None
    await context.close()


async def test_the_pages_are_accessible_keyboard_reachable_and_fit_a_phone(
    browser: Any, platform: Platform, account: Account
) -> None:
    api = platform.url("api")
    domain = await api_json("POST", f"{api}/v1/domains", account, json={"host": _host()})
    context = await browser.new_context(
        base_url=api, bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    await sign_in(page, account)
    for path in (
        "/console/domains",
        f"/console/domains/{domain['id']}/edit",
        f"/console/domains/{domain['id']}/delete",
        "/console/billing",
    ):
        await page.goto(path)
        assert await serious_violations(page) == [], path
        assert await fits_the_phone(page), path
    await page.goto("/console/domains")
    assert await tab_to(page, f"#verify-{domain['id']}")
    assert await tab_to(page, "#add-domain button[type=submit]")
    host = _host()
    for _ in range(3):  # back over the two optional URLs to the host
        await page.keyboard.press("Shift+Tab")
    await page.keyboard.type(host)
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/console/domains?**")
    assert host in [d["host"] for d in await _domains(platform, account)]
    await context.close()


async def test_a_domain_is_verified_through_the_page_against_real_dns(
    page: Any, platform: Platform, account: Account, dns_zone: Zone
) -> None:
    api, host = platform.url("api"), _host()
    domain = await api_json("POST", f"{api}/v1/domains", account, json={"host": host})
    ident, verification = domain["id"], domain["verification"]
    await page.goto("/console/domains")
    assert await page.inner_text(f"#txt-name-{ident}") == verification["txtName"]
    assert await page.inner_text(f"#txt-value-{ident}") == verification["txtValue"]
    assert await page.inner_text(f"#target-value-{ident}") == verification["target"]["value"]
    assert "Not checked yet" in await page.inner_text(f"#verification-{ident}")
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.click(f"#dns-{ident} button[data-copy='txt-value-{ident}']")
    assert await page.evaluate("navigator.clipboard.readText()") == verification["txtValue"]

    await page.click(f"#verify-{ident}")  # nothing published yet
    await page.wait_for_url("**/console/domains?**")
    assert "is not verified" in await page.inner_text(".notice")
    failed = await api_json("GET", f"{api}/v1/domains/{ident}", account)
    assert failed["verification"]["status"] == "failed"
    assert failed["verification"]["failure"] in await page.inner_text(f"#verification-{ident}")

    dns_zone.broken.add(verification["txtName"])  # SERVFAIL: the API's 503, by the domain
    await page.click(f"#verify-{ident}")
    assert "SERVFAIL" in await page.inner_text(f"#dns-{ident} .field-error")
    unchanged = await api_json("GET", f"{api}/v1/domains/{ident}", account)
    assert unchanged["verification"] == failed["verification"]
    dns_zone.broken.discard(verification["txtName"])

    dns_zone.publish(verification["txtName"], verification["txtValue"])
    await page.click(f"#verify-{ident}")
    await page.wait_for_url("**/console/domains?**")
    assert f"Verified {host}" in await page.inner_text(".notice")
    verified = await api_json("GET", f"{api}/v1/domains/{ident}", account)
    assert verified["verification"]["status"] == "verified"
    assert "Verified" in await page.inner_text(f"#verification-{ident}")

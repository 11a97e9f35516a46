"""Custom short domains: each write publishes the domain's snapshot to qr.domains.v1; a host
belongs to one workspace; bad hosts are refused; a domain in use cannot be deleted."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from qrstack_common.events import DOMAINS_TOPIC, DomainSnapshot
from qrstack_launcher.stack import Infrastructure
from support.kafka import find_records

if TYPE_CHECKING:
    from integration.api.organise.conftest import NewWorkspace

pytestmark = pytest.mark.infra


def unique_host() -> str:
    return f"qr-{uuid.uuid4().hex[:10]}.example.com"


async def domain_snapshot(infra: Infrastructure, host: str, **expected: Any) -> DomainSnapshot:
    """The first snapshot of `host` on qr.domains.v1 whose fields equal `expected`."""

    def match(record: Any) -> bool:
        if record.key != host.encode() or record.value is None:
            return False
        snapshot = DomainSnapshot.model_validate_json(record.value)
        return all(getattr(snapshot, k) == v for k, v in expected.items())

    [record] = await find_records(infra.kafka_bootstrap, DOMAINS_TOPIC, match)
    return DomainSnapshot.model_validate_json(record.value)


async def test_domain_writes_publish_its_snapshot(
    new_workspace: NewWorkspace, infra: Infrastructure
) -> None:
    ws = await new_workspace()
    host = unique_host()
    created = await ws.ok(
        "POST",
        "/v1/domains",
        {"host": f"{host.upper()}.", "baseUrl": "https://example.com/"},
        201,
    )
    assert created["host"] == host and created["status"] == "active"
    assert created["shortUrlBase"] == f"https://{host}" and created["notFoundUrl"] is None
    snapshot = await domain_snapshot(infra, host, base_url="https://example.com/")
    assert snapshot.workspace_id == ws.id and snapshot.status == "active"

    path = f"/v1/domains/{created['id']}"
    changed = await ws.ok("PATCH", path, {"notFoundUrl": "https://example.com/404"})
    assert changed["baseUrl"] == "https://example.com/"  # not sent: unchanged
    await domain_snapshot(infra, host, not_found_url="https://example.com/404")
    cleared = await ws.ok("PATCH", path, {"baseUrl": None})
    assert cleared["baseUrl"] is None and cleared["notFoundUrl"] == "https://example.com/404"

    assert [d["host"] for d in (await ws.ok("GET", "/v1/domains"))["data"]] == [host]
    assert (await ws.ok("GET", path))["id"] == created["id"]

    status, _ = await ws.call("DELETE", path)
    assert status == 204
    await domain_snapshot(infra, host, status="deleted")
    assert (await ws.call("GET", path))[0] == 404
    assert (await ws.ok("GET", "/v1/domains"))["data"] == []
    # The host is free again, for this workspace or another.
    again = await ws.ok("POST", "/v1/domains", {"host": host}, 201)
    assert again["id"] != created["id"]


async def test_a_host_belongs_to_one_workspace(new_workspace: NewWorkspace) -> None:
    first, second = await new_workspace(), await new_workspace()
    host = unique_host()
    await first.ok("POST", "/v1/domains", {"host": host}, 201)
    for ws in (second, first):
        status, error = await ws.call("POST", "/v1/domains", {"host": host})
        assert (status, error["error"]) == (409, "conflict")
        assert host in error["detail"]


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("192.0.2.10", "not an IP address"),
        ("2001:db8::1", "host name only"),
        ("localhost", "fully qualified"),
        ("https://qr.example.com", "host name only"),
        ("qr.example.com:8443", "host name only"),
        ("qr.example.com/path", "host name only"),
        ("-qr.example.com", "label '-qr'"),
        ("qr..example.com", "label ''"),
        ("qr_code.example.com", "label 'qr_code'"),
        ("bücher.example", "punycode"),
        ("qr.example.123", "all digits"),
        ("a" * 64 + ".example.com", "1-63"),
        ("qr.example.test", "platform's own short domain"),
        ("", "must not be empty"),
    ],
)
async def test_a_bad_host_is_400_with_the_reason(
    new_workspace: NewWorkspace, host: str, reason: str
) -> None:
    ws = await new_workspace()
    status, error = await ws.call("POST", "/v1/domains", {"host": host})
    assert status == 400 and error["issues"][0]["path"] == ["host"]
    assert reason in error["issues"][0]["reason"]


async def test_bad_redirect_urls_and_host_changes_are_400(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    status, error = await ws.call(
        "POST", "/v1/domains", {"host": unique_host(), "notFoundUrl": "javascript:alert(1)"}
    )
    assert status == 400 and error["issues"][0]["path"] == ["notFoundUrl"]
    created = await ws.ok("POST", "/v1/domains", {"host": unique_host()}, 201)
    for body in ({"host": unique_host()}, {}, {"baseUrl": "ftp://example.com/"}):
        status, error = await ws.call("PATCH", f"/v1/domains/{created['id']}", body)
        assert status == 400, body


async def test_a_domain_with_codes_cannot_be_deleted(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    host = unique_host()
    domain = await ws.ok("POST", "/v1/domains", {"host": host}, 201)
    code = await ws.code(domain=host)
    assert code["shortUrl"] == f"https://{host}/{code['slug']}"
    status, error = await ws.call("DELETE", f"/v1/domains/{domain['id']}")
    assert status == 409 and "1 code(s)" in error["detail"]
    await ws.ok("DELETE", f"/v1/codes/{code['id']}", status=204)
    assert (await ws.call("DELETE", f"/v1/domains/{domain['id']}"))[0] == 204


async def test_domains_need_scopes_and_stay_in_their_workspace(
    new_workspace: NewWorkspace,
) -> None:
    mine, theirs = await new_workspace(), await new_workspace()
    their_domain = await theirs.ok("POST", "/v1/domains", {"host": unique_host()}, 201)
    path = f"/v1/domains/{their_domain['id']}"
    for method, body in (("GET", None), ("PATCH", {"baseUrl": None}), ("DELETE", None)):
        status, error = await mine.call(method, path, body)
        assert (status, error["error"]) == (404, "not_found"), method
    assert (await mine.ok("GET", "/v1/domains"))["data"] == []
    assert (await theirs.ok("GET", path))["status"] == "active"

    reader = await mine.key_with(["domains:read"])
    assert (await mine.call("GET", "/v1/domains", key=reader))[0] == 200
    status, error = await mine.call("POST", "/v1/domains", {"host": unique_host()}, key=reader)
    assert (status, error["error"]) == (403, "forbidden")
    assert (await mine.api.get("/v1/domains")).status == 401

"""Custom domains' DNS verification against a real DNS server (dnslib's, on a loopback port,
the API's resolver pointed at it): a new domain states the TXT record to publish and the
record that points it at the redirect tier; POST /v1/domains/{id}/verify looks the record up
now and records verified, or failed with the reason; a DNS server that does not answer is a 503
that records nothing; another workspace's domain is a 404; verifying changes nothing the
redirect serves from."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

import pytest

from support.dns import Zone

if TYPE_CHECKING:
    from integration.api.organise.conftest import NewWorkspace, Workspace

pytestmark = pytest.mark.infra


def unique_host() -> str:
    return f"qr-{uuid.uuid4().hex[:10]}.example.com"


async def _domain(ws: Workspace) -> dict[str, object]:
    created: dict[str, object] = await ws.ok("POST", "/v1/domains", {"host": unique_host()}, 201)
    return created


async def test_a_new_domain_states_the_records_to_publish(new_workspace: NewWorkspace) -> None:
    ws = await new_workspace()
    first, second = await _domain(ws), await _domain(ws)
    verification = first["verification"]
    assert isinstance(verification, dict)
    assert verification["status"] == "pending"
    assert verification["txtName"] == f"_qrstack-verify.{first['host']}"
    assert re.fullmatch(r"qrstack-verify=[0-9a-f]{32}", verification["txtValue"])
    assert verification["txtValue"] != second["verification"]["txtValue"]  # type: ignore[index]
    # DOMAIN_TARGET is unset: the host points at the platform's short domain.
    target = {"type": "CNAME", "name": first["host"], "value": "qr.example.test"}
    assert verification["target"] == target
    assert (verification["checkedAt"], verification["verifiedAt"]) == (None, None)
    assert verification["failure"] is None


async def test_verify_records_what_dns_answers(new_workspace: NewWorkspace, dns_zone: Zone) -> None:
    ws = await new_workspace()
    domain = await _domain(ws)
    path = f"/v1/domains/{domain['id']}"
    name, value = domain["verification"]["txtName"], domain["verification"]["txtValue"]  # type: ignore[index]

    missing = (await ws.ok("POST", f"{path}/verify"))["verification"]
    assert missing["status"] == "failed" and "NXDOMAIN" in missing["failure"]
    assert missing["checkedAt"] is not None and missing["verifiedAt"] is None

    dns_zone.publish(name, "google-site-verification=abc", "qrstack-verify=someone-else")
    wrong = (await ws.ok("POST", f"{path}/verify"))["verification"]
    assert wrong["status"] == "failed"
    assert "'qrstack-verify=someone-else'" in wrong["failure"] and value in wrong["failure"]

    dns_zone.publish(name, "google-site-verification=abc", value)
    verified = await ws.ok("POST", f"{path}/verify")
    assert verified["verification"]["status"] == "verified"
    assert verified["verification"]["failure"] is None
    assert verified["verification"]["verifiedAt"] is not None
    assert (await ws.ok("GET", path))["verification"] == verified["verification"]
    assert verified["updatedAt"] == domain["updatedAt"]  # nothing the redirect reads changed

    dns_zone.publish(name)  # the name stays, its TXT records are gone
    removed = (await ws.ok("POST", f"{path}/verify"))["verification"]
    assert removed["status"] == "failed" and "has no TXT record" in removed["failure"]
    assert removed["verifiedAt"] == verified["verification"]["verifiedAt"]  # the last success


async def test_dns_without_an_answer_is_a_503_that_records_nothing(
    new_workspace: NewWorkspace, dns_zone: Zone
) -> None:
    ws = await new_workspace()
    domain = await _domain(ws)
    path = f"/v1/domains/{domain['id']}"
    name = domain["verification"]["txtName"]  # type: ignore[index]
    dns_zone.stalled.add(name)
    status, error = await ws.call("POST", f"{path}/verify")
    assert (status, error["error"]) == (503, "unavailable")
    assert "did not answer" in error["detail"] and "nothing was recorded" in error["detail"]
    dns_zone.stalled.discard(name)
    dns_zone.broken.add(name)
    status, error = await ws.call("POST", f"{path}/verify")
    assert (status, error["error"]) == (503, "unavailable") and "SERVFAIL" in error["detail"]
    assert (await ws.ok("GET", path))["verification"] == domain["verification"]


async def test_verify_is_the_workspaces_own_and_needs_the_write_scope(
    new_workspace: NewWorkspace,
) -> None:
    owner, other = await new_workspace(), await new_workspace()
    domain = await _domain(owner)
    status, error = await other.call("POST", f"/v1/domains/{domain['id']}/verify")
    assert (status, error["error"]) == (404, "not_found")
    reader = await owner.key_with(["domains:read"])
    status, error = await owner.call("POST", f"/v1/domains/{domain['id']}/verify", key=reader)
    assert (status, error["error"]) == (403, "forbidden")
    deleted = await _domain(owner)
    await owner.ok("DELETE", f"/v1/domains/{deleted['id']}", status=204)
    status, _ = await owner.call("POST", f"/v1/domains/{deleted['id']}/verify")
    assert status == 404

"""Every operation of /v1/openapi.json as a request the security suite can send: the path
filled with the estate's real ids, a body that would succeed for the estate's owner, and the
query parameters that select data (`q`, `folderId`, `tag`, `codeId`, `range`) set to the
estate's values.

The lists are derived from the document: an operation whose path parameter has no id in the
estate, or whose request body has no entry in BODIES, fails the suite, so a new route cannot
go unchecked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from secrets import token_hex
from typing import Any

import aiohttp
from security.estate import Estate, upload
from unit.api.files.samples import image_bytes, pdf_bytes

from qrstack_api.portability.csvio import template

Body = Callable[[Estate], Any]


@dataclass(frozen=True)
class Raw:
    content: bytes
    media_type: str


# A body the estate's owner could send with success. Bodies naming another of the estate's
# resources (a folder, a code) also probe references from another workspace.
BODIES: dict[str, Body] = {
    "POST /v1/api-keys": lambda e: {"name": "probe", "scopes": ["codes:read"]},
    "PATCH /v1/api-keys/{key_id}": lambda e: {"name": "probe renamed"},
    "POST /v1/codes": lambda e: {"targetUrl": "https://example.com/probe",
                                 "folderId": e.ids["folder_id"]},
    "POST /v1/codes/bulk": lambda e: {"items": [{"targetUrl": "https://example.com/probe",
                                                 "folderId": e.ids["folder_id"]}]},
    "PATCH /v1/codes/{code_id}": lambda e: {"label": "probe renamed"},
    "PUT /v1/codes/{code_id}": lambda e: {"type": "url", "targetUrl": "https://example.com/put"},
    "POST /v1/codes/{code_id}/assign-folder": lambda e: {"folderId": e.ids["folder_id"]},
    "POST /v1/codes/{code_id}/image-file": lambda e: upload(image_bytes("PNG"), "image/png",
                                                            "p.png", index="0"),
    "POST /v1/codes/{code_id}/image-file/reorder": lambda e: {"order": [0]},
    "POST /v1/codes/{code_id}/pdf-file": lambda e: upload(pdf_bytes(), "application/pdf", "p.pdf"),
    "POST /v1/codes/{code_id}/routing-rules": lambda e: {
        "type": "ab", "targetUrl": "https://example.com/probe", "weight": 9},
    "PATCH /v1/codes/{code_id}/routing-rules/{rule_id}": lambda e: {"weight": 7},
    "POST /v1/codes/{code_id}/rules/test": lambda e: {"country": "DE"},
    "POST /v1/domains": lambda e: {"host": f"probe-{token_hex(4)}.example.org",
                                   "baseUrl": "https://example.org/"},
    "PATCH /v1/domains/{domain_id}": lambda e: {"baseUrl": "https://example.org/probe"},
    "POST /v1/folders": lambda e: {"name": "probe"},
    "PATCH /v1/folders/{folder_id}": lambda e: {"name": "probe renamed"},
    "POST /v1/labels": lambda e: {"codeIds": [e.ids["code_id"]]},
    "POST /v1/scannability": lambda e: {"codeId": e.ids["code_id"]},
    "POST /v1/webhooks": lambda e: {"url": "http://127.0.0.1:9/probe", "events": ["code.updated"],
                                    "codeIds": [e.ids["code_id"]]},
    "PATCH /v1/webhooks/{webhook_id}": lambda e: {"description": "probe"},
    "POST /v1/webhooks/{webhook_id}/replay": lambda e: {
        "since": "2020-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"},
    "PATCH /v1/workspaces/{workspace_id}": lambda e: {"name": "probe renamed"},
    "POST /v1/workspaces/{workspace_id}/invites": lambda e: {"role": "viewer"},
    "PATCH /v1/workspaces/{workspace_id}/members/{user_id}": lambda e: {"role": "viewer"},
    # Read from the raw body (a CSV or an export archive), not a documented schema:
    "POST /v1/import": lambda e: Raw(template().encode(), "text/csv"),
    # No scope and no resource of a workspace in the path or the body (their own tests):
    "POST /v1/billing/webhook": lambda e: {},
    "POST /v1/generate": lambda e: {"data": "probe"},
    "POST /v1/invites/accept": lambda e: {"token": "inv_probe"},
    "POST /v1/invites/preview": lambda e: {"token": "inv_probe"},
    "POST /v1/workspaces": lambda e: {"name": "probe"},
}  # fmt: skip

# Query parameters that select data, and the estate's value for each.
SELECTORS: dict[str, Callable[[Estate], str]] = {
    "q": lambda e: e.marker,
    "folderId": lambda e: e.ids["folder_id"],
    "tag": lambda e: f"{e.marker}-tag",
    "codeId": lambda e: e.ids["code_id"],
}
# Values for the query parameters an operation requires.
REQUIRED_QUERY = {"data": "probe"}
_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as documented, with {parameters}
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def scope(self) -> str | None:
        """The scope the document says the credential must hold."""
        for requirement in self.spec.get("security", []):
            for scopes in requirement.values():
                if scopes:
                    return str(scopes[0])
        return None

    @property
    def public(self) -> bool:
        return self.spec.get("security") == []

    @property
    def parameters(self) -> list[str]:
        return _PARAM.findall(self.path)

    @property
    def query(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p["in"] == "query"]

    def params(self, extra: dict[str, str]) -> dict[str, str]:
        """The query: the required parameters (REQUIRED_QUERY) and `extra`."""
        out = {}
        for p in self.spec.get("parameters", []):
            if p["in"] == "query" and p.get("required"):
                assert p["name"] in REQUIRED_QUERY, (
                    f"{self.name}: add {p['name']} to REQUIRED_QUERY"
                )
                out[p["name"]] = REQUIRED_QUERY[p["name"]]
        return {**out, **extra}

    def url(self, estate: Estate) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "code_id":
                return estate.code_for(self.path)
            assert name in estate.ids, f"{self.name}: no id of the estate for {{{name}}}"
            return estate.ids[name]

        return _PARAM.sub(fill, self.path)

    def body(self, estate: Estate) -> Any:
        if self.name in BODIES:
            return BODIES[self.name](estate)
        assert "requestBody" not in self.spec, f"{self.name} takes a body: add one to BODIES"
        return None


def operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method.upper(), path, spec)
        for path, item in document["paths"].items()
        for method, spec in item.items()
    ]


def request_kwargs(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if isinstance(body, Raw):
        return {"data": body.content, "headers": {"Content-Type": body.media_type}}
    return {"data": body} if isinstance(body, aiohttp.FormData) else {"json": body}

"""CSV in and out: the import columns, the template, and spreadsheet-safe export cells.

Import columns (header row required, any order, unknown columns refused):
`type` (default url), `name`, `targetUrl`, `slug`, `domain`, `dynamic` (true/false),
`tags` (separated by `|` or `,`), `folder` (a folder name; created if missing), `fallbackUrl`,
`activeFrom`, `expiresAt` (ISO 8601 with a zone), `maxScans`, `redirectStatus`,
`forwardQuery`, `scanTrackingEnabled`, `passwordHint`, `style` (JSON), `content` (JSON: the
payload of a non-url type, as nested under its key in `POST /v1/codes`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import orjson

from qrstack_common.errors import Issue
from qrstack_common.payloads import find_type
from qrstack_common.spreadsheet import safe_cell

COLUMNS = (
    "type", "name", "targetUrl", "slug", "domain", "dynamic", "tags", "folder", "fallbackUrl",
    "activeFrom", "expiresAt", "maxScans", "redirectStatus", "forwardQuery",
    "scanTrackingEnabled", "passwordHint", "style", "content",
)  # fmt: skip
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INTEGERS = ("maxScans", "redirectStatus")
_FLAGS = ("dynamic", "forwardQuery", "scanTrackingEnabled")


_EXAMPLES = (
    {"type": "url", "name": "Autumn menu", "targetUrl": "https://example.com/menu",
     "slug": "autumn-menu", "tags": "print|menu", "folder": "Restaurants", "redirectStatus": "302"},
    {"type": "wifi", "name": "Guest Wi-Fi", "dynamic": "false",
     "content": '{"ssid": "Cafe Nord", "password": "espresso", "encryption": "WPA"}'},
)  # fmt: skip
INFORMATIONAL = ("id", "shortUrl", "createdAt")
"""Columns an export's CSV adds; an import reads past them."""


def template() -> str:
    """The import template: the header and two example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_EXAMPLES)
    return out.getvalue()


def cell(value: Any) -> str:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula is quoted."""
    return safe_cell("" if value is None else str(value))


def read_rows(text: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header and the rows of an import CSV (a BOM is ignored)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return list(reader.fieldnames or []), reader


def header_issues(header: list[str]) -> list[Issue]:
    unknown = [name for name in header if name not in COLUMNS and name not in INFORMATIONAL]
    issues = [Issue(("csv", name), f"unknown column; use {', '.join(COLUMNS)}") for name in unknown]
    if not header:
        issues.append(Issue(("csv",), "the first line must name the columns"))
    return issues


def row_body(row: dict[str, str]) -> tuple[dict[str, Any], str | None, list[Issue]]:
    """(`POST /v1/codes` body, folder name, issues) of one CSV row."""
    body: dict[str, Any] = {}
    issues: list[Issue] = []
    folder = None
    for key, raw in row.items():
        value = (raw or "").strip()
        if key is None or key in INFORMATIONAL or not value:
            continue
        if key == "folder":
            folder = value
        elif key == "tags":
            body["tags"] = [t.strip() for t in value.replace(",", "|").split("|") if t.strip()]
        elif key in _FLAGS:
            if value.lower() not in _BOOLEANS:
                issues.append(Issue((key,), "true or false"))
            else:
                body[key] = _BOOLEANS[value.lower()]
        elif key in _INTEGERS:
            try:
                body[key] = int(value)
            except ValueError:
                issues.append(Issue((key,), "must be a whole number"))
        elif key in ("style", "content"):
            try:
                parsed = orjson.loads(value)
            except orjson.JSONDecodeError:
                issues.append(Issue((key,), "must be JSON"))
                continue
            if key == "style":
                body["style"] = parsed
            else:
                found = find_type(row.get("type") or "url")
                where = found.payload_keys[0] if found and found.payload_keys else "content"
                body[where] = parsed
        else:
            body[key] = value
    return body, folder, issues

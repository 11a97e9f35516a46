"""RecodeQR's error answers: `{"error": code, "message": sentence}`, and on 400 an `errors`
object keyed by field, as Django REST framework writes them: each failing field holds a list
of reasons, nested fields nest (`{"data": {"text": ["…"]}}`), and problems with the body as a
whole sit under `non_field_errors`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qrstack_common.errors import ApiError, Issue

NON_FIELD_ERRORS = "non_field_errors"


def field_errors(issues: Iterable[Issue]) -> dict[str, Any]:
    """The issues as a tree of field → reasons."""
    tree: dict[str, Any] = {}
    for issue in issues:
        path = [str(part) for part in issue.path] or [NON_FIELD_ERRORS]
        node = tree
        for key in path[:-1]:
            child = node.setdefault(key, {})
            if isinstance(child, list):  # the field has reasons of its own and nested ones
                child = node[key] = {NON_FIELD_ERRORS: child}
            node = child
        existing = node.setdefault(path[-1], [])
        if isinstance(existing, dict):
            existing.setdefault(NON_FIELD_ERRORS, []).append(issue.reason)
        else:
            existing.append(issue.reason)
    return tree


def recodeqr_error_body(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.code, "message": error.detail}
    if error.status == 400:
        body["errors"] = field_errors(error.issues or [Issue((), error.detail)])
    return body

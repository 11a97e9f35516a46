"""PATCH /v1/codes/{id} is a JSON Merge Patch (RFC 7396): the nested objects a client sends
(`style`, the payload under its type's key) are merged into the stored ones before the body is
validated, so `{"style": {"foreground": "#1A2B3C"}}` keeps the logo and
`{"coupon": {"description": "…"}}` keeps the coupon's code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qrstack_common.merge_patch import merge_patch
from qrstack_common.payloads import find_type


def merged_body(raw: Any, current: Mapping[str, Any]) -> Any:
    """The PATCH body with `style` and the current type's payload merged into the stored
    values. A body that changes the type carries the new type's whole payload: nothing is
    merged into it. Anything that is not an object is left for validation to refuse."""
    if not isinstance(raw, Mapping):
        return raw
    body = dict(raw)
    style = body.get("style")
    if isinstance(style, Mapping) and isinstance(current.get("style"), Mapping):
        body["style"] = merge_patch(current["style"], style)
    kind = find_type(current["type"])
    sent_type = body.get("type")
    if sent_type is not None and (not isinstance(sent_type, str) or find_type(sent_type) != kind):
        return body
    stored = current.get("payload")
    for key in kind.payload_keys if kind is not None else ():
        value = body.get(key)
        if isinstance(value, Mapping) and isinstance(stored, Mapping):
            body[key] = merge_patch(stored, value)
    return body

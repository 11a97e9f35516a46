"""JSON Merge Patch (RFC 7396): how a PATCH body changes a stored JSON object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """`patch` applied to `target` as RFC 7396 section 2 defines it: an object patch merges key
    by key (recursively), `null` removes a key, anything else (arrays included) replaces the
    value. Neither argument is modified."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result

"""The one JSON codec of qrstack (orjson).

Every service encodes HTTP bodies and Kafka messages through these two functions so that
datetimes, UUIDs and pydantic models are written the same way everywhere: datetimes as
RFC 3339 with a `Z` suffix for UTC, UUIDs as lowercase hyphenated strings.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(value: Any) -> bytes:
    """Encode `value` as compact UTF-8 JSON. Raises TypeError for unsupported types."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Decode JSON. Raises `orjson.JSONDecodeError` (a ValueError) on malformed input."""
    return orjson.loads(data)

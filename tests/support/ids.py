"""The /v1 spelling of ids (`code_` + 32 hex digits) and back, for tests that compare an API
answer with the database or Kafka (which keep bare UUIDs)."""

from __future__ import annotations

import uuid


def uuid_of(public_id: str) -> uuid.UUID:
    """The UUID of a /v1 id such as `code_7c9e…` (a bare UUID is returned as it is)."""
    return uuid.UUID(public_id.rsplit("_", 1)[-1])


def kafka_key(public_id: str) -> bytes:
    """The Kafka key of a code's records: its bare UUID."""
    return str(uuid_of(public_id)).encode()


def v1_id(prefix: str, value: uuid.UUID) -> str:
    """`v1_id("ws", id)` → `ws_<32 hex>`."""
    return f"{prefix}_{value.hex}"

"""The check every PATCH body shares: a field that cannot be cleared is not sent as null, and
the body changes something."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

ANY_FIELD = "send at least one field to change"


def refuse_cleared(
    update: BaseModel, not_null: Iterable[str | tuple[str, str]], empty: str = ANY_FIELD
) -> None:
    """Raise (inside a model validator) when a `not_null` field was sent as null, or when no
    field was sent at all (`empty` says what to send). A field is named by its attribute, or by
    (attribute, the name the message uses)."""
    for field in not_null:
        name, shown = (field, field) if isinstance(field, str) else field
        if name in update.model_fields_set and getattr(update, name) is None:
            raise ValueError(f"{shown} cannot be null")
    if not update.model_fields_set:
        raise ValueError(empty)

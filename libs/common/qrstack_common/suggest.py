"""What to tell a client that sent a key nobody reads: the name it probably meant ("did you
mean `card`?") and the names that are valid there."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import AliasChoices, BaseModel


def unknown_key_reason(name: str, valid: Iterable[str], *, what: str = "field") -> str:
    """ "unknown field, did you mean `card`? Valid: …" (the closest valid name, when one is
    close), else "unknown field; valid: …"."""
    listed = sorted(dict.fromkeys(valid))
    close = difflib.get_close_matches(name, listed, n=1, cutoff=0.6)
    if not close:
        lowered = {v.lower().replace("_", ""): v for v in listed}
        hit = lowered.get(name.lower().replace("_", "").replace("-", ""))
        close = [hit] if hit else []
    if not listed:
        return f"unknown {what}"
    if close:
        return f"unknown {what}, did you mean `{close[0]}`? Valid: {', '.join(listed)}"
    return f"unknown {what}; valid: {', '.join(listed)}"


def wire_names(model: type[BaseModel]) -> list[str]:
    """The keys a model reads, as documented: each field's alias, or its name."""
    out: list[str] = []
    for name, field in model.model_fields.items():
        choices = field.validation_alias
        first = (
            next((c for c in choices.choices if isinstance(c, str)), None)
            if isinstance(choices, AliasChoices)
            else choices
            if isinstance(choices, str)
            else None
        )
        out.append(field.serialization_alias or field.alias or first or name)
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return []
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _field(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        choices = field.validation_alias
        spellings = {name, field.alias, field.serialization_alias}
        if isinstance(choices, AliasChoices):
            spellings.update(c for c in choices.choices if isinstance(c, str))
        elif isinstance(choices, str):
            spellings.add(choices)
        if key in spellings:
            return field
    return None


def model_at(model: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model that reads the object at `path` inside `model` (list indexes skipped)."""
    current: type[BaseModel] | None = model
    for key in path:
        if current is None:
            return None
        if isinstance(key, int):
            continue
        field = _field(current, key)
        if field is None:
            return None
        found = _models_in(field.annotation)
        current = found[0] if len(found) == 1 else None
    return current

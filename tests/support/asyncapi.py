"""Checking produced events against the AsyncAPI document's schemas (docs/asyncapi.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


@functools.cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return loaded


def _camel(name: str) -> str:
    head, *rest = name.replace(".", "_").split("_")
    return head + "".join(part.title() for part in rest)


def validate_against(payload: Any, message: str) -> None:
    """Validate `payload` against the payload schema of components.messages[message]."""
    doc = document()
    ref = doc["components"]["messages"][message]["payload"]["$ref"]
    schema = {"$ref": ref, "components": doc["components"]}
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)


def assert_matches_contract(body: Any) -> None:
    """A webhook body (one event or a batch) validates against its message's schema."""
    validate_against(body, _camel(body["type"]))

"""The OpenAPI document is generated from the models that validate requests: every payload
model, every code field, every example; change a model and the document changes with it."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from pydantic import create_model

from qrstack_api.app import create_app
from qrstack_api.codes.input import parse_code_body
from qrstack_api.codes.model import CodeFields
from qrstack_api.docs import document
from qrstack_api.openapi import code_body
from qrstack_api.openapi.code_body import variant_name
from qrstack_api.openapi.examples import CODE_EXAMPLES
from qrstack_api.settings import ApiSettings
from qrstack_common.payloads import PAYLOAD_TYPES


def _document() -> dict[str, Any]:
    return document(create_app(ApiSettings()))


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    built = _document()
    validate(built)
    return built


def _wire_names(model: Any) -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        alias = field.serialization_alias or field.alias
        out.add(alias or name)
    return out


def _schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """A component schema, resolvable on its own (the whole document's components with it)."""
    return {
        "$ref": f"#/components/schemas/{name}",
        "components": doc["components"],
    }


def test_the_code_body_is_a_union_on_type_with_every_payload(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    body = schemas["CodeBody"]
    assert body["discriminator"]["propertyName"] == "type"
    assert set(body["discriminator"]["mapping"]) == set(PAYLOAD_TYPES)
    for name, kind in PAYLOAD_TYPES.items():
        variant = schemas[variant_name(name)]
        assert variant["properties"]["type"]["const"] == name
        if kind.payload_keys:
            key = kind.payload_keys[0]
            model = kind.model.__name__
            assert variant["properties"][key]["$ref"].endswith(f"/{model}")
            assert key in variant["required"]
            assert set(schemas[model]["properties"]) == _wire_names(kind.model), name
        else:
            assert "targetUrl" in variant["required"]


def test_every_code_field_is_in_the_body(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    fields = _wire_names(CodeFields)
    assert set(schemas["UrlCode"]["properties"]) == fields
    assert set(schemas["CodePatch"]["properties"]) >= fields
    post = doc["paths"]["/v1/codes"]["post"]["requestBody"]["content"]["application/json"]
    assert post["schema"]["$ref"].endswith("/CodeBody")


def test_every_type_has_an_example_the_api_and_the_document_accept(doc: dict[str, Any]) -> None:
    assert set(CODE_EXAMPLES) == set(PAYLOAD_TYPES)
    post = doc["paths"]["/v1/codes"]["post"]["requestBody"]["content"]["application/json"]
    assert set(post["examples"]) == set(PAYLOAD_TYPES)
    body_schema = _schema(doc, "CodeBody")
    for name, example in CODE_EXAMPLES.items():
        parse_code_body(example, partial=False)  # raises on a body the API refuses
        jsonschema.validate(example, body_schema, cls=jsonschema.Draft202012Validator)
        assert doc["components"]["schemas"][variant_name(name)]["examples"] == [example]


def test_a_body_the_api_refuses_the_document_refuses_too(doc: dict[str, Any]) -> None:
    body_schema = _schema(doc, "CodeBody")
    misspelt = {"type": "vcard", "vcard": {"firstName": "Jane"}}  # the key is `card`
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(misspelt, body_schema, cls=jsonschema.Draft202012Validator)
    too_long = {"type": "text", "dynamic": False, "text": {"text": "x" * 1501}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(too_long, body_schema, cls=jsonschema.Draft202012Validator)


def test_a_new_payload_field_appears_in_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    wifi = PAYLOAD_TYPES["wifi"]
    changed = create_model("WifiPayload", __base__=wifi.model, band=(str | None, None))
    types = {**PAYLOAD_TYPES, "wifi": dataclasses.replace(wifi, model=changed)}
    monkeypatch.setattr(code_body, "PAYLOAD_TYPES", MappingProxyType(types))
    schemas = _document()["components"]["schemas"]
    assert "band" in schemas["WifiPayload"]["properties"]
    assert "band" in schemas["WifiPayloadPatch"]["properties"]


def test_a_new_code_field_appears_in_every_type(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = create_model("CodeFields", __base__=CodeFields, label=(str | None, None))
    monkeypatch.setattr(code_body, "CodeFields", changed)
    schemas = _document()["components"]["schemas"]
    for name in PAYLOAD_TYPES:
        assert "label" in schemas[variant_name(name)]["properties"], name
    assert "label" in schemas["CodePatch"]["properties"]

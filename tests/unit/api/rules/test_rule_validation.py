"""Routing rules are validated on write: each type takes its own condition keys, values are
checked and normalised, and everything accepted compiles in the redirect service (nothing the
API accepts is later left out by `compile_rules`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from qrstack_api.codes.snapshot import rule_snapshot
from qrstack_api.rules.conditions import ALL_KEYS, KEYS_BY_TYPE, rule_issues
from qrstack_api.rules.model import RuleCreate, RuleUpdate
from qrstack_api.rules.store import check_rule
from qrstack_common.errors import ApiError
from qrstack_common.http import validate
from qrstack_common.rules import compile_rules

TARGET = "https://example.com/rule"

VALID: list[tuple[str, dict[str, Any], int | None]] = [
    ("geo", {"countryIn": ["US", "ca"]}, None),
    ("geo", {"regionIn": ["California", "US-NY"], "cityIn": ["San Francisco"]}, None),
    ("geo", {"countryIn": ["XK"]}, None),
    ("device", {"deviceIn": ["mobile", "tablet"], "osIn": ["iOS", "Android"]}, None),
    ("device", {"osIn": ["macOS"]}, None),
    (
        "time",
        {
            "daysOfWeek": [1, 2, 3, 4, 5],
            "startTime": "09:00",
            "endTime": "17:00",
            "timezone": "America/Chicago",
        },
        None,
    ),
    ("time", {"startTime": "22:00", "endTime": "02:00", "timezone": "Europe/Berlin"}, None),
    ("time", {"endTime": "24:00", "timezone": "UTC"}, None),
    ("time", {"daysOfWeek": [0, 6], "timezone": "Asia/Kolkata"}, None),
    ("ab", {}, 50),
    ("ab", {"deviceIn": ["mobile"], "countryIn": ["DE"]}, 10),
    ("ab", {"daysOfWeek": [5], "timezone": "Europe/Paris"}, 100),
    ("browser", {"browserIn": ["Chrome", "Samsung Internet"]}, None),
    ("language", {"languageIn": ["en", "pt-BR", "zh_Hant"]}, None),
    ("query", {"queryParam": "utm_source"}, None),
    ("query", {"queryParam": "src", "queryValues": ["flyer", ""]}, None),
    ("ip", {"ipIn": ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]}, None),
]


@pytest.mark.parametrize(("rule_type", "condition", "weight"), VALID)
def test_a_valid_rule_is_accepted_and_compiles_in_the_redirect_service(
    rule_type: str, condition: dict[str, Any], weight: int | None
) -> None:
    body = {"type": rule_type, "targetUrl": TARGET, "condition": condition, "weight": weight}
    rule = validate(RuleCreate, body)
    check_rule(rule)
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "type": rule.type,
        "priority": 0,
        "target_url": rule.target_url,
        "condition": rule.condition.stored(),
        "weight": rule.weight,
        "created_at": now,
    }
    compiled = compile_rules([rule_snapshot(row)])
    assert not compiled.rejected and len(compiled) == 1


INVALID: list[tuple[str, dict[str, Any], int | None, list[Any], str]] = [
    # empty lists and unknown keys
    ("geo", {"countryIn": []}, None, ["condition", "countryIn"], "at least 1"),
    ("ip", {"ipIn": []}, None, ["condition", "ipIn"], "at least 1"),
    ("geo", {"continentIn": ["EU"]}, None, ["condition", "continentIn"], "unknown field"),
    # values
    ("geo", {"countryIn": ["USA"]}, None, ["condition", "countryIn", 0], "alpha-2"),
    ("geo", {"countryIn": ["ZZ"]}, None, ["condition", "countryIn", 0], "alpha-2"),
    ("geo", {"cityIn": ["  "]}, None, ["condition", "cityIn", 0], "blank"),
    ("device", {"deviceIn": ["phone"]}, None, ["condition", "deviceIn", 0], "mobile"),
    ("language", {"languageIn": ["english!"]}, None, ["condition", "languageIn", 0], "tag"),
    ("time", {"daysOfWeek": [7], "timezone": "UTC"}, None, ["condition", "daysOfWeek", 0], "6"),
    ("time", {"startTime": "9:00", "timezone": "UTC"}, None, ["condition", "startTime"], "HH:MM"),
    ("time", {"startTime": "24:00", "timezone": "UTC"}, None, ["condition", "startTime"], "23:59"),
    ("time", {"endTime": "25:00", "timezone": "UTC"}, None, ["condition", "endTime"], "HH:MM"),
    ("time", {"startTime": "09:00", "timezone": "Mars/Olympus"}, None,
     ["condition", "timezone"], "IANA"),
    ("time", {"startTime": "09:00", "timezone": "../etc/passwd"}, None,
     ["condition", "timezone"], "IANA"),
    ("ip", {"ipIn": ["10.0.0.7/8"]}, None, ["condition", "ipIn", 0], "did you mean 10.0.0.0/8"),
    ("ip", {"ipIn": ["10.0.0.0/33"]}, None, ["condition", "ipIn", 0], "CIDR"),
    ("ip", {"ipIn": ["example.com"]}, None, ["condition", "ipIn", 0], "CIDR"),
    # keys of another type, missing keys, weights
    ("geo", {"deviceIn": ["mobile"]}, None, ["condition", "deviceIn"], "does not belong"),
    ("device", {"ipIn": ["10.0.0.0/8"], "osIn": ["iOS"]}, None, ["condition", "ipIn"],
     "does not belong to a device rule"),
    ("geo", {}, None, ["condition"], "needs countryIn, regionIn or cityIn"),
    ("time", {"timezone": "UTC"}, None, ["condition"], "needs daysOfWeek"),
    ("time", {"startTime": "09:00"}, None, ["condition", "timezone"], "required with startTime"),
    ("ab", {"daysOfWeek": [1]}, 50, ["condition", "timezone"], "required with daysOfWeek"),
    ("ab", {"timezone": "UTC"}, 50, ["condition", "timezone"], "constrains nothing"),
    ("query", {"queryValues": ["a"]}, None, ["condition"], "needs queryParam"),
    ("ab", {"queryValues": ["a"]}, 5, ["condition", "queryParam"], "required with queryValues"),
    ("ab", {}, None, ["weight"], "required for an ab rule"),
    ("geo", {"countryIn": ["US"]}, 50, ["weight"], "only ab rules"),
    ("ab", {}, 0, ["weight"], "greater than or equal to 1"),
    ("ab", {}, 101, ["weight"], "less than or equal to 100"),
]  # fmt: skip


@pytest.mark.parametrize(("rule_type", "condition", "weight", "path", "reason"), INVALID)
def test_an_invalid_rule_is_400_naming_the_field_and_the_reason(
    rule_type: str, condition: dict[str, Any], weight: int | None, path: list[Any], reason: str
) -> None:
    body = {"type": rule_type, "targetUrl": TARGET, "condition": condition, "weight": weight}
    with pytest.raises(ApiError) as raised:
        check_rule(validate(RuleCreate, body))
    error = raised.value
    assert error.code == "validation_failed"
    issues = [(list(issue.path), issue.reason) for issue in error.issues]
    assert any(p == path and reason in r for p, r in issues), issues


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("targetUrl", "javascript:alert(1)", "http"),
        ("targetUrl", "/relative", "http"),
        ("type", "weather", "geo"),
        ("priority", -1, "greater than or equal to 0"),
        ("priority", 10_001, "less than or equal to 10000"),
        ("label", "x" * 101, "at most 100"),
    ],
)
def test_the_rules_own_fields_are_checked(field: str, value: Any, reason: str) -> None:
    body: dict[str, Any] = {"type": "ab", "targetUrl": TARGET, "weight": 10, field: value}
    with pytest.raises(ApiError) as raised:
        validate(RuleCreate, body)
    [issue] = raised.value.issues
    assert list(issue.path) == [field] and reason in issue.reason


def test_values_are_normalised_and_deduplicated() -> None:
    rule = validate(
        RuleCreate,
        {
            "type": "geo",
            "targetUrl": TARGET,
            "condition": {"countryIn": ["us", "US", " de "], "cityIn": [" Paris ", "Paris"]},
        },
    )
    assert rule.condition.stored() == {"countryIn": ["US", "DE"], "cityIn": ["Paris"]}
    ip = validate(
        RuleCreate,
        {"type": "ip", "targetUrl": TARGET, "condition": {"ipIn": ["2001:DB8:0::/32", "1.2.3.4"]}},
    )
    assert ip.condition.stored() == {"ipIn": ["2001:db8::/32", "1.2.3.4/32"]}


def test_a_null_condition_on_create_means_none_and_an_ab_rule_needs_no_condition() -> None:
    rule = validate(
        RuleCreate, {"type": "ab", "targetUrl": TARGET, "weight": 30, "condition": None}
    )
    assert rule.condition.stored() == {} and rule.priority is None
    check_rule(rule)


def test_every_condition_key_belongs_to_some_type_other_than_ab() -> None:
    typed = {key for rule_type, keys in KEYS_BY_TYPE.items() if rule_type != "ab" for key in keys}
    assert typed == set(ALL_KEYS) == set(KEYS_BY_TYPE["ab"])


def test_several_problems_are_reported_together() -> None:
    rule = validate(
        RuleCreate,
        {"type": "geo", "targetUrl": TARGET, "weight": 5, "condition": {"osIn": ["iOS"]}},
    )
    paths = {tuple(issue.path) for issue in rule_issues(rule.type, rule.condition, rule.weight)}
    assert paths == {("condition", "osIn"), ("condition",), ("weight",)}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "at least one field"),
        ({"type": None}, "type cannot be null"),
        ({"targetUrl": None}, "targetUrl cannot be null"),
        ({"priority": None}, "priority cannot be null"),
    ],
)
def test_a_patch_cannot_be_empty_or_clear_a_required_field(
    body: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ApiError) as raised:
        validate(RuleUpdate, body)
    assert reason in raised.value.detail

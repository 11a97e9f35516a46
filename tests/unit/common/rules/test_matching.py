"""Which routing rule a scan matches: each condition kind, AND across conditions, priority
order, and rules that cannot be evaluated."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from qrstack_common.events import RuleSnapshot
from qrstack_common.rules import NO_RULES, ClientFacts, RuleDecision, compile_rules

NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Chicago
NO_QUERY: dict[str, str] = {}
SCANNER = "scanner-1"
RuleFactory = Callable[..., RuleSnapshot]  # the `make_rule` fixture

# (condition kind, conditions, fact changes that make them hold, fact changes that break them)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("country", {"country_in": ("us", "CA")}, {"country": "CA"}, {"country": "MX"}),
    ("country unknown", {"country_in": ("US",)}, {}, {"country": None}),
    ("region by name", {"region_in": ("california",)}, {}, {"region": "Oregon"}),
    (
        "region by ISO 3166-2 code",
        {"region_in": ("us-ca",)},
        {"region": None},
        {"region": None, "region_code": "US-OR"},
    ),
    ("region by bare code", {"region_in": ("CA",)}, {"region": None}, {"region_code": "US-NY"}),
    ("city", {"city_in": ("SAN FRANCISCO", "Oakland")}, {}, {"city": "Fresno"}),
    ("city unknown", {"city_in": ("Oakland",)}, {"city": "oakland"}, {"city": None}),
    ("device", {"device_in": ("mobile", "tablet")}, {"device": "tablet"}, {}),
    ("bots never match a device", {"device_in": ("desktop",)}, {}, {"device": "bot"}),
    ("os", {"os_in": ("iOS", "android")}, {"os": "Android"}, {}),
    ("os alias", {"os_in": ("Mac OS X",)}, {"os": "macOS"}, {"os": "iOS"}),
    ("os unknown", {"os_in": ("Windows",)}, {}, {"os": None}),
    ("browser", {"browser_in": ("chrome", "Firefox")}, {}, {"browser": "Safari"}),
    ("browser alias", {"browser_in": ("Samsung Browser",)}, {"browser": "Samsung Internet"}, {}),
    ("language", {"language_in": ("de", "EN")}, {}, {"language": "fr"}),
    ("language from a full tag", {"language_in": ("en-GB",)}, {}, {"language": None}),
    ("ip v4 cidr", {"ip_in": ("203.0.113.0/28",)}, {}, {"ip": "203.0.113.200"}),
    ("ip v6 cidr", {"ip_in": ("2001:db8:1::/48",)}, {"ip": "2001:db8:1::9"}, {}),
    ("ip single address", {"ip_in": ("203.0.113.10",)}, {}, {"ip": "203.0.113.11"}),
    ("ip unknown", {"ip_in": ("0.0.0.0/0",)}, {}, {"ip": None}),
    (
        "time window",
        {"start_time": "09:00", "end_time": "17:00", "timezone": "America/Chicago"},
        {},
        {},
    ),
    ("day of week", {"days_of_week": (3,), "timezone": "America/Chicago"}, {}, {}),
]


@pytest.mark.parametrize(
    ("conditions", "holds", "breaks"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_condition_kind_matches_and_fails(
    make_rule: RuleFactory,
    desktop_facts: ClientFacts,
    conditions: dict[str, Any],
    holds: dict[str, Any],
    breaks: dict[str, Any],
) -> None:
    rule = make_rule(1, "https://example.com/special", **conditions)
    compiled = compile_rules([rule])
    assert compiled.rejected == ()
    matched = compiled.match(desktop_facts._replace(**holds), NOW, NO_QUERY, SCANNER)
    assert matched == RuleDecision(rule.id, "https://example.com/special")
    if breaks:
        assert compiled.match(desktop_facts._replace(**breaks), NOW, NO_QUERY, SCANNER) is None


def test_time_and_day_conditions_fail_outside_their_window(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    hours = make_rule(start_time="09:00", end_time="17:00", timezone="America/Chicago")
    days = make_rule(days_of_week=(0, 6), timezone="America/Chicago")
    evening = datetime(2026, 5, 6, 23, 30, tzinfo=UTC)  # 18:30 in Chicago
    assert compile_rules([hours]).match(desktop_facts, evening, NO_QUERY, SCANNER) is None
    assert compile_rules([days]).match(desktop_facts, NOW, NO_QUERY, SCANNER) is None


@pytest.mark.parametrize(
    ("query", "presence", "valued"),
    [
        ({"utm_source": "flyer"}, True, True),
        ({"utm_source": "poster"}, True, True),
        ({"utm_source": ""}, True, False),
        ({"utm_source": "Flyer"}, True, False),  # values compare exactly, as URLs do
        ({"UTM_SOURCE": "flyer"}, False, False),
        ({}, False, False),
    ],
)
def test_query_parameter_presence_and_values(
    make_rule: RuleFactory,
    desktop_facts: ClientFacts,
    query: dict[str, str],
    presence: bool,
    valued: bool,
) -> None:
    present = compile_rules([make_rule(query_param="utm_source")])
    with_values = compile_rules(
        [make_rule(query_param="utm_source", query_values=("flyer", "poster"))]
    )
    assert (present.match(desktop_facts, NOW, query, SCANNER) is not None) is presence
    assert (with_values.match(desktop_facts, NOW, query, SCANNER) is not None) is valued


def test_all_conditions_of_a_rule_must_hold(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    rule = make_rule(
        country_in=("US",),
        device_in=("desktop",),
        browser_in=("Chrome",),
        language_in=("en",),
        query_param="src",
    )
    compiled = compile_rules([rule])
    query = {"src": "print"}
    assert compiled.match(desktop_facts, NOW, query, SCANNER) is not None
    for elsewhere in (
        desktop_facts._replace(country="DE"),
        desktop_facts._replace(device="mobile"),
        desktop_facts._replace(browser="Edge"),
        desktop_facts._replace(language="de"),
    ):
        assert compiled.match(elsewhere, NOW, query, SCANNER) is None
    assert compiled.match(desktop_facts, NOW, NO_QUERY, SCANNER) is None


def test_a_rule_without_conditions_always_matches(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    rule = make_rule(5, "https://example.com/catch-all")
    assert compile_rules([rule]).match(desktop_facts, NOW, NO_QUERY, SCANNER) == RuleDecision(
        rule.id, "https://example.com/catch-all"
    )


def test_lowest_priority_number_wins_whatever_the_input_order(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    broad = make_rule(10, "https://example.com/us", country_in=("US",))
    narrow = make_rule(1, "https://example.com/sf", city_in=("San Francisco",))
    mobile_only = make_rule(0, "https://example.com/mobile", device_in=("mobile",))
    compiled = compile_rules([broad, narrow, mobile_only])
    assert [rule.id for rule in compiled.rules] == [mobile_only.id, narrow.id, broad.id]
    decision = compiled.match(desktop_facts, NOW, NO_QUERY, SCANNER)
    assert decision is not None and decision.rule_id == narrow.id
    in_la = desktop_facts._replace(city="Los Angeles")
    decision = compiled.match(in_la, NOW, NO_QUERY, SCANNER)
    assert decision is not None and decision.rule_id == broad.id
    in_munich = desktop_facts._replace(country="DE", city="Munich")
    assert compiled.match(in_munich, NOW, NO_QUERY, SCANNER) is None


def test_equal_priorities_are_ordered_by_rule_id(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    low = make_rule(1, "https://example.com/low", id=uuid.UUID(int=1))
    high = make_rule(1, "https://example.com/high", id=uuid.UUID(int=2))
    for order in ([low, high], [high, low]):
        decision = compile_rules(order).match(desktop_facts, NOW, NO_QUERY, SCANNER)
        assert decision is not None and decision.rule_id == low.id


def test_no_rules(desktop_facts: ClientFacts) -> None:
    assert compile_rules([]) is NO_RULES
    assert not NO_RULES
    assert NO_RULES.match(desktop_facts, NOW, NO_QUERY, SCANNER) is None


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        ({"start_time": "09:00", "timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"start_time": "09:00", "timezone": "America"}, "timezone"),
        ({"start_time": "09:00", "timezone": "../../etc/passwd"}, "timezone"),
        ({"days_of_week": (1, 2)}, "timezone is required"),
        ({"start_time": "9am", "timezone": "UTC"}, "start_time"),
        ({"end_time": "25:00", "timezone": "UTC"}, "end_time"),
        ({"start_time": "24:00", "timezone": "UTC"}, "start_time"),
        ({"days_of_week": (7,), "timezone": "UTC"}, "days_of_week"),
        ({"days_of_week": (), "timezone": "UTC"}, "days_of_week is empty"),
        ({"ip_in": ("10.0.0.0/8", "10.0.0.0/99")}, "ip_in"),
        ({"ip_in": ("not-a-network",)}, "ip_in"),
        ({"country_in": ()}, "country_in is empty"),
        ({"os_in": ("  ",)}, "os_in is empty"),
        ({"query_values": ("a",)}, "query_param"),
        ({"query_param": "src", "query_values": ()}, "query_values is empty"),
    ],
)
def test_rules_that_cannot_be_evaluated_are_skipped_and_reported(
    make_rule: RuleFactory,
    desktop_facts: ClientFacts,
    conditions: dict[str, Any],
    reason: str,
) -> None:
    broken = make_rule(1, "https://example.com/broken", **conditions)
    fine = make_rule(2, "https://example.com/fine", country_in=("US",))
    compiled = compile_rules([broken, fine])
    assert len(compiled) == 1
    assert [r.rule_id for r in compiled.rejected] == [broken.id]
    assert reason in compiled.rejected[0].reason
    # The scan still resolves, by the rules that remain.
    decision = compiled.match(desktop_facts, NOW, NO_QUERY, SCANNER)
    assert decision == RuleDecision(fine.id, "https://example.com/fine")


def test_ab_rule_without_weight_is_rejected(make_rule: RuleFactory) -> None:
    compiled = compile_rules([make_rule(type="ab")])
    assert len(compiled) == 0
    assert "weight" in compiled.rejected[0].reason

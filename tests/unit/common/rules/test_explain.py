"""`CompiledRules.explain`: the same decision as `match` on every case, with the conditions
that do not hold named per rule and an A/B rule's bucket."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from qrstack_common.events import RuleSnapshot
from qrstack_common.rules import ClientFacts, ab_bucket, compile_rules

NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Chicago
RuleFactory = Callable[..., RuleSnapshot]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"country": "DE"},
        {"device": "mobile", "os": "iOS"},
        {"language": "fr"},
        {"country": "DE", "device": "mobile", "os": "Android"},
        {"country": None, "os": None, "language": None},
    ],
)
@pytest.mark.parametrize("scanner", ["a", "b", "c", "d"])
def test_explain_decides_as_match(
    make_rule: RuleFactory, desktop_facts: ClientFacts, changes: dict[str, Any], scanner: str
) -> None:
    compiled = compile_rules(
        [
            make_rule(1, "https://example.com/de", country_in=("DE",)),
            make_rule(2, "https://example.com/ab", type="ab", weight=50, os_in=("Android",)),
            make_rule(3, "https://example.com/ios", type="device", device_in=("mobile",),
                      os_in=("iOS",)),
            make_rule(4, "https://example.com/fr", type="language", language_in=("fr",)),
            make_rule(5, "https://example.com/night", type="time", timezone="America/Chicago",
                      start_time="22:00", end_time="06:00"),
        ]
    )  # fmt: skip
    facts = desktop_facts._replace(**changes)
    decision, traces = compiled.explain(facts, NOW, {}, scanner)
    assert decision == compiled.match(facts, NOW, {}, scanner)
    if decision is not None and decision.variant != "a":
        assert traces[-1].rule_id == decision.rule_id and traces[-1].failed == ()


def test_the_trace_names_what_does_not_hold(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    geo = make_rule(1, country_in=("DE",), city_in=("Munich",))
    night = make_rule(
        2, type="time", timezone="America/Chicago", start_time="22:00", end_time="06:00"
    )
    query = make_rule(3, type="query", query_param="utm_source", query_values=("poster",))
    decision, traces = compile_rules([geo, night, query]).explain(
        desktop_facts, NOW, {"utm_source": "flyer"}, "s"
    )
    assert decision is None
    assert [(t.rule_id, t.priority, t.failed) for t in traces] == [
        (geo.id, 1, ("country_in", "city_in")),
        (night.id, 2, ("schedule",)),
        (query.id, 3, ("query",)),
    ]


def test_an_ab_rule_reports_its_bucket(make_rule: RuleFactory, desktop_facts: ClientFacts) -> None:
    rule = make_rule(1, "https://example.com/b", type="ab", weight=50, id=uuid.uuid4())
    compiled = compile_rules([rule])
    for scanner in ("one", "two", "three", "four", "five"):
        decision, (trace,) = compiled.explain(desktop_facts, NOW, {}, scanner)
        bucket = ab_bucket(scanner, rule.id)
        assert trace.bucket == bucket and trace.weight == 50 and trace.failed == ()
        assert decision is not None and decision.variant == ("b" if bucket < 50 else "a")

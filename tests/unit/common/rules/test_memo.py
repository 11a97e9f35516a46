"""A code's rules remember decisions per combination of the scanner facts they read: every
remembered answer must be the answer walking the rules gives, for every kind of condition, for
query-parameter rules, after the memo filled up, and never for rules that depend on more than
those facts (time windows, IP ranges, A/B splits)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qrstack_common.events import RuleSnapshot
from qrstack_common.rules import ClientFacts, compile_rules
from qrstack_common.rules.compiler import MEMO_MAX

NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)
RuleFactory = Callable[..., RuleSnapshot]

COUNTRIES = ("US", "DE", "FR", None)
OSES = ("iOS", "Android", "Windows", "macOS", None)
DEVICES = ("mobile", "tablet", "desktop", "other")
BROWSERS = ("Chrome", "Safari", "Firefox", None)
CITIES = ("Paris", "Berlin", "San Francisco", None)
REGIONS = ("Bavaria", "California", None)
REGION_CODES = ("DE-BY", "US-CA", None)
LANGUAGES = ("de", "en", "fr", None)
CAMPAIGNS = ("spring", "autumn", "", None)

RULE_SETS: dict[str, list[dict[str, Any]]] = {
    "every fact condition": [
        {"country_in": ("DE", "FR")},
        {"os_in": ("Android",), "device_in": ("tablet",)},
        {"language_in": ("de",)},
        {"browser_in": ("Firefox",)},
        {"city_in": ("Paris",)},
        {"region_in": ("CA",)},
        {"device_in": ("desktop",)},
        {"os_in": ("iOS",)},
    ],
    "query parameters": [
        {"query_param": "campaign", "query_values": ("spring",)},
        {"query_param": "campaign"},
        {"query_param": "ref", "country_in": ("US",)},
    ],
    "time window (not remembered)": [
        {"start_time": "09:00", "end_time": "17:00", "timezone": "Europe/Berlin"},
        {"os_in": ("iOS",)},
    ],
    "ip range (not remembered)": [{"ip_in": ("203.0.113.0/28",)}, {"country_in": ("DE",)}],
}


def random_scan(rng: random.Random) -> tuple[ClientFacts, datetime, dict[str, str]]:
    facts = ClientFacts(
        ip=f"203.0.113.{rng.randrange(32)}",
        country=rng.choice(COUNTRIES),
        region=rng.choice(REGIONS),
        region_code=rng.choice(REGION_CODES),
        city=rng.choice(CITIES),
        device=rng.choice(DEVICES),
        os=rng.choice(OSES),
        browser=rng.choice(BROWSERS),
        language=rng.choice(LANGUAGES),
        referrer=None,
        is_bot=False,
        bot_reason=None,
        user_agent="test",
    )
    query: dict[str, str] = {}
    for name in ("campaign", "ref"):
        value = rng.choice(CAMPAIGNS)
        if value is not None:
            query[name] = value
    return facts, NOW + timedelta(hours=rng.randrange(24)), query


@pytest.mark.parametrize("name", list(RULE_SETS))
def test_remembered_decisions_equal_walking_the_rules(make_rule: RuleFactory, name: str) -> None:
    rules = [
        make_rule(p, f"https://example.com/{p}", **conditions)
        for p, conditions in enumerate(RULE_SETS[name])
    ]
    remembering = compile_rules(rules)
    rng = random.Random(name)
    for _ in range(3_000):
        facts, now, query = random_scan(rng)
        walked = compile_rules(rules).match(facts, now, query, "scanner")
        assert remembering.match(facts, now, query, "scanner") == walked, (facts, now, query)


def test_decisions_stay_right_after_the_memo_fills_up(make_rule: RuleFactory) -> None:
    rule = make_rule(1, "https://example.com/spring", query_param="campaign",
                     query_values=("spring",))  # fmt: skip
    compiled = compile_rules([rule])
    facts = random_scan(random.Random(1))[0]
    for n in range(MEMO_MAX * 2 + 10):
        value = "spring" if n % 7 == 0 else f"other-{n}"
        decision = compiled.match(facts, NOW, {"campaign": value}, "scanner")
        assert (decision is not None) is (value == "spring")


def test_an_ab_split_is_drawn_per_scanner_not_remembered(make_rule: RuleFactory) -> None:
    compiled = compile_rules([make_rule(1, "https://example.com/b", type="ab", weight=50)])
    facts = random_scan(random.Random(2))[0]
    arms = {compiled.match(facts, NOW, {}, f"scanner-{n}").variant for n in range(200)}  # type: ignore[union-attr]
    assert arms == {"a", "b"}

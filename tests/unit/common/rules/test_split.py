"""A/B rules: the weight's share of scanners goes to the rule's target, each scanner sticks to
its arm, and the control arm falls through to lower-priority rules or the default target."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from qrstack_common.events import RuleSnapshot
from qrstack_common.rules import ClientFacts, RuleDecision, ab_bucket, compile_rules

NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)
SCANNERS = [f"scanner-{n}" for n in range(10_000)]
RuleFactory = Callable[..., RuleSnapshot]  # the `make_rule` fixture


@pytest.mark.parametrize("weight", [1, 10, 30, 50, 75, 99])
def test_weight_share_of_scanners_take_the_b_arm(
    make_rule: RuleFactory, desktop_facts: ClientFacts, weight: int
) -> None:
    test = make_rule(1, "https://example.com/b", type="ab", weight=weight)
    compiled = compile_rules([test])
    variants = [compiled.match(desktop_facts, NOW, {}, s) for s in SCANNERS]
    in_b = sum(1 for d in variants if d is not None and d.variant == "b")
    assert abs(in_b / len(SCANNERS) - weight / 100) <= 0.02
    assert all(d is not None and d.variant in ("a", "b") for d in variants)


def test_weight_100_sends_everyone_to_b(make_rule: RuleFactory, desktop_facts: ClientFacts) -> None:
    compiled = compile_rules([make_rule(type="ab", weight=100)])
    assert {compiled.match(desktop_facts, NOW, {}, s).variant for s in SCANNERS[:500]} == {"b"}  # type: ignore[union-attr]


def test_each_scanner_always_gets_the_same_arm(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    test = make_rule(1, "https://example.com/b", type="ab", weight=50)
    first = compile_rules([test])
    again = compile_rules([test])  # another replica, or the same code after a restart
    for scanner in SCANNERS[:2000]:
        arm = first.match(desktop_facts, NOW, {}, scanner)
        assert first.match(desktop_facts, NOW, {}, scanner) == arm
        assert again.match(desktop_facts, NOW, {}, scanner) == arm
        # Moving, changing browser or time does not change the arm either.
        elsewhere = desktop_facts._replace(country="JP", browser="Safari", ip="2001:db8::1")
        assert again.match(elsewhere, datetime(2027, 1, 1, tzinfo=UTC), {}, scanner) == arm


def test_bucket_is_fixed_by_scanner_and_rule(make_rule: RuleFactory) -> None:
    rule = make_rule(type="ab", weight=50)
    buckets = [ab_bucket(s, rule.id) for s in SCANNERS]
    assert all(0 <= b < 100 for b in buckets)
    assert buckets == [ab_bucket(s, rule.id) for s in SCANNERS]
    assert len(set(buckets)) == 100


def test_different_tests_split_scanners_independently(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    one, two = make_rule(type="ab", weight=50), make_rule(type="ab", weight=50)
    first, second = compile_rules([one]), compile_rules([two])
    same = sum(
        first.match(desktop_facts, NOW, {}, s).variant  # type: ignore[union-attr]
        == second.match(desktop_facts, NOW, {}, s).variant  # type: ignore[union-attr]
        for s in SCANNERS
    )
    assert abs(same / len(SCANNERS) - 0.5) <= 0.02


def test_control_arm_falls_through_to_lower_priority_rules_then_the_default(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    test = make_rule(1, "https://example.com/new-landing", type="ab", weight=50)
    mobile = make_rule(2, "https://example.com/mobile", type="device", device_in=("mobile",))
    compiled = compile_rules([mobile, test])
    phone = desktop_facts._replace(device="mobile", os="iOS", browser="Safari")
    seen: set[tuple[str | None, str | None]] = set()
    for scanner in SCANNERS[:500]:
        bucket = ab_bucket(scanner, test.id)
        on_desktop = compiled.match(desktop_facts, NOW, {}, scanner)
        on_phone = compiled.match(phone, NOW, {}, scanner)
        if bucket < 50:
            expected = RuleDecision(test.id, "https://example.com/new-landing", "b")
            assert on_desktop == on_phone == expected
        else:
            # Control arm: the desktop gets the default target, reported as arm "a" ...
            assert on_desktop == RuleDecision(test.id, None, "a")
            # ... and the phone is routed by the next rule that matches.
            assert on_phone == RuleDecision(mobile.id, "https://example.com/mobile")
        assert on_desktop is not None
        seen.add((on_desktop.target_url, on_desktop.variant))
    assert seen == {("https://example.com/new-landing", "b"), (None, "a")}


def test_ab_rule_conditions_decide_who_takes_part(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    us_test = make_rule(1, "https://example.com/us-b", type="ab", weight=100, country_in=("US",))
    compiled = compile_rules([us_test])
    assert compiled.match(desktop_facts, NOW, {}, "s").variant == "b"  # type: ignore[union-attr]
    assert compiled.match(desktop_facts._replace(country="FR"), NOW, {}, "s") is None


def test_first_control_arm_is_reported_when_several_tests_pass_a_scanner_by(
    make_rule: RuleFactory, desktop_facts: ClientFacts
) -> None:
    first = make_rule(1, "https://example.com/one", type="ab", weight=1)
    second = make_rule(2, "https://example.com/two", type="ab", weight=1)
    compiled = compile_rules([second, first])
    scanner = next(
        s for s in SCANNERS if ab_bucket(s, first.id) >= 1 and ab_bucket(s, second.id) >= 1
    )
    assert compiled.match(desktop_facts, NOW, {}, scanner) == RuleDecision(first.id, None, "a")


def test_scanner_id_is_needed_only_by_codes_with_ab_rules(make_rule: RuleFactory) -> None:
    assert not compile_rules([make_rule(country_in=("US",))]).uses_scanner_id
    assert compile_rules([make_rule(), make_rule(type="ab", weight=20)]).uses_scanner_id

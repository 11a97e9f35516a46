"""Fixtures for routing-rule tests (the shared evaluator's and the redirect's): a desktop
scanner's facts and a rule builder."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

import pytest

from qrstack_common.events import RuleConditions, RuleSnapshot
from qrstack_common.rules import ClientFacts


@pytest.fixture
def desktop_facts() -> ClientFacts:
    """A person on Chrome on Windows in San Francisco, preferring English."""
    return ClientFacts(
        ip="203.0.113.10",
        country="US",
        region="California",
        region_code="US-CA",
        city="San Francisco",
        device="desktop",
        os="Windows",
        browser="Chrome",
        language="en",
        referrer=None,
        is_bot=False,
        bot_reason=None,
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0.0.0",
    )


RuleType = Literal["geo", "device", "time", "ab", "browser", "language", "query", "ip"]
RuleFactory = Callable[..., RuleSnapshot]


@pytest.fixture
def make_rule() -> RuleFactory:
    """`make_rule(priority, target, weight=None, type="geo", id=None, **conditions)`."""

    def build(
        priority: int = 1,
        target: str = "https://example.com/rule",
        *,
        weight: int | None = None,
        type: RuleType = "geo",
        id: uuid.UUID | None = None,
        **conditions: Any,
    ) -> RuleSnapshot:
        return RuleSnapshot(
            id=id or uuid.uuid4(),
            type=type,
            priority=priority,
            target_url=target,
            conditions=RuleConditions(**conditions),
            weight=weight,
        )

    return build

"""The rule tester's body (the facts of an imagined scan) and its answer."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from qrstack_api.rules.conditions import Country, Device, Language, Name, Timezone
from qrstack_api.rules.outcome import Outcome
from qrstack_common.ids import RuleId


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 or IPv6 address") from None


_EXAMPLE_BODY: JsonDict = {
    "country": "DE",
    "device": "mobile",
    "os": "iOS",
    "language": "de-DE",
    "at": "2026-12-07T18:30:00",
    "timezone": "Europe/Berlin",
}

_EXAMPLE_ANSWER: JsonDict = {
    "matchedRuleId": "rule_0b4f6c2e9a8d4e1f9c3b7a6d5e4f3a2b",
    "variant": None,
    "outcome": "redirect",
    "status": 302,
    "targetUrl": "https://example.com/de",
    "reason": "A rule sends the scan (302).",
    "isDefault": False,
    "why": "Rule 1 (geo, priority 10) decides: every condition holds (countryIn).",
    "evaluatedAt": "2026-12-07T17:30:00Z",
    "rules": [
        {
            "ruleId": "rule_0b4f6c2e9a8d4e1f9c3b7a6d5e4f3a2b",
            "type": "geo",
            "priority": 10,
            "label": "Germany",
            "matched": True,
            "failed": [],
            "bucket": None,
            "weight": None,
        }
    ],
}


class RuleTestBody(BaseModel):
    """The facts of one imagined scan. Unset facts are unknown, as for a scan the redirect
    could not place (a rule on an unknown fact does not hold)."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra={"examples": [_EXAMPLE_BODY]}
    )

    country: Country | None = Field(None, description="ISO 3166-1 alpha-2, e.g. DE.")
    region: Name | None = Field(None, description="Region name (e.g. Bavaria).")
    region_code: Name | None = Field(
        None, alias="regionCode", description="ISO 3166-2, e.g. DE-BY."
    )
    city: Name | None = None
    device: Device = Field("other", description="mobile, tablet, desktop or other.")
    os: Name | None = Field(None, description="iOS, Android, Windows, macOS, Linux, ...")
    browser: Name | None = Field(None, description="Chrome, Safari, Firefox, Edge, ...")
    language: Language | None = Field(
        None, description="The scanner's preferred language tag; its primary subtag counts."
    )
    ip: Annotated[str, AfterValidator(_address)] | None = None
    query: dict[str, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=50, description="The scanned URL's query parameters."
    )
    at: datetime | None = Field(
        None, description="When the scan happens (default now); without an offset it is read "
        "in `timezone`.",
    )  # fmt: skip
    timezone: Timezone = Field("UTC", description="IANA name `at` is read in (default UTC).")
    scanner_id: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        "rule-tester",
        alias="scannerId",
        description="Who scans, for A/B rules: the same id always lands in the same arm.",
    )
    unlocked: bool = Field(
        False,
        description="The scanner has passed the code's password gate (without it a scan of a "
        "protected code gets the password page).",
    )


class RuleTrial(BaseModel):
    """How one rule fared, in evaluation order, up to the rule that decides."""

    model_config = ConfigDict(populate_by_name=True)

    rule_id: RuleId = Field(alias="ruleId")
    type: str
    priority: int
    label: str | None
    matched: bool = Field(description="Every condition holds (an A/B rule: and its arm).")
    failed: list[str] = Field(description="The conditions (API keys) that do not hold.")
    bucket: int | None = Field(None, description="A/B: the scanner's bucket 0-99.")
    weight: int | None = None


class RuleTestResult(BaseModel):
    """Which rule a scan with these facts matches and the target it gets."""

    model_config = ConfigDict(
        populate_by_name=True, json_schema_extra={"examples": [_EXAMPLE_ANSWER]}
    )

    matched_rule_id: RuleId | None = Field(
        alias="matchedRuleId", description="The deciding rule; null: none, the code's default."
    )
    variant: Literal["a", "b"] | None = Field(
        description="A/B: b = the rule's share (its target), a = control (the default)."
    )
    outcome: Outcome = Field(
        description="What a real scan at that instant gets, as the redirect's scan events name "
        "it: redirect, page (the hosted page), fallback (paused), not_active (schedule), "
        "limit_reached (scan cap), password_required (the gate)."
    )
    status: int = Field(description="The HTTP status the redirect service answers.")
    target_url: str | None = Field(
        alias="targetUrl",
        description="Where the scan goes: the redirect's Location, the hosted page's URL "
        "(outcome page), the fallback URL; null when it gets one of the redirect's own pages "
        "(paused, not active, limit reached, the password gate).",
    )
    reason: str = Field(description="Why the scan gets that, in words.")
    is_default: bool = Field(alias="isDefault", description="The code's own target, no rule's.")
    why: str
    evaluated_at: datetime = Field(alias="evaluatedAt", description="The instant, in UTC.")
    rules: list[RuleTrial]

"""A routing rule's `condition` (TurtleQR's keys, extended) and which keys each rule type takes.

Everything accepted here compiles in the redirect service (`qrstack_common.rules`): lists are
never empty, and times, timezones, CIDRs and days are checked by `qrstack_common.rule_values`,
which the redirect compiles with. Values are stored
normalised (country codes in upper case, duplicates dropped, CIDRs in network form).

Which keys a rule type takes:

- `geo`: countryIn, regionIn, cityIn — `device`: deviceIn, osIn — `browser`: browserIn —
  `language`: languageIn — `ip`: ipIn — at least one of its keys.
- `time`: daysOfWeek, startTime, endTime (at least one) and timezone (required with them).
- `query`: queryParam (required) and queryValues (any value when unset).
- `ab`: any key (narrowing who takes part in the test; none: every scanner) and `weight`,
  required, the percent of those scanners sent to the rule's target. Only `ab` rules take a
  weight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from qrstack_api.rules.countries import COUNTRY_CODES
from qrstack_common import rule_values
from qrstack_common.errors import Issue

RuleType = Literal["geo", "device", "time", "ab", "browser", "language", "query", "ip"]
Device = Literal["mobile", "tablet", "desktop", "other"]

MAX_LIST = 250  # entries per list condition (there are 250 country codes)
MAX_NETWORKS = 100

_T = TypeVar("_T")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def _distinct(values: list[_T]) -> list[_T]:
    return list(dict.fromkeys(values))


Distinct = Annotated[list[_T], AfterValidator(_distinct)]
"""A list whose duplicates are dropped (first occurrence kept)."""


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. US, DE)")
    return code


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _language(value: str) -> str:
    value = value.strip()
    if not _LANGUAGE.fullmatch(value):
        raise ValueError(f"{value!r} is not a language tag (e.g. en, de, pt-BR)")
    return value


def _start_time(value: str) -> str:
    rule_values.clock_minutes(value)
    return value


def _end_time(value: str) -> str:
    rule_values.clock_minutes(value, end=True)
    return value


def _timezone(value: str) -> str:
    rule_values.time_zone(value)
    return value


Name = Annotated[str, Field(max_length=100), AfterValidator(_name)]
Country = Annotated[str, AfterValidator(_country)]
Language = Annotated[str, AfterValidator(_language)]
Weekday = Annotated[int, Field(ge=rule_values.WEEKDAYS[0], le=rule_values.WEEKDAYS[-1])]
QueryValue = Annotated[str, Field(max_length=200)]
Network = Annotated[str, AfterValidator(rule_values.network)]
Timezone = Annotated[str, AfterValidator(_timezone)]


def _list(alias: str, description: str, max_length: int = MAX_LIST) -> Any:
    """A list condition: 1..max_length entries (an empty list would be ambiguous)."""
    return Field(None, alias=alias, min_length=1, max_length=max_length, description=description)


class RuleCondition(BaseModel):
    """When a rule applies: every key that is set must hold (AND); a list holds when any of its
    entries does (OR). Which keys a rule type takes: see the rule's `type`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    country_in: Distinct[Country] | None = _list("countryIn", "ISO 3166-1 alpha-2 codes.")
    region_in: Distinct[Name] | None = _list(
        "regionIn", "Region names or ISO 3166-2 codes (US-CA or CA)."
    )
    city_in: Distinct[Name] | None = _list("cityIn", "City names (case-insensitive).")
    device_in: Distinct[Device] | None = _list("deviceIn", "mobile, tablet, desktop, other.")
    os_in: Distinct[Name] | None = _list("osIn", "iOS, Android, Windows, macOS, Linux, ...")
    browser_in: Distinct[Name] | None = _list("browserIn", "Chrome, Safari, Firefox, Edge, ...")
    language_in: Distinct[Language] | None = _list(
        "languageIn", "Language tags (en, pt-BR); the primary subtag is compared."
    )
    days_of_week: Distinct[Weekday] | None = _list(
        "daysOfWeek", "0 = Sunday ... 6 = Saturday.", max_length=7
    )
    start_time: Annotated[str, AfterValidator(_start_time)] | None = Field(
        None, alias="startTime", description="HH:MM, inclusive, in `timezone`."
    )
    end_time: Annotated[str, AfterValidator(_end_time)] | None = Field(
        None,
        alias="endTime",
        description="HH:MM, exclusive (24:00 allowed); before startTime spans midnight.",
    )
    timezone: Timezone | None = Field(
        None, description="IANA name; required with daysOfWeek, startTime or endTime."
    )
    query_param: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, alias="queryParam", description="A query parameter the scanned URL must carry."
    )
    query_values: Distinct[QueryValue] | None = _list(
        "queryValues", "Accepted values of queryParam (any value if unset).", max_length=50
    )
    ip_in: Distinct[Network] | None = _list(
        "ipIn", "CIDRs or addresses, IPv4 or IPv6.", max_length=MAX_NETWORKS
    )

    def stored(self) -> dict[str, Any]:
        """The set keys in the API's camelCase shape, as stored and shown."""
        return self.model_dump(by_alias=True, exclude_none=True)


_NAMES = {f.alias or name: name for name, f in RuleCondition.model_fields.items()}
ALL_KEYS = tuple(_NAMES)


def stored_condition(stored: dict[str, Any] | None) -> RuleCondition:
    """A stored condition as a model, without validating it again (it was validated when
    written; a tzdata update must not make reading a rule fail)."""
    values = {_NAMES[key]: value for key, value in (stored or {}).items() if key in _NAMES}
    return RuleCondition.model_construct(**values)


_SCHEDULE = ("daysOfWeek", "startTime", "endTime")

KEYS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "geo": ("countryIn", "regionIn", "cityIn"),
    "device": ("deviceIn", "osIn"),
    "time": (*_SCHEDULE, "timezone"),
    "browser": ("browserIn",),
    "language": ("languageIn",),
    "query": ("queryParam", "queryValues"),
    "ip": ("ipIn",),
    "ab": ALL_KEYS,
}


def _one_of(keys: Iterable[str]) -> str:
    listed = list(keys)
    return ", ".join(listed[:-1]) + " or " + listed[-1] if len(listed) > 1 else listed[0]


def rule_issues(rule_type: str, condition: RuleCondition, weight: int | None) -> list[Issue]:
    """What makes this combination of type, condition and weight unusable, one issue per
    problem (empty when the rule is valid). Field-level checks are the model's own."""
    issues: list[Issue] = []
    set_keys = condition.stored().keys()
    allowed = KEYS_BY_TYPE[rule_type]
    for key in set_keys:
        if key not in allowed:
            issues.append(
                Issue(
                    ("condition", key),
                    f"does not belong to a {rule_type} rule (it takes {_one_of(allowed)})",
                )
            )
    deciding = {"time": _SCHEDULE, "query": ("queryParam",)}.get(rule_type, allowed)
    if rule_type != "ab" and not set_keys & set(deciding):
        issues.append(Issue(("condition",), f"a {rule_type} rule needs {_one_of(deciding)}"))
    scheduled = set_keys & set(_SCHEDULE)
    if scheduled and "timezone" not in set_keys:
        issues.append(
            Issue(("condition", "timezone"), f"is required with {_one_of(sorted(scheduled))}")
        )
    if "timezone" in set_keys and not scheduled and rule_type in ("time", "ab"):
        issues.append(
            Issue(
                ("condition", "timezone"),
                f"constrains nothing alone; add {_one_of(_SCHEDULE)}",
            )
        )
    if "queryValues" in set_keys and "queryParam" not in set_keys:
        issues.append(Issue(("condition", "queryParam"), "is required with queryValues"))
    if rule_type == "ab" and weight is None:
        issues.append(
            Issue(("weight",), "is required for an ab rule: the percent (1-100) of scanners "
                  "sent to targetUrl; the others get the code's own target")
        )  # fmt: skip
    if rule_type != "ab" and weight is not None:
        issues.append(Issue(("weight",), "only ab rules take a weight"))
    return issues

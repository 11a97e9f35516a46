"""Each set field of `RuleConditions` compiled into a check: a closure over precomputed sets,
networks or a time window, called with the scan's facts, time and query.

Names (region, city, OS, browser, device, language) compare case-insensitively; country codes
in upper case; query parameter names and values exactly, as URLs do (the first value of a
repeated parameter counts). An empty list is refused rather than read as "anything": a rule
whose every condition was cleared must not start catching all traffic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from qrstack_common import rule_values
from qrstack_common.addresses import IpNetworks
from qrstack_common.events import RuleConditions
from qrstack_common.rules.facts import ClientFacts
from qrstack_common.rules.schedule import InvalidCondition, TimeWindow, load_zone

Check = Callable[[ClientFacts, datetime, Mapping[str, str]], bool]

# Other spellings of the names `scanner` produces, folded to those names' folded form.
_OS_ALIASES = {
    "mac os x": "macos",
    "mac os": "macos",
    "os x": "macos",
    "osx": "macos",
    "mac": "macos",
    "ipados": "ios",
    "chrome os": "chromeos",
    "chromium os": "chromeos",
}
_BROWSER_ALIASES = {
    "samsung browser": "samsung internet",
    "samsung": "samsung internet",
    "samsungbrowser": "samsung internet",
    "microsoft edge": "edge",
    "mobile safari": "safari",
    "chrome mobile": "chrome",
    "google chrome": "chrome",
    "mozilla firefox": "firefox",
    "ie": "internet explorer",
    "opera mini": "opera",
    "opera mobile": "opera",
}


def _folded(
    values: Iterable[str], field: str, aliases: Mapping[str, str] | None = None
) -> frozenset[str]:
    names = set()
    for value in values:
        name = value.strip().casefold()
        if aliases is not None:
            name = aliases.get(name, name)
        if name:
            names.add(name)
    if not names:
        raise InvalidCondition(f"{field} is empty")
    return frozenset(names)


def _countries(values: Iterable[str]) -> Check:
    codes = frozenset(value.strip().upper() for value in values) - {""}
    if not codes:
        raise InvalidCondition("country_in is empty")

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return facts.country in codes

    return check


def _regions(values: Iterable[str]) -> Check:
    names = _folded(values, "region_in")

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        if facts.region is not None and facts.region.casefold() in names:
            return True
        code = facts.region_code  # "US-CA": matches "US-CA" and "CA"
        if code is None:
            return False
        folded = code.casefold()
        return folded in names or folded.partition("-")[2] in names

    return check


def _cities(values: Iterable[str]) -> Check:
    names = _folded(values, "city_in")

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return facts.city is not None and facts.city.casefold() in names

    return check


def _devices(values: Iterable[str]) -> Check:
    kinds = _folded(values, "device_in")

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return facts.device in kinds

    return check


def _oses(values: Iterable[str]) -> Check:
    names = _folded(values, "os_in", _OS_ALIASES)

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return facts.os is not None and facts.os.casefold() in names

    return check


def _browsers(values: Iterable[str]) -> Check:
    names = _folded(values, "browser_in", _BROWSER_ALIASES)

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return facts.browser is not None and facts.browser.casefold() in names

    return check


def _languages(values: Iterable[str]) -> Check:
    # "en-US" in a rule means its primary subtag "en", the only part a scan carries.
    primaries = _folded(
        (v.strip().replace("_", "-").partition("-")[0] for v in values), "language_in"
    )

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return facts.language in primaries

    return check


def _query(name: str | None, values: Iterable[str] | None) -> Check:
    if not name:
        raise InvalidCondition("query_values needs query_param")
    param = name
    if values is None:

        def present(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
            return param in query

        return present
    accepted = frozenset(values)
    if not accepted:
        raise InvalidCondition("query_values is empty")

    def valued(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return query.get(param) in accepted

    return valued


def _networks(values: Iterable[str]) -> Check:
    try:
        networks = IpNetworks(rule_values.network(value) for value in values)
    except ValueError as exc:
        raise InvalidCondition(f"ip_in: {exc}") from None
    if not networks:
        raise InvalidCondition("ip_in is empty")

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return networks.contains(facts.ip)

    return check


def _schedule(conditions: RuleConditions) -> Check:
    window = TimeWindow(
        load_zone(conditions.timezone),
        conditions.days_of_week,
        conditions.start_time,
        conditions.end_time,
    )

    def check(facts: ClientFacts, now: datetime, query: Mapping[str, str]) -> bool:
        return window.contains(now)

    return check


def compile_conditions(conditions: RuleConditions) -> tuple[Check, ...]:
    """The checks for every set field of `conditions`, cheapest first (so a failing cheap check
    spares the costly ones). Raises `InvalidCondition` naming the field that cannot be
    evaluated."""
    return tuple(check for _, check in compile_named_conditions(conditions))


def compile_named_conditions(conditions: RuleConditions) -> tuple[tuple[str, Check], ...]:
    """`compile_conditions` with the name of the condition each check tests (`country_in`,
    …, `schedule` for the days and time window), for explaining a decision."""
    c = conditions
    checks: list[tuple[str, Check]] = []
    if c.device_in is not None:
        checks.append(("device_in", _devices(c.device_in)))
    if c.country_in is not None:
        checks.append(("country_in", _countries(c.country_in)))
    if c.language_in is not None:
        checks.append(("language_in", _languages(c.language_in)))
    if c.os_in is not None:
        checks.append(("os_in", _oses(c.os_in)))
    if c.browser_in is not None:
        checks.append(("browser_in", _browsers(c.browser_in)))
    if c.query_param is not None or c.query_values is not None:
        checks.append(("query", _query(c.query_param, c.query_values)))
    if c.region_in is not None:
        checks.append(("region_in", _regions(c.region_in)))
    if c.city_in is not None:
        checks.append(("city_in", _cities(c.city_in)))
    if c.ip_in is not None:
        checks.append(("ip_in", _networks(c.ip_in)))
    if c.days_of_week is not None or c.start_time is not None or c.end_time is not None:
        checks.append(("schedule", _schedule(c)))
    return tuple(checks)

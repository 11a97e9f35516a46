"""A code's routing rules, compiled once per code snapshot and matched on every scan.

Evaluation (first match wins):
1. Rules run in `priority` order, lowest first; equal priorities in rule id order, so every
   replica decides alike.
2. A rule matches when every condition it sets holds (AND); a list condition holds when any
   element does (OR). A rule with no conditions always matches.
3. A rule with a `weight` (A/B) then splits its scanners: a sticky bucket 0–99 of
   (scanner id, rule id) below the weight puts the scanner in arm "b" → the rule decides,
   variant "b". Otherwise the scanner is in the control arm "a": evaluation continues with
   the lower-priority rules, and if none of them matches the answer is the code's default
   target, reported as that A/B rule with variant "a" (`target_url` `None`). When several A/B
   rules leave the scanner in control, the first one is reported.
4. No rule matches and no A/B control arm was passed: `None`, the code's default target.

When a code's decision can depend only on facts about the scanner (no A/B split, day/time
window or IP condition), `match` remembers it per combination of the facts the rules look at
(and the query parameters they name): scanners from one city on one kind of phone get the same
answer without the rules being walked again. The memo belongs to the compiled rules, so an
edit (a new snapshot, compiled anew) starts with none; it is bounded (`MEMO_MAX`).

A rule that cannot be evaluated (unknown timezone, bad CIDR or time, empty list, A/B rule
without weight) is left out and listed in `CompiledRules.rejected`; it never breaks a scan.
The API validates rules on write; this is the defence against a snapshot that slipped past.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from uuid import UUID

from qrstack_common.events import RuleSnapshot
from qrstack_common.rules.conditions import Check, compile_named_conditions
from qrstack_common.rules.decision import RejectedRule, RuleDecision, RuleTrace
from qrstack_common.rules.facts import ClientFacts
from qrstack_common.rules.schedule import InvalidCondition
from qrstack_common.rules.split import split_bucket

MEMO_MAX = 4096
"""Decisions remembered per code (then the memo starts again)."""

# The facts each condition reads (`ClientFacts` field names); conditions not listed here
# (`ip_in`, `schedule`) depend on more than a scanner's few facts, and so do A/B splits.
_READS: dict[str, tuple[str, ...]] = {
    "device_in": ("device",),
    "country_in": ("country",),
    "language_in": ("language",),
    "os_in": ("os",),
    "browser_in": ("browser",),
    "region_in": ("region", "region_code"),
    "city_in": ("city",),
    "query": (),
}
_UNDECIDED = object()  # the memo's "not seen yet"


class CompiledRule:
    """One rule, ready to evaluate: its checks, its weight, its decisions per arm."""

    __slots__ = (
        "checks", "control", "decision", "fields", "id", "priority", "query_param",
        "split_key", "weight",
    )  # fmt: skip

    def __init__(self, rule: RuleSnapshot) -> None:
        """Raises `InvalidCondition` if the rule cannot be evaluated."""
        if rule.type == "ab" and rule.weight is None:
            raise InvalidCondition("an A/B rule needs a weight")
        self.id: UUID = rule.id
        self.priority = rule.priority
        named = compile_named_conditions(rule.conditions)
        self.checks: tuple[Check, ...] = tuple(check for _, check in named)
        self.fields: tuple[str, ...] = tuple(field for field, _ in named)  # for `explain`
        self.query_param = rule.conditions.query_param
        self.weight: int | None = rule.weight
        self.split_key = rule.id.bytes
        if rule.weight is None:
            self.decision = RuleDecision(rule.id, rule.target_url)
            self.control: RuleDecision | None = None
        else:
            self.decision = RuleDecision(rule.id, rule.target_url, "b")
            self.control = RuleDecision(rule.id, None, "a")


class CompiledRules:
    """A code's rules in evaluation order, plus those left out. Immutable, shareable."""

    __slots__ = (
        "_memo", "_memo_facts", "_memo_query", "rejected", "rules", "uses_query",
        "uses_scanner_id",
    )  # fmt: skip

    def __init__(
        self, rules: Sequence[CompiledRule], rejected: Sequence[RejectedRule] = ()
    ) -> None:
        self.rules = tuple(sorted(rules, key=lambda rule: (rule.priority, rule.id)))
        self.rejected = tuple(rejected)
        # The handler needs a sticky scanner id (and may set a cookie) only for A/B rules,
        # and the request's parsed query only for query-parameter rules.
        self.uses_scanner_id = any(rule.weight is not None for rule in self.rules)
        params = sorted({rule.query_param for rule in self.rules if rule.query_param})
        self.uses_query = any("query" in rule.fields for rule in self.rules)
        self._memo: dict[object, RuleDecision | None] | None = None
        self._memo_facts: Callable[[ClientFacts], object] | None = None
        self._memo_query = tuple(params)
        fields = [field for rule in self.rules for field in rule.fields]
        if self.rules and not self.uses_scanner_id and all(f in _READS for f in fields):
            read = sorted({name for field in fields for name in _READS[field]})
            indices = [ClientFacts._fields.index(name) for name in read]
            # itemgetter of one index gives the value, of several a tuple: both are keys.
            self._memo_facts = itemgetter(*indices) if indices else lambda facts: ()
            self._memo = {}

    def __len__(self) -> int:
        return len(self.rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __repr__(self) -> str:
        return f"CompiledRules(rules={len(self.rules)}, rejected={list(self.rejected)!r})"

    def match(
        self,
        facts: ClientFacts,
        now: datetime,
        query: Mapping[str, str],
        scanner_id: str,
    ) -> RuleDecision | None:
        """The decision for one scan (see the module docstring), `None` for the default target.

        `now` is the scan time (aware), `query` the request's query parameters, `scanner_id`
        the stable scanner id A/B buckets derive from. Never raises; allocates nothing but an
        A/B bucket's hash or a memo key."""
        memo = self._memo
        if memo is None:
            return self._walk(facts, now, query, scanner_id)
        assert self._memo_facts is not None
        key: object = self._memo_facts(facts)
        if self._memo_query:
            key = (key, *[query.get(param) for param in self._memo_query])
        decision = memo.get(key, _UNDECIDED)
        if decision is _UNDECIDED:
            if len(memo) >= MEMO_MAX:
                memo.clear()
            decision = memo[key] = self._walk(facts, now, query, scanner_id)
        return decision  # type: ignore[return-value]

    def _walk(
        self,
        facts: ClientFacts,
        now: datetime,
        query: Mapping[str, str],
        scanner_id: str,
    ) -> RuleDecision | None:
        control: RuleDecision | None = None
        for rule in self.rules:
            for check in rule.checks:
                if not check(facts, now, query):
                    break
            else:
                weight = rule.weight
                if weight is None or split_bucket(scanner_id, rule.split_key) < weight:
                    return rule.decision
                if control is None:
                    control = rule.control
        return control

    def explain(
        self,
        facts: ClientFacts,
        now: datetime,
        query: Mapping[str, str],
        scanner_id: str,
    ) -> tuple[RuleDecision | None, tuple[RuleTrace, ...]]:
        """`match`'s decision and why: a trace of every rule looked at, in order, up to the
        deciding one (each with the conditions that do not hold, and an A/B rule's bucket).
        Not for the scan path (it allocates); the same decision as `match` by construction."""
        control: RuleDecision | None = None
        traces: list[RuleTrace] = []
        for rule in self.rules:
            failed = tuple(
                field
                for field, check in zip(rule.fields, rule.checks, strict=True)
                if not check(facts, now, query)
            )
            bucket = None
            if not failed and rule.weight is not None:
                bucket = split_bucket(scanner_id, rule.split_key)
            traces.append(RuleTrace(rule.id, rule.priority, failed, bucket, rule.weight))
            if failed:
                continue
            if rule.weight is None or (bucket is not None and bucket < rule.weight):
                return rule.decision, tuple(traces)
            if control is None:
                control = rule.control
        return control, tuple(traces)


NO_RULES = CompiledRules(())
"""The compiled form of a code without rules (shared: most codes have none)."""


def compile_rules(rules: Sequence[RuleSnapshot]) -> CompiledRules:
    """Compile a code's rules. Rules that cannot be evaluated are left out and listed in
    `.rejected` with the reason (log them with the code id and count them); never raises
    for a rule's content."""
    if not rules:
        return NO_RULES
    compiled: list[CompiledRule] = []
    rejected: list[RejectedRule] = []
    for rule in rules:
        try:
            compiled.append(CompiledRule(rule))
        except InvalidCondition as exc:
            rejected.append(RejectedRule(rule.id, str(exc)))
    return CompiledRules(compiled, rejected)

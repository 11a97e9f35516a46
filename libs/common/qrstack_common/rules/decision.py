"""What rule evaluation answers, and what rule compilation refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

Variant = Literal["a", "b"]


@dataclass(frozen=True, slots=True)
class RuleDecision:
    """Where a scan goes because of a routing rule.

    - `target_url` set, `variant` `None`: a plain rule matched; send the scanner there.
    - `target_url` set, `variant` `"b"`: an A/B rule matched and this scanner is in the
      rule's share (`weight` %); send the scanner there.
    - `target_url` `None`, `variant` `"a"`: an A/B rule's conditions held but the scanner is
      in the control arm and no lower-priority rule matched; send the scanner to the code's
      default target and record `rule_id` and variant "a" so the two arms can be compared.

    One instance per rule and arm is built at compile time; matching allocates none.
    """

    rule_id: UUID
    target_url: str | None
    variant: Variant | None = None


@dataclass(frozen=True, slots=True)
class RejectedRule:
    """A rule `compile_rules` left out because it cannot be evaluated, and why."""

    rule_id: UUID
    reason: str


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """How one rule fared in `CompiledRules.explain`: the conditions that do not hold (by
    their `RuleConditions` name, `query` for the query parameter, `schedule` for the days and
    time window; empty: every condition holds) and, for an A/B rule whose conditions hold, the
    scanner's bucket 0–99 (the scanner is in the rule's share when it is below `weight`)."""

    rule_id: UUID
    priority: int
    failed: tuple[str, ...]
    bucket: int | None = None
    weight: int | None = None

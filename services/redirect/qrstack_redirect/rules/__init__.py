"""Routing rules: the evaluator shared with the API's rule tester (`qrstack_common.rules`),
compiled once per code snapshot and matched against `ClientFacts` on every scan.

When a code snapshot is applied::

    compiled = compile_rules(snapshot.rules)
    for rejected in compiled.rejected:   # log with the code id, count in metrics
        ...

Per scan (after status, schedule, cap and password checks)::

    decision = compiled.match(facts, now, request.query, scanner_id)
    if decision is None:
        target, rule_id, variant = code.target_url, None, None
    else:
        target = decision.target_url or code.target_url   # None = control arm "a"
        rule_id, variant = decision.rule_id, decision.variant
"""

from qrstack_common.rules import (
    NO_RULES,
    CompiledRule,
    CompiledRules,
    InvalidCondition,
    RejectedRule,
    RuleDecision,
    TimeWindow,
    Variant,
    ab_bucket,
    compile_rules,
)

__all__ = [
    "NO_RULES",
    "CompiledRule",
    "CompiledRules",
    "InvalidCondition",
    "RejectedRule",
    "RuleDecision",
    "TimeWindow",
    "Variant",
    "ab_bucket",
    "compile_rules",
]

"""Routing rules: compiled once per code snapshot, matched against `ClientFacts` per scan.

The redirect service evaluates every scan with them; the API's rule tester
(`POST /v1/codes/{id}/rules/test`) runs the same evaluation on facts a person gives, so the
tester and a real scan cannot disagree. Pure: no I/O, no service imports.

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

`compiled.explain(...)` answers the same decision with a trace of why (for the tester).
"""

from qrstack_common.rules.compiler import NO_RULES, CompiledRule, CompiledRules, compile_rules
from qrstack_common.rules.decision import RejectedRule, RuleDecision, RuleTrace, Variant
from qrstack_common.rules.facts import ClientFacts
from qrstack_common.rules.schedule import InvalidCondition, TimeWindow
from qrstack_common.rules.split import ab_bucket

__all__ = [
    "NO_RULES",
    "ClientFacts",
    "CompiledRule",
    "CompiledRules",
    "InvalidCondition",
    "RejectedRule",
    "RuleDecision",
    "RuleTrace",
    "TimeWindow",
    "Variant",
    "ab_bucket",
    "compile_rules",
]

"""`ClientFacts`: everything routing rules and the scan event need to know about a scanner.
The type lives with the shared rule evaluator (`qrstack_common.rules.facts`), which the API's
rule tester also builds facts for; `ClientFactsReader` reads one per scan."""

from __future__ import annotations

from qrstack_common.rules.facts import ClientFacts

__all__ = ["ClientFacts"]

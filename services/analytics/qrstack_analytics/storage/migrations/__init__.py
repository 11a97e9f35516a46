"""Numbered ClickHouse migrations, each with forward and backward steps.

A migration is immutable once released: a change to the schema is a new, higher-numbered
migration. Statements are templates whose only placeholder is `{db}` (the validated database
name). Forward statements are idempotent (`IF NOT EXISTS`), so re-running a migration that
failed half-way completes it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    forward: tuple[str, ...]
    backward: tuple[str, ...]

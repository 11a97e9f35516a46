"""The shared rule evaluator's tests use the same facts and rule builder as the redirect's."""

from support.rules import desktop_facts, make_rule  # noqa: F401  # fixtures

"""Fixtures of every integration test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.conformance import VIOLATIONS


@pytest.fixture(autouse=True)
def answers_match_the_document() -> Iterator[None]:
    """Fail a test whose API answers contradict /v1/openapi.json (support.conformance)."""
    VIOLATIONS.clear()
    yield
    found, VIOLATIONS[:] = list(VIOLATIONS), []
    if found:
        pytest.fail("answers outside the OpenAPI document:\n" + "\n".join(dict.fromkeys(found)))

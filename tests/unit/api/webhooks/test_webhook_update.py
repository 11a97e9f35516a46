"""A webhook PATCH that clears a required field is refused naming the field as the client
spells it (camelCase, the shape of the request), and an empty PATCH is refused."""

from __future__ import annotations

from typing import Any

import pytest

from qrstack_api.webhooks.model import WebhookUpdate
from qrstack_common.errors import ApiError
from qrstack_common.http import validate


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "at least one field"),
        ({"url": None}, "url cannot be null"),
        ({"events": None}, "events cannot be null"),
        ({"includeBots": None}, "includeBots cannot be null"),
        ({"batchSize": None}, "batchSize cannot be null"),
        ({"enabled": None}, "enabled cannot be null"),
    ],
)
def test_a_patch_cannot_be_empty_or_clear_a_required_field(
    body: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ApiError) as raised:
        validate(WebhookUpdate, body)
    assert reason in raised.value.detail


def test_a_patch_may_clear_the_optional_filters() -> None:
    update = validate(WebhookUpdate, {"codeIds": None, "description": None})
    assert update.code_ids is None and update.description is None

"""docs/configuration.md lists every environment variable a service reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from qrstack_analytics.settings import AnalyticsSettings
from qrstack_api.settings import ApiSettings
from qrstack_redirect.settings import RedirectSettings
from qrstack_renderer.settings import RendererSettings
from qrstack_webhooks.settings import WebhookSettings

DOC = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text()


def env_names(settings: type[BaseSettings]) -> list[str]:
    names: list[str] = []
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias.choices[0] if isinstance(alias, AliasChoices) else name.upper())
    return names


@pytest.mark.parametrize(
    "settings",
    [ApiSettings, RedirectSettings, RendererSettings, AnalyticsSettings, WebhookSettings],
)
def test_every_variable_is_documented(settings: type[BaseSettings]) -> None:
    missing = [name for name in env_names(settings) if f"`{name}`" not in DOC]
    assert not missing, f"add to docs/configuration.md: {missing}"

"""Settings of the API's webhook routes."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from qrstack_common.settings import ServiceSettings


class WebhookRouteSettings(ServiceSettings):
    webhook_allow_local_urls: bool = Field(
        False,
        validation_alias=AliasChoices("WEBHOOK_ALLOW_LOCAL_URLS", "webhook_allow_local_urls"),
        description="Development only: accept http:// webhook URLs and loopback hosts "
        "(receivers on this machine). Private and link-local addresses stay refused. The "
        "delivery worker reads the same variable.",
    )

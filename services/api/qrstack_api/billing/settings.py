"""Settings of billing: the price catalogue and the webhook's signing secret.

`ApiSettings` inherits these fields; each is read from the environment variable named first in
its aliases. `BILLING_PRICES` is JSON: `{"pro_monthly": {"id": "price_…", "amount": 900,
"currency": "usd", "interval": "month", "plan": "pro"}, …}` with the payment provider's price
ids, so that a subscription's price tells which plan it buys.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from qrstack_common.settings import ServiceSettings, setting


class Price(BaseModel):
    """One price of the catalogue (amount in the currency's minor unit, e.g. cents)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, description="The payment provider's price id.")
    amount: int = Field(ge=0, description="In the currency's minor unit (cents).")
    currency: Annotated[str, Field(pattern=r"^[a-z]{3}$", description="ISO 4217, lower case.")]
    interval: Literal["month", "year"]
    plan: Literal["pro", "business"] = Field(description="The plan a subscription to it buys.")


DEFAULT_PRICES: dict[str, Price] = {
    "pro_monthly": Price(id="price_pro_monthly", amount=900, currency="usd", interval="month",
                         plan="pro"),
    "pro_annual": Price(id="price_pro_annual", amount=8600, currency="usd", interval="year",
                        plan="pro"),
    "business_monthly": Price(id="price_business_monthly", amount=2900, currency="usd",
                              interval="month", plan="business"),
    "business_annual": Price(id="price_business_annual", amount=27800, currency="usd",
                             interval="year", plan="business"),
}  # fmt: skip


class BillingSettings(ServiceSettings):
    billing_prices: dict[str, Price] = setting(
        "BILLING_PRICES",
        default_factory=lambda: dict(DEFAULT_PRICES),
        description="The price catalogue (JSON object of name → price).",
    )
    billing_webhook_secret: SecretStr | None = setting(
        "BILLING_WEBHOOK_SECRET",
        None,
        also=("STRIPE_WEBHOOK_SECRET",),
        description="Signing secret of the subscription webhook (whsec_…); unset: refused.",
    )
    billing_webhook_tolerance_s: int = setting(
        "BILLING_WEBHOOK_TOLERANCE",
        300,
        ge=1,
        description="How old (or early) a signed webhook timestamp may be, in seconds.",
    )

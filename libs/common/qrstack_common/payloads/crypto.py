"""Cryptocurrency payment requests.

- bitcoin, litecoin, dogecoin: BIP21 `bitcoin:<address>?amount=…&label=…&message=…`
  (amount in coins, decimal notation, never an exponent).
- ethereum: EIP-681 `ethereum:<address>?value=<wei>`.
- usdc-eth: EIP-681 token transfer `ethereum:<USDC contract>@1/transfer?address=…&uint256=…`
  (USDC has 6 decimals).
- solana: Solana Pay `solana:<recipient>?amount=…&label=…&message=…`.

EIP-681 has no label or message parameter. TurtleQR documents `label` for every chain, so it
is accepted on the two Ethereum chains too: kept with the code (it reads back and names the
code in lists) but not in the image, where no wallet could read it. A `message` (not a
TurtleQR field) is still refused there rather than dropped without a word.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import quote

from pydantic import BeforeValidator, Field

from qrstack_common.errors import Issue
from qrstack_common.payloads.fields import Line, at_most, one_of
from qrstack_common.payloads.model import Payload, alias

Chain = Literal["bitcoin", "ethereum", "litecoin", "dogecoin", "solana", "usdc-eth"]

USDC_CONTRACT = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"  # USDC on Ethereum mainnet

_B58 = "1-9A-HJ-NP-Za-km-z"
_BECH32 = "02-9ac-hj-np-z"
_ADDRESSES: dict[str, tuple[re.Pattern[str], str]] = {
    "bitcoin": (
        re.compile(rf"bc1[{_BECH32}]{{8,87}}|BC1[{_BECH32.upper()}]{{8,87}}|[13][{_B58}]{{25,34}}"),
        "bc1…, 1… or 3…",
    ),
    "litecoin": (
        re.compile(
            rf"ltc1[{_BECH32}]{{8,87}}|LTC1[{_BECH32.upper()}]{{8,87}}|[LM3][{_B58}]{{26,33}}"
        ),
        "ltc1…, L…, M… or 3…",
    ),
    "dogecoin": (re.compile(rf"[DA9][{_B58}]{{25,34}}"), "D…, A… or 9…"),
    "ethereum": (re.compile(r"0x[0-9a-fA-F]{40}"), "0x and 40 hex digits"),
    "usdc-eth": (re.compile(r"0x[0-9a-fA-F]{40}"), "0x and 40 hex digits"),
    "solana": (re.compile(rf"[{_B58}]{{32,44}}"), "32 to 44 base58 characters"),
}
# Smallest unit of each chain, in decimal places of the amount.
DECIMALS: dict[str, int] = {
    "bitcoin": 8,
    "litecoin": 8,
    "dogecoin": 8,
    "ethereum": 18,
    "usdc-eth": 6,
    "solana": 9,
}
_CHAINS = {name: name for name in DECIMALS} | {
    "btc": "bitcoin",
    "eth": "ethereum",
    "ltc": "litecoin",
    "doge": "dogecoin",
    "sol": "solana",
    "usdc": "usdc-eth",
}

Memo = Annotated[Line, at_most(64)]  # RecodeQR: label and message, max 64


class CryptoPayload(Payload):
    """`chain` (RecodeQR: `currency`; default bitcoin), `address` (max 256), `amount`
    (RecodeQR's default 0 means none), `label` and `message` (max 64)."""

    chain: Annotated[Chain, BeforeValidator(one_of(_CHAINS, "supported chains"))] = alias(
        "chain", "currency", default="bitcoin"
    )
    address: Annotated[Line, at_most(256)]
    amount: (
        Annotated[Decimal, Field(ge=0, le=Decimal(10**12), max_digits=40, allow_inf_nan=False)]
        | None
    ) = None
    label: Memo | None = None
    message: Memo | None = None

    def cross_field_issues(self) -> list[Issue]:
        issues = []
        pattern, shape = _ADDRESSES[self.chain]
        if not pattern.fullmatch(self.address):
            issues.append(Issue(("address",), f"is not a valid {self.chain} address ({shape})"))
        if self.amount is not None:
            places = -self.amount.normalize().as_tuple().exponent  # type: ignore[operator]
            if places > DECIMALS[self.chain]:
                issues.append(
                    Issue(
                        ("amount",),
                        f"has {places} decimal places; {self.chain} allows {DECIMALS[self.chain]}",
                    )
                )
        if self.chain in ("ethereum", "usdc-eth"):
            issues.extend(
                Issue((name,), f"cannot be carried by an {self.chain} payment request (EIP-681)")
                for name in ("message",)
                if getattr(self, name)
            )
        return issues


def format_amount(amount: Decimal) -> str:
    """Decimal notation without exponent or trailing zeros: 0.05, 12, 0.00000001."""
    text = format(amount.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _smallest_units(amount: Decimal, chain: str) -> int:
    return int(amount.scaleb(DECIMALS[chain]))


def _query(params: list[tuple[str, str]]) -> str:
    return "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params) if params else ""


def encode_crypto(payload: CryptoPayload) -> str:
    amount = payload.amount if payload.amount else None  # 0 is "no amount" (RecodeQR)
    if payload.chain == "ethereum":
        params = [("value", str(_smallest_units(amount, "ethereum")))] if amount else []
        return f"ethereum:{payload.address}{_query(params)}"
    if payload.chain == "usdc-eth":
        params = [("address", payload.address)]
        if amount:
            params.append(("uint256", str(_smallest_units(amount, "usdc-eth"))))
        return f"ethereum:{USDC_CONTRACT}@1/transfer{_query(params)}"
    params = [("amount", format_amount(amount))] if amount else []
    if payload.label:
        params.append(("label", payload.label))
    if payload.message:
        params.append(("message", payload.message))
    return f"{payload.chain}:{payload.address}{_query(params)}"

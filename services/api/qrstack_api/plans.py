"""Plans and what each allows (TurtleQR's tiers). A request for more is 402
`plan_limit_exceeded` naming the feature and the plan that has it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qrstack_common.errors import ApiError

PlanName = Literal["free", "personal", "pro", "business"]
Feature = Literal["scheduling", "scan_caps", "passwords", "routing_rules", "csv_export"]

PRO_FEATURES: frozenset[Feature] = frozenset(
    {"scheduling", "scan_caps", "passwords", "routing_rules", "csv_export"}
)


@dataclass(frozen=True)
class Plan:
    name: PlanName
    max_codes: int | None  # None: unlimited
    max_folders: int | None
    features: frozenset[Feature]
    # No tier limits these today (TurtleQR's reference gives none): None, unlimited. Billing
    # reports the usage against them all the same.
    max_scans_per_month: int | None = None
    max_storage_bytes: int | None = None
    max_seats: int | None = None


PLANS: dict[str, Plan] = {
    "free": Plan("free", max_codes=50, max_folders=3, features=frozenset()),
    # TurtleQR's personal tier: the free tier's folder limit (3) and no Pro features; its
    # code limit is qrstack's (the reference gives none).
    "personal": Plan("personal", max_codes=250, max_folders=3, features=frozenset()),
    "pro": Plan("pro", max_codes=5_000, max_folders=50, features=PRO_FEATURES),
    "business": Plan("business", max_codes=None, max_folders=None, features=PRO_FEATURES),
}

_FEATURE_NAMES = {
    "scheduling": "Scheduling (activeFrom/expiresAt)",
    "scan_caps": "Scan caps (maxScans)",
    "passwords": "Password-protected codes",
    "routing_rules": "Routing rules",
    "csv_export": "CSV export",
}


def feature_name(feature: str) -> str:
    """A feature as people read it ("Scan caps (maxScans)")."""
    return _FEATURE_NAMES.get(feature, feature)


def plan_of(name: str) -> Plan:
    return PLANS[name]


def require_feature(plan_name: str, feature: Feature) -> None:
    """402 unless the plan includes `feature`."""
    if feature not in PLANS[plan_name].features:
        raise ApiError(
            "plan_limit_exceeded",
            f"{_FEATURE_NAMES[feature]} needs the Pro plan or higher; "
            f"this workspace is on {plan_name}.",
        )


def require_room(plan_name: str, what: Literal["codes", "folders"], current: int) -> None:
    """402 when the workspace already holds as many `what` as its plan allows."""
    plan = PLANS[plan_name]
    limit = plan.max_codes if what == "codes" else plan.max_folders
    if limit is not None and current >= limit:
        raise ApiError(
            "plan_limit_exceeded",
            f"The {plan_name} plan allows {limit} {what}; this workspace has {current}. "
            "Upgrade to create more.",
        )

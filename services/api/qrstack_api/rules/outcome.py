"""What a real scan of the code gets at an instant, for the rule tester: the steps the redirect
service takes before and after the routing rules (docs/redirect.md, "What a scan gets").

Before the rules: a paused code sends the scan to its fallback URL, else the paused page (404);
before `activeFrom` or from `expiresAt` on, to the fallback, else the "not active" page (410);
a used-up scan cap, to the fallback, else the "limit reached" page (410); a password, to the
gate page (200) until the scanner passes it. The code's state is the API's own reading
(`derived_status`, as GET /v1/codes/{id} shows it; the cap's count is the redirect's books).
After the rules: a rule's target, else the hosted page at the short URL (200), the app store
for the scanner's OS, or the code's target, with the code's redirect status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from qrstack_api.codes.status import derived_status

Outcome = Literal[
    "redirect", "page", "fallback", "not_active", "limit_reached", "password_required"
]


@dataclass(frozen=True)
class ScanAnswer:
    """The redirect's answer: its outcome (as its scan events name it), HTTP status, where the
    scan goes (None: one of the redirect's own pages) and why."""

    outcome: Outcome
    status: int
    target_url: str | None
    reason: str


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _elsewhere(code: Any, outcome: Outcome, status: int, page: str, why: str) -> ScanAnswer:
    fallback: str | None = code["fallback_url"]
    if fallback:
        return ScanAnswer(outcome, 302, fallback, f"{why}: the scan goes to its fallback URL.")
    return ScanAnswer(outcome, status, None, f"{why}: the scan gets the {page} page ({status}).")


def before_rules(
    code: Any, at: datetime, scans_used: int | None, *, unlocked: bool
) -> ScanAnswer | None:
    """What stops a scan at `at` before the rules are read, or None when the rules decide."""
    state = derived_status(code, at, scans_used)
    if state == "suspended":
        return _elsewhere(code, "fallback", 404, "paused", "The code is paused")
    if state == "scheduled":
        why = f"The code is not active before {_when(code['active_from'])}"
        return _elsewhere(code, "not_active", 410, "not active", why)
    if state == "expired":
        why = f"The code expired at {_when(code['expires_at'])}"
        return _elsewhere(code, "not_active", 410, "not active", why)
    if state == "limit_reached":
        why = f"The code's scan cap of {code['max_scans']:,} scans is used up"
        return _elsewhere(code, "limit_reached", 410, "limit reached", why)
    if code["password_hash"] is not None and not unlocked:
        return ScanAnswer(
            "password_required", 200, None,
            "The code is password-protected: the scan gets the password page first "
            "(test with unlocked: true for what follows the right password).",
        )  # fmt: skip
    return None


def after_rules(
    code: Any, rule_target: str | None, default_target: str | None, hosted_url: str | None
) -> ScanAnswer:
    """Where the scan goes once the rules have been read (`rule_target`: the deciding rule's)."""
    status: int = code["redirect_status"]
    if rule_target is not None:
        return ScanAnswer("redirect", status, rule_target, f"A rule sends the scan ({status}).")
    if hosted_url is not None:
        return ScanAnswer(
            "page", 200, hosted_url, "The code's hosted page is shown at its short URL (200)."
        )
    return ScanAnswer(
        "redirect", status, default_target, f"The scan goes to the code's own target ({status})."
    )

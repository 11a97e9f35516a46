"""The console's billing page: the workspace's plan, its subscription or trial, what the plan
allows and what the workspace uses (codes, folders, scans this month, files and their bytes,
seats against the plan's limits; all-time scans), the plan's features and the price catalogue.
The scan figures are the analytics service's: while it does not answer they say so and the rest
of the page is shown.

Everything shown is `GET /v1/billing`'s answer (and the folder count of `GET /v1/folders`), so
the numbers are the API's. The page only reads; billing is the owner's (`billing:read`): any
other role gets the API's refusal as the page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from qrstack_api.console.client import call
from qrstack_api.console.pages import page
from qrstack_api.console.shell import Refused, context_of, items, need, read_only, signed_in
from qrstack_api.plans import PRO_FEATURES, feature_name

routes = web.RouteTableDef()


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class Use:
    """One row of the usage table: what the workspace uses against what its plan allows."""

    key: str
    label: str
    used: int | None  # None: the figure is unavailable (analytics did not answer)
    limit: int | None  # None: the plan sets no limit
    unit: str = "count"  # or "bytes"
    detail: str = ""

    @property
    def share(self) -> int | None:
        """How full the limit is, in whole percent (None: no limit or no figure)."""
        if self.used is None or not self.limit:
            return None
        return min(100, round(100 * self.used / self.limit))


@routes.get("/console/billing")
@signed_in
async def billing(request: web.Request) -> web.Response:
    shell, state, folders = await asyncio.gather(
        context_of(request),
        call(request, "GET", "/v1/billing"),
        call(request, "GET", "/v1/folders"),
    )
    if state.status == 403:
        raise Refused(403, read_only(shell, "see billing (the workspace owner can)"))
    billed = need(state)
    limits = billed["limits"]
    folder_count = len(items(need(folders)))
    used = billed["usage"]
    seats = used["seats"]
    usage = [
        Use("codes", "Codes", billed["codesCount"], limits["maxCodes"]),
        Use("folders", "Folders", folder_count, limits["maxFolders"]),
        Use(
            "scans-month", "Scans this month", used["scans"]["thisMonth"],
            limits["maxScansPerMonth"], detail=f"since {used['scans']['monthStart'][:10]}, UTC",
        ),
        Use("scans", "Scans, all time", used["scans"]["allTime"], None),
        Use("files", "Files", used["files"]["count"], None),
        Use("storage", "File storage", used["files"]["bytes"], limits["maxStorageBytes"],
            unit="bytes"),
        Use(
            "seats", "Seats", seats["used"], limits["maxSeats"],
            detail=f"{_count(seats['members'], 'member')} + "
            f"{_count(seats['pendingInvites'], 'pending invite')}",
        ),
    ]  # fmt: skip
    features = [
        (name, feature_name(name), name in limits["features"]) for name in sorted(PRO_FEATURES)
    ]
    prices = sorted(billed["prices"].values(), key=lambda p: (p["plan"], p["interval"] != "month"))
    return page(
        request, "billing.html", **shell, billing=billed, prices=prices, features=features,
        usage=usage,
    )  # fmt: skip

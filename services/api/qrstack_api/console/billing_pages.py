"""The console's billing page: the workspace's plan, its subscription or trial, what the plan
allows and what the workspace uses (codes and folders against the plan's limits, all-time
scans), the plan's features and the price catalogue.

Everything shown is `GET /v1/billing`'s answer (and the folder count of `GET /v1/folders`), so
the numbers are the API's. The page only reads; billing is the owner's (`billing:read`): any
other role gets the API's refusal as the page.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from qrstack_api.console.client import call
from qrstack_api.console.pages import page
from qrstack_api.console.shell import Refused, context_of, items, need, read_only, signed_in
from qrstack_api.plans import PRO_FEATURES, feature_name

routes = web.RouteTableDef()


def _share(used: int | None, limit: int | None) -> int | None:
    """How full the limit is, in whole percent (None: no limit or no figure)."""
    if used is None or not limit:
        return None
    return min(100, round(100 * used / limit))


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
    usage = [
        ("codes", "Codes", billed["codesCount"], limits["maxCodes"]),
        ("folders", "Folders", folder_count, limits["maxFolders"]),
    ]
    features = [
        (name, feature_name(name), name in limits["features"]) for name in sorted(PRO_FEATURES)
    ]
    prices = sorted(billed["prices"].values(), key=lambda p: (p["plan"], p["interval"] != "month"))
    return page(
        request, "billing.html", **shell, billing=billed, prices=prices, features=features,
        usage=[(key, label, used, limit, _share(used, limit)) for key, label, used, limit in usage],
    )  # fmt: skip

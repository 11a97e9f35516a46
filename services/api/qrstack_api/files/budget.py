"""How the public file streams count against their rate limit: in page views.

The budget (TurtleQR's "30 requests per IP per hour", rule `files` of the rate limits) is
counted per client address **and workspace**, in page views: each workspace sets its own
(`filesRateLimit` of `PATCH /v1/workspaces/{id}`; unset: the rule's limit). One page view is
every file of the page sent once, whatever the requests:

- an image of an n-image carousel costs 1/n of a view, so a visitor who sees a 10-image
  carousel spends one view, not ten;
- a PDF costs the share of it sent: the whole document 1, a `Range` request its part, so a
  viewer fetching a document in pieces spends about one view in all;
- every request costs at least `MIN_COST` (1/250 of a view): a 304, a HEAD, a tiny range;
- a request that finds no file (404, a locked protected code included) costs a whole view,
  from the address's budget for unknown codes (the default limit).

Counts are kept in thousandths of a view (`UNIT`) in the shared rate-limit counter; the
`X-RateLimit-*` headers speak in whole views.
"""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from qrstack_api.ratelimit.admission import PENDING, RATE_LIMITS, VERDICT
from qrstack_api.ratelimit.limiter import Verdict

UNIT = 1000
MIN_COST = UNIT // 250


def request_cost(sent: int, size: int, files_on_page: int) -> int:
    """Thousandths of a view for sending `sent` bytes of a `size`-byte file of a page of
    `files_on_page` files."""
    if size <= 0:
        return UNIT
    # Rounded down: the pieces of one file (Range requests, a carousel's images) add up to
    # at most one view, never a thousandth more.
    return max(MIN_COST, UNIT * sent // (size * max(1, files_on_page)))


async def charge(
    request: web.Request, workspace_id: UUID | None, limit: int | None, cost: int
) -> None:
    """Count `cost` against the address's budget at this workspace (None: the budget for
    unknown codes); 429 `rate_limited` past it. `limit` None: the rule's own."""
    pending = request.get(PENDING)
    if pending is None:  # not counted by this layer (the limits are off for this path)
        return
    limits = request.app[RATE_LIMITS]
    quota, subject = pending.quota, pending.subject
    views = quota.limit if limit is None else limit
    where = "unknown" if workspace_id is None else workspace_id.hex
    counted = await limits.limiter.hit(
        quota.bucket(f"ws:{where}:{subject}"), views * UNIT, quota.window_s, cost
    )
    verdict = Verdict(
        limit=views,
        remaining=counted.remaining // UNIT,
        reset_s=counted.reset_s,
        allowed=counted.allowed,
    )
    request[VERDICT] = verdict
    if not verdict.allowed:
        limits.refused(quota.rule)
        raise verdict.refusal(
            f"Rate limit of {views} page views of public files per {quota.window_s} s reached "
            f"for this client address; retry in {verdict.reset_s} s."
        )

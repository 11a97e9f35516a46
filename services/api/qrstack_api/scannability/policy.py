"""A workspace policy: refuse designs that score below `API_MIN_SCANNABILITY_GRADE`.

Checked after the code is written and before its transaction commits, on the image the code
will really print (its short URL or static content, its stored style): a refusal rolls the
write back, outbox event included, so nothing changes. Off when the setting is unset.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from qrstack_api.codes.view import image_data
from qrstack_api.context import SETTINGS
from qrstack_api.upstream import UPSTREAM
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.payloads import find_type
from qrstack_common.render.score import GRADES


async def require_scannable(app: web.Application, row: Any) -> None:
    """400 on `style` when the code's design scores below the configured grade."""
    settings = app[SETTINGS]
    floor = settings.min_scannability_grade
    if floor is None:
        return
    design: dict[str, Any] = {"data": image_data(settings, row)}
    payload_type = find_type(row["type"])
    if payload_type is not None and payload_type.error_correction:
        design["errorCorrection"] = payload_type.error_correction
    if row["style"]:
        design["style"] = row["style"]
    try:
        async with app[UPSTREAM].post(
            f"{settings.renderer_url}/v1/scannability", json=design
        ) as answer:
            body = await answer.json()
            status = answer.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise ApiError(
            "unavailable",
            "The renderer, which checks designs against this workspace's minimum grade, is "
            "unreachable; try again shortly.",
            headers={"Retry-After": "5"},
        ) from exc
    if status != 200:
        issues = [Issue(tuple(i["path"]), i["reason"]) for i in body.get("issues", [])]
        raise validation_failed(issues or [Issue(("style",), "the design cannot be scored")])
    grade = body["grade"]
    if GRADES.index(grade) > GRADES.index(floor):
        why = "; ".join(body["reasons"][:3])
        raise validation_failed(
            [
                Issue(
                    ("style",),
                    f"this design scores {grade} for scannability and the minimum here is "
                    f"{floor}: {why}",
                )
            ]
        )

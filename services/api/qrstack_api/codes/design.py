"""Designs refused before they are saved, and the /v1 shape of a style.

The scannability guard has one implementation: the checks that need no image library run from
the render contract in libs/common (`qrstack_common.render.contrast`), the ones that need the
encoded symbol, the logo's pixels or the font run in the renderer, asked over HTTP with the
very spec the code's image will be drawn from (`POST /v1/check`: the renderer's guard alone,
204 or the 400 `POST /v1/render` would give, nothing drawn). The check runs inside the
transaction that writes the code, after the write, so the data checked is exactly what will
be printed (the slug, the domain, the content); a refusal rolls the write back: 400 with the
`style.*` field path, nothing stored.

While the renderer is unreachable, only the contrast check can run; the code is saved and
the renderer's own guard still refuses the image when it is drawn (logged as a warning).

The /v1 shape of a style (defaults, `gradient` vs `moduleGradient`) is `codes.style_shape`.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from pydantic import ValidationError

from qrstack_api.codes.view import image_data
from qrstack_api.settings import ApiSettings
from qrstack_api.upstream import Outage
from qrstack_common.errors import Issue, issues_from_pydantic, validation_failed
from qrstack_common.payloads import find_type
from qrstack_common.render.contrast import contrast_issues
from qrstack_common.render.spec import Style

log = logging.getLogger(__name__)


async def refuse_unscannable(
    session: aiohttp.ClientSession, settings: ApiSettings, row: Any, outage: Outage
) -> None:
    """400 (`style.*` paths) when the stored design of `row` would not scan; call inside the
    transaction that wrote it, so a refusal stores nothing. While `outage` says the renderer
    failed a moment ago, the contrast check alone, without asking it."""
    if not row["style"]:
        return
    try:
        style = Style.model_validate(row["style"])
    except ValidationError as exc:
        raise validation_failed(
            [
                Issue(("style", *i.path), i.reason, i.code)
                for i in issues_from_pydantic(exc.errors())
            ]
        ) from None
    issues = contrast_issues(style)
    if issues:
        raise validation_failed(issues)
    spec: dict[str, Any] = {
        "data": image_data(settings, row),
        "format": "svg",
        "style": row["style"],
    }
    payload_type = find_type(row["type"])
    if payload_type is not None and payload_type.error_correction:
        spec["errorCorrection"] = payload_type.error_correction
    if outage.ongoing():
        return
    try:
        async with session.post(f"{settings.renderer_url}/v1/check", json=spec) as answer:
            if answer.status != 400:
                await answer.read()
                if answer.status < 500:
                    outage.answered()
                    return
                outage.failed()
                return
            body = await answer.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        outage.failed()
        log.warning("renderer unreachable: design saved with the contrast check only")
        return
    outage.answered()
    found = [
        Issue(
            tuple(path) if path and path[0] == "style" else ("style", *path),
            str(issue.get("message") or issue.get("reason") or "would not scan"),
            str(issue.get("code") or "custom"),
        )
        for issue in body.get("issues") or [{}]
        for path in [list(issue.get("path") or [])]
    ]
    raise validation_failed(found)

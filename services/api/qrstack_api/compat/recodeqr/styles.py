"""RecodeQR's `styles` object ↔ the code's stored style (the render contract's `Style`).

RecodeQR has five style fields: `logo_url` (a public URL), `logo` (a base64 data URI; png, jpg
or svg, at most 1 MB), `bg_color`, `fg_color` and `remove_logo_bg`. They are the renderer's
`logo`, `background`, `foreground` and `removeLogoBackground`. A code always reads back with all
four of the object's fields (`logo_url`, `bg_color`, `fg_color`, `remove_logo_bg`), defaults
`#FFFFFF` and `#000000`; a logo sent as a data URI reads back as that data URI in `logo_url`.
What /v1 adds (patterns, gradients, eyes, frames) is not shown here and is kept when a RecodeQR
client replaces the styles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from qrstack_common.errors import ApiError, Issue, issues_from_pydantic
from qrstack_common.payloads import web_url
from qrstack_common.render.contrast import contrast_issues
from qrstack_common.render.logos import parse_data_uri
from qrstack_common.render.spec import Style

STYLE_KEYS = ("logo_url", "logo", "bg_color", "fg_color", "remove_logo_bg")
# RecodeQR's field → the stored style's key.
_STORED = {
    "logo_url": "logo",
    "logo": "logo",
    "bg_color": "background",
    "fg_color": "foreground",
    "remove_logo_bg": "removeLogoBackground",
}
OWN_STORED_KEYS = frozenset(_STORED.values())
# A stored or renderer style key (and the renderer's Python names) → RecodeQR's field.
RECODEQR_STYLE_NAMES = {
    "foreground": "fg_color",
    "background": "bg_color",
    "logo": "logo_url",
    "removeLogoBackground": "remove_logo_bg",
    "remove_logo_background": "remove_logo_bg",
}
DEFAULT_BACKGROUND = "#FFFFFF"
DEFAULT_FOREGROUND = "#000000"


def _at(*path: str | int) -> tuple[str | int, ...]:
    return ("styles", *path)


def _logo_issue(field: str, value: object) -> Issue | None:
    if not isinstance(value, str):
        return Issue(_at(field), "must be a string")
    if value.startswith("data:"):
        try:
            parse_data_uri(value)  # png, jpeg or svg; at most 1 MiB decoded
        except ApiError as exc:
            return Issue(_at(field), exc.issues[0].reason if exc.issues else exc.detail)
        return None
    if field == "logo":
        return Issue(_at(field), "must be a base64 data URI like data:image/png;base64,…")
    try:
        web_url(value)
    except ValueError as exc:
        return Issue(_at(field), str(exc))
    return None


def styles_input(raw: object, current: Mapping[str, Any] | None) -> tuple[Any, list[Issue]]:
    """RecodeQR `styles` as the stored style's fields, and the issues with it (under
    `styles`). `current` is the stored style whose /v1-only fields are kept; RecodeQR's own
    fields that are not sent go back to their defaults. None (no style) when nothing is left.
    """
    kept = {k: v for k, v in (current or {}).items() if k not in OWN_STORED_KEYS}
    if raw is None:
        return (kept or None), []
    if not isinstance(raw, Mapping):
        return None, [Issue(("styles",), "must be an object")]
    issues = [Issue(_at(str(key)), "is not a style field; use " + ", ".join(STYLE_KEYS))
              for key in raw if key not in STYLE_KEYS]  # fmt: skip
    sent = {key: value for key, value in raw.items() if key in STYLE_KEYS and value is not None}
    if "logo" in sent and "logo_url" in sent:
        issues.append(Issue(_at("logo"), "send logo_url or logo, not both"))
    for field in ("logo_url", "logo"):
        if field in sent and (problem := _logo_issue(field, sent[field])) is not None:
            issues.append(problem)
    if "remove_logo_bg" in sent and not isinstance(sent["remove_logo_bg"], bool):
        issues.append(Issue(_at("remove_logo_bg"), "must be true or false"))
    if issues:
        return None, issues
    style = kept | {_STORED[key]: value for key, value in sent.items()}
    try:
        validated = Style.model_validate(style)
    except ValidationError as exc:
        return None, [recodeqr_style_issue(i) for i in issues_from_pydantic(exc.errors())]
    contrast = [
        recodeqr_style_issue(Issue(i.path[1:], i.reason)) for i in contrast_issues(validated)
    ]
    if contrast:
        return None, contrast
    return (style or None), []


def recodeqr_style_issue(issue: Issue) -> Issue:
    """An issue with a style field (path relative to the style) under RecodeQR's names."""
    if not issue.path:
        return Issue(("styles",), issue.reason)
    head = issue.path[0]
    name = RECODEQR_STYLE_NAMES.get(head, head) if isinstance(head, str) else head
    return Issue(("styles", name, *issue.path[1:]), issue.reason)


def styles_view(style: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored style as RecodeQR's `styles` object (its four fields, defaults filled)."""
    stored = style or {}

    def colour(key: str, default: str) -> str:
        value = stored.get(key)
        return value.upper() if isinstance(value, str) and value.startswith("#") else (
            value if isinstance(value, str) else default
        )  # fmt: skip

    return {
        "logo_url": stored.get("logo"),
        "bg_color": colour("background", DEFAULT_BACKGROUND),
        "fg_color": colour("foreground", DEFAULT_FOREGROUND),
        "remove_logo_bg": bool(stored.get("removeLogoBackground", False)),
    }

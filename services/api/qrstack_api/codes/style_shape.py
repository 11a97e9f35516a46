"""TurtleQR's shape of a style at the /v1 boundary (see `codes.design`).

- defaults: a code made through /v1 without colours gets `foreground` #2D7A4E and a
  transparent `background` (the render contract's own defaults stay black on white, for the
  other surfaces and for codes made before);
- `style.gradient` is the background gradient `{type, from, to, angle}`; a gradient over the
  dark modules is `style.moduleGradient`. Stored, both are the contract's `gradient` with its
  `target`.
"""

from __future__ import annotations

from typing import Any

DEFAULT_FOREGROUND = "#2D7A4E"
DEFAULT_BACKGROUND = "transparent"
_FOREGROUND_NAMES = ("foreground", "fg_color")
_BACKGROUND_NAMES = ("background", "bg_color")


def with_default_colours(body: Any) -> Any:
    """A /v1 create body with TurtleQR's default colours where the style names none."""
    if not isinstance(body, dict):
        return body
    style = body.get("style")
    if style is None:
        style = {}
    if not isinstance(style, dict):
        return body  # refused as it is by the model
    defaults: dict[str, Any] = {}
    if not any(name in style for name in _FOREGROUND_NAMES) and "moduleGradient" not in style:
        defaults["foreground"] = DEFAULT_FOREGROUND
    if not any(name in style for name in _BACKGROUND_NAMES) and "gradient" not in style:
        defaults["background"] = DEFAULT_BACKGROUND
    return {**body, "style": {**defaults, **style}}


def style_in(value: Any) -> Any:
    """A /v1 style → the render contract's: `gradient` paints the background unless it says
    otherwise, `moduleGradient` the dark modules."""
    if not isinstance(value, dict):
        return value
    style = dict(value)
    module = style.pop("moduleGradient", None)
    gradient = style.get("gradient")
    if isinstance(gradient, dict) and "target" not in gradient:
        style["gradient"] = {**gradient, "target": "background"}
    if module is not None:
        if "gradient" in style:
            raise ValueError("send gradient (the background) or moduleGradient, not both")
        style["gradient"] = (
            {**module, "target": "foreground"} if isinstance(module, dict) else module
        )
    return style


def style_out(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored style in the /v1 shape (the inverse of `style_in`)."""
    if stored is None or "gradient" not in stored:
        return stored  # no copy: the row's decoded style is the view's own
    style = dict(stored)
    gradient = style.get("gradient")
    if isinstance(gradient, dict):
        shown = {k: v for k, v in gradient.items() if k != "target"}
        if gradient.get("target", "foreground") == "foreground":
            del style["gradient"]
            style["moduleGradient"] = shown
        else:
            style["gradient"] = shown
    return style

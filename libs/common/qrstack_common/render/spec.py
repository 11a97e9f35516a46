"""What a caller asks the renderer for: `RenderSpec` and its `Style` (TurtleQR's field names).

The models validate shape and ranges only; whether a valid style would still scan is the
scannability guard's question (see `qrstack_common.render`). RecodeQR's names are accepted as
aliases (`fg_color`, `bg_color`, `logo_url`, `remove_logo_bg`). Unknown fields are refused so a
misspelt style field fails loudly instead of rendering something else.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, model_validator

ErrorCorrection = Literal["L", "M", "Q", "H"]
EC_ORDER: tuple[ErrorCorrection, ...] = ("L", "M", "Q", "H")

ImageFormat = Literal["png", "svg", "pdf", "jpeg", "webp"]
Pattern = Literal[
    "square",
    "rounded",
    "dots",
    "classy",
    "classy-rounded",
    "extra-rounded",
    "horizontal-stripe",
    "vertical-stripe",
]
EyeShape = Literal[
    "square", "rounded", "extra-rounded", "circle", "leaf", "pin", "inpoint", "outpoint", "cross"
]
FrameStyle = Literal["none", "box", "rounded", "banner-top", "label"]
SocialIcon = Literal[
    "instagram", "tiktok", "youtube", "x", "facebook", "linkedin", "pinterest", "snapchat"
]
MAX_DATA_CHARS = 4296
MAX_IMAGE_PX = 4096
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _hex_color(value: str) -> str:
    match = _HEX.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a hex colour like #1a2b3c")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _hex_or_transparent(value: str) -> str:
    return "transparent" if value.strip().lower() == "transparent" else _hex_color(value)


HexColor = Annotated[str, AfterValidator(_hex_color)]
Background = Annotated[str, AfterValidator(_hex_or_transparent)]

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _without_nulls(data: Any) -> Any:
    """Stored styles carry `null` for unset fields (RecodeQR's `"logo_url": null`): a null
    means "not set", so the default applies."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if value is not None}
    return data


class Gradient(BaseModel):
    """A two-stop gradient. `angle` in degrees, 0 = left to right, 90 = top to bottom.

    `target` says what it paints: the dark modules (default) or the background.
    """

    model_config = _STRICT

    type: Literal["linear", "radial"] = "linear"
    from_: HexColor = Field(alias="from")
    to: HexColor
    angle: float = Field(0.0, ge=-360.0, le=360.0)
    target: Literal["foreground", "background"] = "foreground"


class CenterIcon(BaseModel):
    """A social network's icon in the middle; `scale` is its width over the symbol's."""

    model_config = _STRICT

    id: SocialIcon
    scale: float = Field(0.2, ge=0.1, le=0.3)


class Style(BaseModel):
    """How a code looks. Defaults draw a plain black-on-white code."""

    model_config = _STRICT

    _nulls = model_validator(mode="before")(_without_nulls)

    foreground: HexColor = Field("#000000", validation_alias=AliasChoices("foreground", "fg_color"))
    background: Background = Field(
        "#ffffff", validation_alias=AliasChoices("background", "bg_color")
    )
    gradient: Gradient | None = None
    pattern: Pattern = "square"
    corners: EyeShape = "square"
    eye_outer: HexColor | None = Field(None, validation_alias=AliasChoices("eyeOuter", "eye_outer"))
    eye_inner: HexColor | None = Field(None, validation_alias=AliasChoices("eyeInner", "eye_inner"))
    logo: str | None = Field(
        None,
        validation_alias=AliasChoices("logo", "logo_url", "logoUrl"),
        description="A data: URI (png, jpeg, svg) or an http(s) URL fetched by the service.",
    )
    logo_size: float = Field(
        0.22,
        ge=0.1,
        le=0.35,
        validation_alias=AliasChoices("logoSize", "logo_size"),
        description="Logo width over the symbol's width.",
    )
    remove_logo_background: bool = Field(
        False,
        validation_alias=AliasChoices(
            "removeLogoBackground", "remove_logo_bg", "remove_logo_background"
        ),
    )
    center_text: str | None = Field(
        None,
        min_length=1,
        max_length=8,
        validation_alias=AliasChoices("centerText", "center_text"),
    )
    center_icon: CenterIcon | None = Field(
        None, validation_alias=AliasChoices("centerIcon", "center_icon")
    )
    frame: FrameStyle = "none"
    frame_color: HexColor | None = Field(
        None,
        validation_alias=AliasChoices("frameColor", "frame_color"),
        description="Frame and call-to-action band colour; the foreground when absent.",
    )
    cta_text: str | None = Field(
        None,
        min_length=1,
        max_length=60,
        validation_alias=AliasChoices("ctaText", "cta_text"),
    )

    @model_validator(mode="after")
    def _one_centre_element(self) -> Style:
        present = [
            name
            for name, value in (
                ("logo", self.logo),
                ("centerText", self.center_text),
                ("centerIcon", self.center_icon),
            )
            if value is not None
        ]
        if len(present) > 1:
            raise ValueError(
                f"{' and '.join(present)} both take the centre of the code; send only one"
            )
        for name, text in (("centerText", self.center_text), ("ctaText", self.cta_text)):
            if text is not None and not text.strip():
                raise ValueError(f"{name} is blank; leave it out or write something")
        if self.logo is not None and not self.logo.startswith(("data:", "http://", "https://")):
            raise ValueError("logo must be a data: URI or an http(s) URL")
        return self

    @property
    def has_centre(self) -> bool:
        return self.logo is not None or self.center_text is not None or self.center_icon is not None

    @property
    def effective_frame(self) -> FrameStyle:
        """A call-to-action without a frame is drawn as a caption under the code."""
        if self.frame == "none" and self.cta_text:
            return "label"
        return self.frame


class RenderSpec(BaseModel):
    """One image to render. `size` is the whole image's width in pixels; `scale` is pixels per
    module; send at most one (neither: 10 px per module)."""

    model_config = _STRICT

    _nulls = model_validator(mode="before")(_without_nulls)

    data: str = Field(min_length=1, max_length=MAX_DATA_CHARS)
    format: ImageFormat = "png"
    size: int | None = Field(None, ge=21, le=MAX_IMAGE_PX)
    scale: int | None = Field(None, ge=1, le=100)
    margin: int = Field(
        4,
        ge=4,
        le=40,
        description="Quiet zone in modules; 4 is the minimum every reader needs.",
    )
    error_correction: ErrorCorrection = Field(
        "M", validation_alias=AliasChoices("errorCorrection", "error_correction", "ecc")
    )
    dpi: int = Field(300, ge=72, le=2400)
    style: Style = Field(default_factory=Style)

    @model_validator(mode="after")
    def _size_or_scale(self) -> RenderSpec:
        if self.size is not None and self.scale is not None:
            raise ValueError("send size (pixels) or scale (pixels per module), not both")
        return self

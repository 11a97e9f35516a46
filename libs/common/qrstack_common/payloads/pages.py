"""Hosted pages made of text and links: list-of-links, business-page, coupon, menu, form.

The QR code of a hosted page always carries the short URL; the redirect service renders the
page from this content at scan time. Count limits are TurtleQR's (links 1-25, menu sections
1-20, form fields 1-20, business links 15 and socials 7, coupon code 60); text lengths the
seeds leave open are ours: labels and titles 100, descriptions 500, terms 2000.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from qrstack_common.errors import Issue
from qrstack_common.payloads.fields import (
    NOT_EMPTY,
    HexColor,
    Line,
    PhoneNumber,
    Prose,
    UtcDateTime,
    WebUrl,
    at_most,
)
from qrstack_common.payloads.model import Payload, PayloadPart
from qrstack_common.payloads.web import SocialPayload

Label = Annotated[Line, NOT_EMPTY, at_most(100)]
Title = Annotated[Line, at_most(100)]
Description = Annotated[Prose, at_most(500)]


# The icons a link can show, each drawn on the hosted page (the redirect's `pages.icons`).
LinkIconName = Literal[
    "link", "website", "email", "phone", "chat", "location", "shop", "calendar", "video",
    "music", "document", "download", "rss", "star", "heart",
    "instagram", "tiktok", "x", "facebook", "linkedin", "youtube", "snapchat", "pinterest",
    "whatsapp", "telegram",
]  # fmt: skip
LINK_ICONS: tuple[str, ...] = get_args(LinkIconName)


def _icon_name(value: Any, info: ValidationInfo) -> Any:
    """Icon names in any case. Content stored before icons were checked (read with the
    context `{"stored": True}`) keeps its links: an icon that cannot be drawn is left out."""
    if not isinstance(value, str):
        return value
    name = value.strip().lower()
    if name not in LINK_ICONS and (info.context or {}).get("stored"):
        return None
    return name


class LinkItem(PayloadPart):
    """One link on a page: `label`, http(s) `url`, optional `icon` (one of the names the page
    draws; any other is refused)."""

    label: Label
    url: WebUrl
    icon: Annotated[LinkIconName | None, BeforeValidator(_icon_name)] = None


class ListOfLinksPage(Payload):
    """`items` (1-25 links), `title`, `bio`, `avatarUrl`."""

    items: Annotated[list[LinkItem], Field(min_length=1, max_length=25)]
    title: Title | None = None
    bio: Description | None = None
    avatar_url: WebUrl | None = None


class BusinessPage(Payload):
    """`name`, `tagline`, `photoUrl`, `links` (max 15), `socials` (max 7), `cta` (a link),
    `brandColor`."""

    name: Label
    tagline: Annotated[Line, at_most(160)] | None = None
    photo_url: WebUrl | None = None
    links: Annotated[list[LinkItem], Field(max_length=15)] = Field(default_factory=list)
    socials: Annotated[list[SocialPayload], Field(max_length=7)] = Field(default_factory=list)
    cta: LinkItem | None = None
    brand_color: HexColor | None = None


class CouponPage(Payload):
    """`code` (max 60), `description`, `expiresAt` (a time without offset is UTC), `terms`,
    `redirectUrl` (where the coupon is redeemed), `brandColor`."""

    code: Annotated[Line, NOT_EMPTY, at_most(60)]
    description: Description | None = None
    expires_at: UtcDateTime | None = None
    terms: Annotated[Prose, at_most(2000)] | None = None
    redirect_url: WebUrl | None = None
    brand_color: HexColor | None = None


def _price_text(value: Any) -> Any:
    # Prices arrive as text ("$12.50", "market price") or as numbers; the page shows text.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class MenuItem(PayloadPart):
    name: Label
    description: Annotated[Prose, at_most(300)] | None = None
    price: Annotated[
        Annotated[Line, at_most(32)] | None,
        BeforeValidator(
            _price_text, json_schema_input_type=Annotated[str, at_most(32)] | float | None
        ),
    ] = None


class MenuSection(PayloadPart):
    title: Label
    items: Annotated[list[MenuItem], Field(max_length=100)] = Field(default_factory=list)


class MenuPage(Payload):
    """`businessName`, `sections` (1-20, each a `title` and up to 100 `items`),
    `description`, `brandColor`, `hours`, `phone`, `address`."""

    business_name: Label
    sections: Annotated[list[MenuSection], Field(min_length=1, max_length=20)]
    description: Description | None = None
    brand_color: HexColor | None = None
    hours: Description | None = None
    phone: PhoneNumber | None = None
    address: Annotated[Line, at_most(255)] | None = None


FormFieldType = Literal[
    "text", "textarea", "email", "phone", "number", "date", "select", "checkbox"
]


def _field_id(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value):
        raise ValueError("must be 1-64 letters, digits, underscores or dashes")
    return value


class FormField(PayloadPart):
    """One input: `id` (unique in the form), `label`, `type`, `required`, `placeholder`,
    and `options` (1-50) for a select."""

    id: Annotated[str, AfterValidator(_field_id)]
    label: Label
    type: FormFieldType
    required: bool = False
    placeholder: Title | None = None
    options: Annotated[list[Label], Field(min_length=1, max_length=50)] | None = None


class FormPage(Payload):
    """`title`, `fields` (1-20), `submitLabel`, `successMessage`, `brandColor`."""

    title: Label
    fields: Annotated[list[FormField], Field(min_length=1, max_length=20)]
    submit_label: Annotated[Line, at_most(40)] | None = None
    success_message: Description | None = None
    brand_color: HexColor | None = None

    def cross_field_issues(self) -> list[Issue]:
        issues: list[Issue] = []
        seen: set[str] = set()
        for index, field in enumerate(self.fields):
            if field.id in seen:
                issues.append(Issue(("fields", index, "id"), f"repeats the id {field.id!r}"))
            seen.add(field.id)
            if field.type == "select" and not field.options:
                issues.append(Issue(("fields", index, "options"), "are required for a select"))
            if field.type != "select" and field.options is not None:
                issues.append(Issue(("fields", index, "options"), "are only for a select"))
        return issues

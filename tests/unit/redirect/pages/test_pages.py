"""Every page the redirect service renders: hosted pages of each type from validated content,
and the service's own pages; escaped, self-contained (no script, stylesheet or font fetched)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from qrstack_common.payloads import PAYLOAD_TYPES, validate_payload
from qrstack_redirect.pages import hosted_context, page_environment, render_page
from qrstack_redirect.resolve import hosted_page_template

EVIL = '<script>alert("x")</script>'
CONTENT: dict[str, tuple[dict[str, Any], list[str]]] = {
    "list-of-links": (
        {
            "title": EVIL,
            "bio": "Links",
            "items": [{"label": "Shop", "url": "https://shop.test/", "icon": "shop"}],
        },
        ["Shop", 'href="https://shop.test/"', '<svg class="icon"'],
    ),
    "business-page": (
        {
            "name": "Café Zoë",
            "tagline": EVIL,
            "brandColor": "#2d7a4e",
            "cta": {"label": "Book", "url": "https://book.test/"},
            "socials": [{"platform": "instagram", "handle": "@cafe.zoe"}],
        },
        ["Café Zoë", "https://www.instagram.com/cafe.zoe/", "--brand: #2D7A4E", "Book"],
    ),
    "coupon": (
        {
            "code": "SAVE20",
            "terms": EVIL,
            "redirectUrl": "https://shop.test/redeem",
            "expiresAt": "2026-12-31T23:59:00Z",
        },
        ["SAVE20", "Redeem", "2026-12-31 23:59"],
    ),
    "menu": (
        {
            "businessName": "Trattoria",
            "phone": "+39 06 1234567",
            "sections": [{"title": "Pizza", "items": [{"name": EVIL, "price": 9.5}]}],
        },
        ["Trattoria", "Pizza", "9.5", 'href="tel:+39 06 1234567"'],
    ),
    "form": (
        {
            "title": "RSVP",
            "fields": [
                {"id": "name", "label": EVIL, "type": "text", "required": True},
                {"id": "menu", "label": "Menu", "type": "select", "options": ["Fish", "Veggie"]},
            ],
        },
        ['method="post"', 'action="/rsvp?src=qr"', "<option>Veggie</option>", 'name="name"'],
    ),
    "app-download": (
        {
            "appName": EVIL,
            "iosUrl": "https://apps.apple.com/app/id1",
            "androidUrl": "https://play.google.com/x",
        },
        ["App Store", "Google Play"],
    ),
    "video": (
        {"videoUrl": "https://youtu.be/dQw4w9WgXcQ", "title": EVIL},
        ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"],
    ),
    "pdf": (
        {"fileKey": "k/1.pdf", "originalFilename": EVIL, "fileSize": 2097152},
        ["https://api.test/v1/files/pdf/CODE", "2.0 MB"],
    ),
    "image-carousel": (
        {
            "title": EVIL,
            "images": [
                {"fileKey": "a", "contentType": "image/png", "alt": "First"},
                {"fileKey": "b", "contentType": "image/jpeg"},
            ],
        },
        [
            "https://api.test/v1/files/image/CODE/0",
            "https://api.test/v1/files/image/CODE/1",
            'alt="First"',
        ],
    ),
}


def test_every_hosted_type_has_content_here() -> None:
    assert set(CONTENT) == {name for name, kind in PAYLOAD_TYPES.items() if kind.hosted_page}


def assert_self_contained(html: str) -> None:
    assert EVIL not in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r"@import|url\(", html), "no stylesheet or font is fetched"


@pytest.mark.parametrize("kind", sorted(CONTENT))
def test_a_hosted_page_renders_its_content_escaped(kind: str) -> None:
    content, expected = CONTENT[kind]
    page = validate_payload(kind, content)
    context = hosted_context(page, code_id="CODE", os="iOS", files_url="https://api.test/")
    html = render_page(
        page_environment(), hosted_page_template(kind), slug="rsvp", action="/rsvp?src=qr",
        answers={}, problems={}, **context,
    )  # fmt: skip
    assert_self_contained(html)
    for text in expected:
        assert text in html, text
    if EVIL in str(content):
        assert "&lt;script&gt;" in html


def test_the_app_download_page_puts_the_scanners_store_first() -> None:
    page = validate_payload(
        "app-download",
        {"appName": "A", "iosUrl": "https://apps.apple.com/a", "androidUrl": "https://play.test/a"},
    )
    env = page_environment()
    on_android = render_page(
        env, "hosted/app_download.html",
        **hosted_context(page, code_id="C", os="Android", files_url=""),
    )  # fmt: skip
    assert 'class="button quiet" href="https://apps.apple.com/a"' in on_android
    assert 'class="button" href="https://play.test/a"' in on_android


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("not_found.html", {"slug": EVIL}, "doesn't lead anywhere"),
        ("not_active.html", {"slug": "s"}, "not active"),
        ("limit_reached.html", {"slug": "s"}, "reached its limit"),
        ("paused.html", {"slug": "s"}, "This code is paused"),
        ("gate.html", {"hint": EVIL, "action": "/s", "error": "wrong"}, 'type="password"'),
        ("unavailable.html", {"message": "Not saved."}, "Not saved."),
    ],
)
def test_the_services_own_pages(template: str, context: dict[str, Any], expected: str) -> None:
    html = render_page(page_environment(), template, **context)
    assert_self_contained(html)
    assert expected in html


def _luminance(color: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def test_button_text_is_readable_on_any_brand_colour() -> None:
    """WCAG AA (4.5:1) between a brand colour and the text drawn on it, for 4,096 colours."""
    from qrstack_redirect.pages.hosted import on_brand

    for n in range(4096):
        brand = f"#{(n >> 8) * 17:02x}{((n >> 4) & 15) * 17:02x}{(n & 15) * 17:02x}"
        text = on_brand(brand)
        assert text is not None
        lighter, darker = sorted((_luminance(brand), _luminance(text)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (brand, text)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(1, "1 byte"), (830, "830 bytes"), (17_408, "17 KB"), (2_097_152, "2.0 MB"),
     (2_516_582, "2.4 MB")],
)  # fmt: skip
def test_a_pdf_page_shows_its_size_as_people_read_it(size: int, shown: str) -> None:
    page = validate_payload("pdf", {"fileKey": "k/1.pdf", "fileSize": size})
    context = hosted_context(page, code_id="C", os=None, files_url="https://api.test")
    html = render_page(page_environment(), "hosted/pdf.html", **context)
    assert f"({shown})" in html


def test_every_link_icon_is_drawn_and_an_unknown_one_refused() -> None:
    from qrstack_common.errors import ApiError
    from qrstack_common.payloads.pages import LINK_ICONS
    from qrstack_redirect.pages.icons import DRAWINGS

    assert set(DRAWINGS) == set(LINK_ICONS)
    items = [{"label": name, "url": "https://a.test/", "icon": name} for name in LINK_ICONS[:25]]
    page = validate_payload("list-of-links", {"items": items})
    html = render_page(page_environment(), "hosted/list_of_links.html", page=page)
    assert html.count('<svg class="icon"') == len(items)
    with pytest.raises(ApiError) as refused:
        validate_payload("list-of-links", {"items": [{**items[0], "icon": "rocket"}]})
    (issue,) = refused.value.issues
    assert issue.path == ("items", 0, "icon") and "'link'" in issue.reason


def test_stored_links_with_an_icon_no_page_draws_keep_their_links() -> None:
    """Content saved before icons were checked still shows its links (the icon left out)."""
    from qrstack_common.payloads.pages import ListOfLinksPage

    stored = {"items": [{"label": "Blog", "url": "https://a.test/", "icon": "rocket"}]}
    page = ListOfLinksPage.model_validate(stored, context={"stored": True})
    assert page.items[0].icon is None

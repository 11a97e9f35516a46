"""HTML pages the redirect service serves itself: the 404, "not active", "limit reached" and
password gate pages, and the hosted pages of the hosted-page code types.

Jinja2 with autoescaping on for every template (content comes from code owners and scanners),
mobile-first, every style inline: no external stylesheet, script or font. Images and videos a
page's owner gave are shown from where they are (their URLs are validated http(s)). Answers
carry `PAGE_HEADERS`: a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from qrstack_redirect.pages.hosted import file_size, hosted_context
from qrstack_redirect.pages.icons import icon_svg

PAGE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
        "frame-src https: http:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def page_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("qrstack_redirect.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        enable_async=False,
        auto_reload=False,  # templates ship with the package: no stat() per page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["file_size"] = file_size
    env.globals["icon"] = icon_svg
    return env


def render_page(env: Environment, name: str, **context: Any) -> str:
    """Render template `name`; raises `jinja2.TemplateNotFound` for an unknown one."""
    return env.get_template(name).render(**context)


__all__ = ["PAGE_HEADERS", "hosted_context", "page_environment", "render_page"]

"""HTML pages the redirect service serves itself (Jinja2, autoescaped, no external assets)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


def page_environment() -> Environment:
    return Environment(
        loader=PackageLoader("qrstack_redirect.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        enable_async=False,
    )


def render_page(env: Environment, name: str, **context: Any) -> str:
    return env.get_template(name).render(**context)

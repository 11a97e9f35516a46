"""Slugs: the path of a code's short URL."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/l/I: generated slugs are read aloud and typed from print.
_GENERATED_ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
GENERATED_LENGTH = 8
CUSTOM_SLUG = re.compile(r"[A-Za-z0-9_-]{1,100}")

# Paths the redirect service answers itself on every host.
RESERVED_SLUGS = frozenset({"healthz", "readyz", "metrics", "favicon.ico", "robots.txt", "_qr"})


def generate_slug() -> str:
    """8 random characters (about 46 bits): collisions are retried by the caller."""
    return "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))


def slug_problem(slug: str) -> str | None:
    """Why a custom slug is refused, or None."""
    if not CUSTOM_SLUG.fullmatch(slug):
        return "must be 1-100 characters of A-Z, a-z, 0-9, '_' or '-'"
    if slug.lower() in RESERVED_SLUGS:
        return f"{slug!r} is reserved"
    return None

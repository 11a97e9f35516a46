"""A scan's query string carried on to its destination (codes with `forwardQuery`): one
definition for the redirect service, which answers scans, and the API's rule tester, which
says what a scan would get."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def with_forwarded_query(target: str, query_string: str) -> str:
    """Append the scan's query string to the target's (the target's own parameters first)."""
    if not query_string:
        return target
    parts = urlsplit(target)
    query = f"{parts.query}&{query_string}" if parts.query else query_string
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

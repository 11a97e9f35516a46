"""Redirect maps so printed codes keep working on a plain web server: nginx `map` and Caddy.

A code can be served by a plain server when it is dynamic, a `url` code and live (not
suspended, not deleted): its short URL answers with its redirect status to its target.
Routing rules, scan caps, schedules and passwords need qrstack itself; such a code is still
mapped to its main target and named in a comment. Hosted pages, vCards and other contents
the redirect service renders are listed as not served.

Keys are `host/slug` (the short URL's host or the code's custom domain). Characters nginx or
Caddy would read as syntax (`"`, `\\`, `$`, `{`, `}`, spaces and controls) are
percent-encoded in targets, which keeps every URL equivalent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

STATUSES = (301, 302, 307, 308)
_UNSAFE = {c: f"%{ord(c):02X}" for c in '"\\${} \t'}


@dataclass(frozen=True)
class Redirect:
    host: str
    slug: str
    target: str
    status: int
    note: str | None = None
    """Why a plain server serves it only in part (rules, caps, schedule, password)."""


def safe_target(url: str) -> str:
    out = "".join(_UNSAFE.get(c, c) for c in url)
    return "".join(c if c.isprintable() else f"%{ord(c):02X}" for c in out)


def short_host(short_url: str) -> str:
    return urlsplit(short_url).netloc


def nginx_map(redirects: list[Redirect], skipped: list[str]) -> str:
    """An nginx snippet for the `http` block: one map per redirect status and a server that
    answers with them. Include it as is, or copy the maps."""
    by_status: dict[int, list[Redirect]] = defaultdict(list)
    for r in redirects:
        by_status[r.status].append(r)
    lines = [
        "# qrstack export: the short URLs of this workspace as nginx redirects.",
        "# Include inside `http { }`. Keys are host/slug; the server below answers them.",
    ]
    lines += [f"# not served by a plain server: {s}" for s in skipped]
    for status in STATUSES:
        if not by_status[status]:
            continue
        lines.append(f"map $host$uri $qrstack_{status} {{")
        lines.append('    default "";')
        for r in sorted(by_status[status], key=lambda r: (r.host, r.slug)):
            if r.note:
                lines.append(f"    # {r.note}")
            lines.append(f'    "{r.host}/{r.slug}" "{safe_target(r.target)}";')
        lines.append("}")
    lines += ["server {", "    listen 80;", "    server_name _;"]
    for status in STATUSES:
        if by_status[status]:
            lines.append(f"    if ($qrstack_{status}) {{ return {status} $qrstack_{status}; }}")
    lines += ["    return 404;", "}", ""]
    return "\n".join(lines)


def caddyfile(redirects: list[Redirect], skipped: list[str]) -> str:
    """A Caddyfile: one site per host, one `redir` per short URL."""
    by_host: dict[str, list[Redirect]] = defaultdict(list)
    for r in redirects:
        by_host[r.host].append(r)
    lines = ["# qrstack export: the short URLs of this workspace as Caddy redirects."]
    lines += [f"# not served by a plain server: {s}" for s in skipped]
    for host in sorted(by_host):
        lines.append(f"{host} {{")
        for r in sorted(by_host[host], key=lambda r: r.slug):
            if r.note:
                lines.append(f"    # {r.note}")
            lines.append(f'    redir /{r.slug} "{safe_target(r.target)}" {r.status}')
        lines += ["    respond 404", "}"]
    return "\n".join(lines) + "\n"

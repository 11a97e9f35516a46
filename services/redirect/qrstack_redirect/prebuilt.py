"""`PrebuiltRedirect`: a scan's redirect written as bytes built once per code.

aiohttp's `web.Response` builds a header multidict, checks and serialises it and writes through
its stream writer on every request: about a quarter of a plain scan's CPU in the profile
(docs/redirect.md). A code's redirect is the same for every scan but for the request id and the
`Date`, so its headers are serialised once (`redirect_headers`, kept with the code's decoded
answer) and joined with those two per scan. The object gives aiohttp's request handler what it
uses of a response (`prepare`, `write_eof`, `keep_alive`, `status`) and writes the whole answer
to the transport in one call. The bytes are what `web.Response` would have written for the
same redirect (status line for the request's HTTP version, `Location`, `Cache-Control`,
`Content-Length: 0`, `Date`, `X-Request-Id`, `Connection` when the connection's fate needs
saying), less aiohttp's `Server` banner.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import TYPE_CHECKING

from aiohttp import HttpVersion10, HttpVersion11

if TYPE_CHECKING:
    from aiohttp import web

_REASONS = {
    301: b"Moved Permanently",
    302: b"Found",
    303: b"See Other",
    307: b"Temporary Redirect",
    308: b"Permanent Redirect",
}
REDIRECT_STATUSES = frozenset(_REASONS)
_UNSAFE = frozenset("\r\n\0")
_CLOSE = b"Connection: close\r\n"
_KEEP_ALIVE = b"Connection: keep-alive\r\n"


def redirect_headers(location: str, cache_control: str) -> bytes | None:
    """The per-code part of a redirect's head (`Location`, `Cache-Control`, an empty body), or
    None when `location` cannot be written as a header value (then answer with `web.Response`,
    which refuses it)."""
    if not _UNSAFE.isdisjoint(location):
        return None
    return (
        b"Location: " + location.encode() + b"\r\nCache-Control: " + cache_control.encode()
        + b"\r\nContent-Length: 0\r\n"
    )  # fmt: skip


class _Date:
    """The `Date` header's value, made once per second."""

    __slots__ = ("_second", "_value")

    def __init__(self) -> None:
        self._second = -1
        self._value = b""

    def now(self) -> bytes:
        second = int(time.time())
        if second != self._second:
            self._second = second
            self._value = formatdate(second, usegmt=True).encode()
        return self._value


_DATE = _Date()


class PrebuiltRedirect:
    """A redirect with prebuilt headers; `request_id` is set by the scan dispatcher."""

    __slots__ = ("_headers", "keep_alive", "request_id", "status")

    __http_exception__ = False  # aiohttp's handler asks every response this

    def __init__(self, status: int, headers: bytes) -> None:
        self.status = status
        self._headers = headers  # from `redirect_headers`
        self.keep_alive: bool | None = None
        self.request_id = ""

    async def prepare(self, request: web.BaseRequest) -> None:
        transport = request.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        version = request.version
        keep_alive = self.keep_alive = request.keep_alive
        if version == HttpVersion11:
            head = b"HTTP/1.1 %d %s\r\n" % (self.status, _REASONS[self.status])
            connection = b"" if keep_alive else _CLOSE
        else:
            head = b"HTTP/%d.%d %d %s\r\n" % (
                version.major, version.minor, self.status, _REASONS[self.status],
            )  # fmt: skip
            connection = _KEEP_ALIVE if keep_alive and version == HttpVersion10 else b""
            if not keep_alive and version != HttpVersion10:
                connection = _CLOSE
        transport.write(
            b"".join(
                (
                    head,
                    self._headers,
                    connection,
                    b"Date: ",
                    _DATE.now(),
                    b"\r\nX-Request-Id: ",
                    self.request_id.encode("utf-8", "surrogateescape"),
                    b"\r\n\r\n",
                )
            )
        )

    async def write_eof(self, data: bytes = b"") -> None:
        """Nothing more to write: the answer has no body."""

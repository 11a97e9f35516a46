"""`Range` requests on the file streams (RFC 9110 §14): one byte range per request.

- `bytes=a-b`, `bytes=a-` and `bytes=-n` (the last n bytes) are answered 206 with
  `Content-Range: bytes a-b/size`; an end past the file is cut to its last byte.
- A range that starts past the end (or `-0`) is unsatisfiable: 416 with `Content-Range:
  bytes */size`.
- `If-Range` naming the current ETag keeps the range; any other value (an old ETag, a date:
  the streams send no Last-Modified) means the file changed: the whole file, 200.
- Another unit, a malformed header or several ranges: the whole file, 200 (a server may always
  ignore `Range`; PDF viewers ask for one range at a time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEC = re.compile(r"bytes=(\d{0,19})-(\d{0,19})")


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


UNSATISFIABLE = ByteRange(0, -1)


def requested_range(
    range_header: str | None, if_range: str | None, etag: str, size: int
) -> ByteRange | None:
    """The one range to send, `UNSATISFIABLE`, or None for the whole file."""
    if range_header is None:
        return None
    if if_range is not None and if_range.strip() != etag:
        return None
    match = _SPEC.fullmatch(range_header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None  # "bytes=-": malformed
        suffix = int(last)
        if suffix == 0:
            return UNSATISFIABLE
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # malformed ("bytes=9-3"): the whole file
    if start >= size:
        return UNSATISFIABLE
    end = int(last) if last else size - 1
    return ByteRange(start, min(end, size - 1))

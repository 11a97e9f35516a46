"""Content lines of vCard 3.0 (RFC 2426/6350) and iCalendar (RFC 5545): text escaping and
line folding, shared by both formats.

Lines end with CRLF. A line longer than 75 octets is folded: CRLF plus one space starts the
continuation. Folding counts UTF-8 octets and never cuts inside a character (readers that
unfold byte-wise would garble it) nor inside a backslash escape (some readers unescape
before unfolding).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CRLF = "\r\n"
LINE_OCTETS = 75

_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newline (stored as LF)."""
    return value.translate(_TEXT_ESCAPES)


def _units(line: str) -> Iterator[str]:
    """The line in pieces that must stay on one physical line: an escape pair or one
    code point."""
    i = 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            yield line[i : i + 2]
            i += 2
        else:
            yield line[i]
            i += 1


def fold(line: str) -> str:
    """Fold one logical content line (without its CRLF) into physical lines of at most
    75 octets each, the leading space of a continuation included."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    room = LINE_OCTETS
    for unit in _units(line):
        octets = len(unit.encode("utf-8"))
        if size + octets > room and current:
            pieces.append("".join(current))
            current, size, room = [], 0, LINE_OCTETS - 1
        current.append(unit)
        size += octets
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def content_lines(lines: Iterable[str]) -> str:
    """Join logical lines into the wire form: each folded and ended with CRLF."""
    return "".join(fold(line) + CRLF for line in lines)

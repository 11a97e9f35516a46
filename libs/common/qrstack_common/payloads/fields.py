"""Field types shared by the payload models: text, web URLs, phone numbers, e-mail addresses,
colours, time zones and the length limits the seeds give.

Every validator raises `ValueError` with a reason that reads after the field's path
("targetUrl: must be an http:// or https:// URL ..."); pydantic turns it into an issue and
`validate_payload` into a 400 `validation_failed`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

URL_MAX_LENGTH = 2048  # the seeds give no URL limit; this is what browsers and servers agree on


def _control_characters(value: str, allowed: str) -> list[str]:
    """Code points that are controls (C0, DEL, C1), line or paragraph separators (U+2028,
    U+2029) or unpaired surrogates, except those in `allowed`."""
    return [
        f"U+{ord(ch):04X}"
        for ch in value
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")
    ]


def _single_line(value: str) -> str:
    bad = _control_characters(value, "\t")
    if bad:
        raise ValueError(f"must be a single line without control characters (found {bad[0]})")
    return value


_NEWLINES = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})


def _prose(value: str) -> str:
    # One newline convention in storage: every reader shows LF, and the encoders that need
    # CRLF (mailto bodies) or an escape (vCard, iCalendar) convert from LF.
    value = value.replace("\r\n", "\n").translate(_NEWLINES)
    bad = _control_characters(value, "\t\n")
    if bad:
        raise ValueError(
            f"must not contain control characters other than newlines (found {bad[0]})"
        )
    return value


@dataclass(frozen=True)
class Documented:
    """JSON Schema keywords for what a validator enforces (`maxLength`, `pattern`, `format`),
    so the OpenAPI document states the same limits the validation applies."""

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out.update({k: list(v) if isinstance(v, tuple) else v for k, v in self.keywords})
        return out


def documented(**keywords: Any) -> Documented:
    return Documented(
        tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in keywords.items())
    )


@dataclass(frozen=True)
class Checked:
    """A validator (run after the type's own) and the JSON Schema keywords that state it."""

    check: Callable[[Any], Any]
    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out.update(dict(self.keywords))
        return out


def at_most(limit: int) -> Checked:
    """A length limit counted in characters (code points), as the seeds state them (and as
    JSON Schema's maxLength counts)."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"must be at most {limit} characters (got {len(value)})")
        return value

    return Checked(check, (("maxLength", limit),))


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


NOT_EMPTY = Checked(_not_empty, (("minLength", 1),))

# One line of text, surrounding whitespace removed (names, titles, subjects, labels).
Line = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_single_line)]
# Free text that may span lines (notes, descriptions, message bodies); newlines stored as LF.
Prose = Annotated[str, AfterValidator(_prose)]
# Text kept exactly as given, one line, no control characters (Wi-Fi SSIDs and passwords,
# where a leading space is part of the network's name).
Exact = Annotated[str, AfterValidator(_single_line)]


# --------------------------------------------------------------------------------------------
# Web URLs


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def _host_is_valid(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        return re.fullmatch(r"\[[0-9a-fA-F:.]+\]", host) is not None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    return all(_HOST_LABEL.match(label) for label in labels)


def web_url(value: str) -> str:
    """The URL without surrounding whitespace, if it is an absolute http(s) URL with a valid
    host a browser can be sent to. Raises ValueError with the reason otherwise: javascript:,
    data:, file: and relative URLs are refused because a scan would run or open them, and
    user:password@ hosts because they disguise the real one. A non-ASCII host is given back in
    its punycode (xn--) form."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > URL_MAX_LENGTH:
        raise ValueError(f"must be at most {URL_MAX_LENGTH} characters (got {len(value)})")
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise ValueError("must not contain spaces or control characters (percent-encode them)")
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}: URLs are" if scheme else "a URL without a scheme is"
        raise ValueError(
            f"must be an http:// or https:// URL; {shown} refused "
            "(javascript:, data: and other schemes could run code or open local content)"
        )
    if not value[len(parts.scheme) :].startswith("://") or not parts.netloc:
        raise ValueError("must be an absolute URL with a host, like https://example.com/page")
    if "@" in parts.netloc:
        raise ValueError("must not carry user:password@ before the host (a phishing disguise)")
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number 0-65535
    except ValueError as exc:
        raise ValueError("has an invalid port") from exc
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if not host or not _host_is_valid(host):
        raise ValueError(f"has an invalid host name {host!r}")
    if not host.isascii():
        # Stored, shown and sent in the Location header as the punycode (xn--) form a browser
        # would use, so a look-alike host (a Cyrillic "е" for the Latin "e") is visible as such
        # and the redirect's header stays ASCII.
        start = len(parts.scheme) + 3
        ascii_host = host.encode("idna").decode("ascii").lower()
        value = value[:start] + ascii_host + value[start + len(host) :]
    return value


WebUrl = Annotated[
    str,
    AfterValidator(web_url),
    documented(format="uri", maxLength=URL_MAX_LENGTH, pattern="^[Hh][Tt][Tt][Pp][Ss]?://"),
]


# --------------------------------------------------------------------------------------------
# Phone numbers and e-mail addresses

_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_MAX_LENGTH = 20  # RecodeQR: "e.g., +1234567890, max 20 chars"


def _phone(value: str) -> str:
    value = value.strip()
    if not _PHONE.match(value):
        raise ValueError(
            "must be a phone number of digits, spaces, parentheses and dashes, "
            "with an optional leading +"
        )
    if len(value) > PHONE_MAX_LENGTH:
        raise ValueError(f"must be at most {PHONE_MAX_LENGTH} characters (got {len(value)})")
    digits = sum(ch.isdigit() for ch in value)
    if not 3 <= digits <= 15:
        raise ValueError(f"must have 3 to 15 digits (E.164), got {digits}")
    return value


PhoneNumber = Annotated[
    str,
    AfterValidator(_phone),
    documented(pattern=r"^\+?[0-9 ()\-]+$", maxLength=PHONE_MAX_LENGTH, examples=["+1 555 0100"]),
]


def dialable(phone: str) -> str:
    """The number as a dialler takes it: the leading + (if any) and the digits."""
    return ("+" if phone.startswith("+") else "") + "".join(ch for ch in phone if ch.isdigit())


# The WHATWG HTML e-mail grammar, extended to non-ASCII letters (internationalised mail),
# with at least one dot in the domain: addresses are for real mailboxes, not `localhost`.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
    r"@[A-Za-z0-9\u0080-\U0010ffff](?:[A-Za-z0-9\-\u0080-\U0010ffff]*[A-Za-z0-9\u0080-\U0010ffff])?"
    r"(?:\.[A-Za-z0-9\u0080-\U0010ffff](?:[A-Za-z0-9\-\u0080-\U0010ffff]*[A-Za-z0-9\u0080-\U0010ffff])?)+$"
)


def _email(value: str) -> str:
    value = value.strip()
    if len(value) > 254:
        raise ValueError(f"must be at most 254 characters (got {len(value)})")
    if not _EMAIL.match(value) or _control_characters(value, ""):
        raise ValueError("must be an e-mail address like name@example.com")
    return value


EmailAddress = Annotated[str, AfterValidator(_email), documented(format="email", maxLength=254)]


# --------------------------------------------------------------------------------------------
# Colours, time zones, instants


def _hex_color(value: str) -> str:
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
        raise ValueError("must be a hex colour like #2D7A4E")
    return value.upper()


HexColor = Annotated[
    str,
    AfterValidator(_hex_color),
    documented(pattern="^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", examples=["#2D7A4E"]),
]


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("must be an IANA time zone such as Europe/Berlin or UTC") from exc
    return value


IanaTimezone = Annotated[
    str,
    AfterValidator(_timezone),
    documented(description="An IANA time zone", examples=["Europe/Berlin"]),
]


def _iso_datetime(value: Any) -> Any:
    """ISO 8601 text to a datetime; a bare date means its midnight. Other types are left to
    pydantic (which accepts datetime objects)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), datetime.min.time())
            return datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(
                "must be an ISO 8601 date-time such as 2026-05-01T18:30:00 or 2026-05-01T16:30:00Z"
            ) from exc
    return value


def _plausible_year(value: datetime) -> datetime:
    # Far years overflow when moved between time zones; no QR code needs them.
    if not 1900 <= value.year <= 2999:
        raise ValueError("must be between the years 1900 and 2999")
    return value


# A date-time as given: naive (read in a separate time zone field) or with an offset.
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime), AfterValidator(_plausible_year)]


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A date-time for a moment shown on a hosted page; a naive value is read as UTC.
UtcDateTime = Annotated[IsoDateTime, AfterValidator(_as_utc)]


def one_of(choices: dict[str, str], what: str) -> Callable[[Any], Any]:
    """A case-insensitive choice: maps accepted spellings (lower case) to the canonical value,
    for use as a BeforeValidator on a Literal field."""

    def pick(value: Any) -> Any:
        if isinstance(value, str):
            found = choices.get(value.strip().lower())
            if found is None:
                listed = ", ".join(sorted(set(choices.values())))
                raise ValueError(f"must be one of {listed} (the {what}), not {value!r}")
            return found
        return value

    return pick

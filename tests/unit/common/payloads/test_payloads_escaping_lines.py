"""Property tests for the content-line formats (vCard 3.0, iCalendar): arbitrary Unicode in
every free-text field survives escaping and folding, parsed back by a small reader written
here from the RFCs; folded lines never exceed 75 octets nor split a UTF-8 character."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from qrstack_common.payloads import encode_payload, validate_payload
from qrstack_common.payloads.contacts import VCardPayload
from qrstack_common.payloads.event import EventPayload

FAST = settings(max_examples=200, deadline=None)
CRLF = "\r\n"

# Any character a one-line field accepts, with the ones that need escaping made frequent.
LINE_CHARS = st.one_of(
    st.sampled_from("\\;,:\"' \tnN"),
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
)
PROSE_CHARS = st.one_of(LINE_CHARS, st.sampled_from("\n\r\u2028"))


def line(max_size: int) -> st.SearchStrategy[str]:
    return st.text(LINE_CHARS, max_size=max_size)


def named(max_size: int) -> st.SearchStrategy[str]:
    """A one-line value that is not blank (so it survives trimming as a name)."""
    return line(max_size).filter(lambda s: s.strip() != "")


def prose(max_size: int) -> st.SearchStrategy[str]:
    return st.text(PROSE_CHARS, max_size=max_size).map(lambda s: s[:max_size])


# ------------------------------------------------------------------------------------------
# A reader for RFC 2425/5545 content lines


def physical_lines(text: str) -> list[bytes]:
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    return raw[:-2].split(b"\r\n")


def logical_lines(text: str) -> list[tuple[str, str]]:
    """Unfold (CRLF + one space or tab is removed), then split `name[;params]:value`."""
    assert text.endswith(CRLF)
    unfolded = re.sub(r"\r\n[ \t]", "", text[:-2])
    out = []
    for content_line in unfolded.split(CRLF):
        name, sep, value = content_line.partition(":")
        assert sep, content_line
        out.append((name, value))
    return out


def split_unescaped(value: str, separator: str) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            current += value[i : i + 2]
            i += 2
        elif value[i] == separator:
            parts.append(current)
            current = ""
            i += 1
        else:
            current += value[i]
            i += 1
    parts.append(current)
    return parts


def unescape(value: str) -> str:
    out, i = "", 0
    while i < len(value):
        if value[i] == "\\":
            assert i + 1 < len(value), f"dangling backslash in {value!r}"
            nxt = value[i + 1]
            assert nxt in "\\;,nN", f"unknown escape \\{nxt}"
            out += "\n" if nxt in "nN" else nxt
            i += 2
        else:
            assert value[i] not in ";,\n", f"unescaped {value[i]!r} in {value!r}"
            out += value[i]
            i += 1
    return out


def assert_folded_properly(text: str) -> None:
    for index, physical in enumerate(physical_lines(text)):
        assert len(physical) <= 75, (index, physical)
        physical.decode("utf-8")  # never a split character: each line decodes on its own
    # an escape pair is never cut by a fold
    assert not re.search(r"(?<!\\)(\\\\)*\\\r\n ", text)


# ------------------------------------------------------------------------------------------
# vCard


@FAST
@given(
    first=named(255),
    last=line(255),
    org=line(255),
    title=line(255),
    notes=prose(255),
    street=line(255),
    city=line(255),
    country=line(255),
)
def test_vcard_text_survives_escaping_and_folding(
    first: str, last: str, org: str, title: str, notes: str, street: str, city: str, country: str
) -> None:
    card = validate_payload(
        "vcard",
        {
            "firstName": first,
            "lastName": last,
            "organization": org,
            "title": title,
            "notes": notes,
            "address": {"street": street, "city": city, "country": country},
        },
    )
    assert isinstance(card, VCardPayload)
    text = encode_payload(card)
    assert_folded_properly(text)
    props = logical_lines(text)
    assert props[:2] == [("BEGIN", "VCARD"), ("VERSION", "3.0")]
    assert props[-1] == ("END", "VCARD")
    found = dict(props)
    n = [unescape(p) for p in split_unescaped(found["N"], ";")]
    assert n == [card.last_name or "", card.first_name, "", "", ""]
    assert unescape(found["FN"]) == " ".join(p for p in (card.first_name, card.last_name) if p)
    assert unescape(found.get("ORG", "")) == (card.organization or "")
    assert unescape(found.get("TITLE", "")) == (card.title or "")
    assert unescape(found.get("NOTE", "")) == (card.notes or "")
    assert card.address is not None
    adr = [unescape(p) for p in split_unescaped(found["ADR"], ";")]
    a = card.address
    assert adr == ["", "", a.street or "", a.city or "", "", "", a.country or ""]


@FAST
@given(
    notes=st.text(
        st.characters(min_codepoint=0x80, blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=255,
    )
)
def test_vcard_folding_never_splits_a_utf8_character(notes: str) -> None:
    card = validate_payload("vcard", {"organization": "Org", "notes": notes})
    assert isinstance(card, VCardPayload)
    text = encode_payload(card)
    assert_folded_properly(text)
    assert unescape(dict(logical_lines(text))["NOTE"]) == card.notes


def test_a_long_multibyte_line_folds_at_character_boundaries() -> None:
    card = validate_payload("vcard", {"firstName": "😀" * 100, "notes": "é" * 255})
    text = encode_payload(card)
    assert_folded_properly(text)
    lines = physical_lines(text)
    assert max(len(b) for b in lines) <= 75
    assert any(len(b) == 73 and b.startswith(b" ") for b in lines)  # 1 + 18 × 4 octets
    assert dict(logical_lines(text))["FN"] == "😀" * 100


# ------------------------------------------------------------------------------------------
# iCalendar


@FAST
@given(
    title=named(255),
    location=line(255),
    description=prose(255),
    start=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    minutes=st.integers(min_value=1, max_value=60 * 24 * 30),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
)
def test_event_text_and_times_survive(
    title: str, location: str, description: str, start: datetime, minutes: int, zone: str
) -> None:
    from datetime import timedelta

    event = validate_payload(
        "event",
        {
            "title": title,
            "location": location,
            "description": description,
            "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(minutes=minutes)).isoformat(),
            "timezone": zone,
        },
    )
    assert isinstance(event, EventPayload)
    if event.end_utc() <= event.start_utc():  # a DST change ate the duration
        return
    text = encode_payload(event)
    assert_folded_properly(text)
    props = dict(logical_lines(text))
    assert unescape(props["SUMMARY"]) == event.title
    assert unescape(props.get("LOCATION", "")) == (event.location or "")
    assert unescape(props.get("DESCRIPTION", "")) == (event.description or "")

    def instant(value: str) -> datetime:
        assert value.endswith("Z")
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)

    assert instant(props["DTSTART"]) == event.start_utc().replace(microsecond=0)
    assert instant(props["DTEND"]) == event.end_utc().replace(microsecond=0)

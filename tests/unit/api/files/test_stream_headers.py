"""The headers of the public file streams: a safe Content-Disposition, caching, ETags and a
policy that lets nothing run."""

from __future__ import annotations

import uuid

import pytest

from qrstack_api.files.stream import ServedFile, content_disposition

DIGEST = bytes(range(32))


def _file(media_type: str, name: str | None = None) -> ServedFile:
    return ServedFile(uuid.uuid4(), "k", media_type, 10, DIGEST, name)


def test_an_ascii_name_is_quoted_as_is() -> None:
    assert content_disposition("Menu 2024.pdf", "document.pdf") == (
        'inline; filename="Menu 2024.pdf"'
    )


def test_a_non_ascii_name_gets_an_rfc_6266_filename_star() -> None:
    value = content_disposition("Speisekarte Ü €.pdf", "document.pdf")
    assert value == (
        'inline; filename="Speisekarte U _.pdf"; '
        "filename*=UTF-8''Speisekarte%20%C3%9C%20%E2%82%AC.pdf"
    )


@pytest.mark.parametrize("name", ['a"; filename="evil.html', "x\r\nSet-Cookie: a=b", "\\\\"])
def test_quotes_backslashes_and_line_breaks_never_reach_the_header(name: str) -> None:
    value = content_disposition(name, "document.pdf")
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    assert not set(fallback) & set('"\\\r\n') and "\r" not in value and "\n" not in value
    assert value.count('"') == 2


def test_no_name_falls_back() -> None:
    assert content_disposition(None, "document.pdf") == 'inline; filename="document.pdf"'

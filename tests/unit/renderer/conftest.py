"""Fixtures of the renderer tests."""

from __future__ import annotations

import pytest

from tests.unit.renderer.scanning import Scan, scan_image, to_image


@pytest.fixture
def scan() -> Scan:
    """Decode an image body of a format to the texts of the QR codes in it."""

    def _scan(body: bytes, fmt: str) -> list[str]:
        return scan_image(to_image(body, fmt))

    return _scan

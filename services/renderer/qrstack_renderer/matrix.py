"""The QR module matrix of a payload, encoded with zxing-cpp's C++ writer.

zxing-cpp builds the same symbol as segno (same version for the same payload and error
correction level; a test proves both decode to the same text) in ~0.05 ms instead of ~2 ms,
which is most of the cost of a plain render. Text is encoded as UTF-8 in byte mode when it is
not plain alphanumeric, the way phones expect it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import zxingcpp
from numpy.typing import NDArray

from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.render.spec import EC_ORDER, ErrorCorrection

FINDER_SIZE = 7


@dataclass(frozen=True, eq=False)
class QrMatrix:
    """A symbol without its quiet zone: `dark[y, x]` is True for a dark module."""

    dark: NDArray[np.bool_]
    error_correction: ErrorCorrection

    @property
    def size(self) -> int:
        return int(self.dark.shape[0])

    @property
    def version(self) -> int:
        return (self.size - 17) // 4

    def finder_origins(self) -> tuple[tuple[int, int], ...]:
        """Top-left (x, y) of the three finder patterns: top-left, top-right, bottom-left."""
        far = self.size - FINDER_SIZE
        return ((0, 0), (far, 0), (0, far))


def encode(data: str, error_correction: ErrorCorrection) -> QrMatrix:
    """Encode `data` at exactly `error_correction`.

    Fails with 400 `validation_failed` on `data` when the payload does not fit a version 40
    symbol at that level, saying how much too long it is.
    """
    try:
        barcode = zxingcpp.create_barcode(
            data, zxingcpp.BarcodeFormat.QRCode, ec_level=error_correction
        )
    except ValueError as exc:
        raise validation_failed(
            [
                Issue(
                    ("data",),
                    f"{len(data.encode())} bytes do not fit a QR code at error correction "
                    f"{error_correction} ({exc}); shorten the data or lower errorCorrection",
                )
            ]
        ) from exc
    pixels = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return QrMatrix(dark=pixels < 128, error_correction=error_correction)


def encode_raised(data: str, floor: ErrorCorrection) -> QrMatrix:
    """Encode at the highest level from H down to `floor` that the payload fits.

    Used under a logo or centre text, where every extra recovery codeword helps. Fails like
    `encode` when even `floor` does not fit.
    """
    for level in reversed(EC_ORDER[EC_ORDER.index(floor) + 1 :]):
        try:
            return encode(data, level)
        except ApiError:
            continue
    return encode(data, floor)

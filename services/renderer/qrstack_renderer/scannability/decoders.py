"""Two independent QR readers: zxing-cpp (ZXing's C++ port, as in most Android apps) and
OpenCV's QR detectors (their own finder search and decoder, via `opencv-python-headless`):
the classic `QRCodeDetector`, then `QRCodeDetectorAruco` when the first finds nothing.

A condition passes only when both read the exact payload: two code bases rarely share a
blind spot, so a design both read is one most phones read.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import zxingcpp
from PIL import Image

Decoder = Callable[[Image.Image], str | None]


def read_zxing(image: Image.Image) -> str | None:
    """zxing-cpp's text for the first QR code it finds, None when it finds none."""
    results = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return results[0].text if results else None


def read_opencv(image: Image.Image) -> str | None:
    """OpenCV's text for the QR code it finds, None when it finds none or cannot decode.
    Detectors per call: they keep state, and the render pool has threads."""
    pixels = np.ascontiguousarray(np.asarray(image.convert("L")))
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        try:
            text, points, _ = detector.detectAndDecode(pixels)
        except cv2.error:
            continue
        if points is not None and text:
            return str(text)
    return None


DECODERS: dict[str, Decoder] = {"zxing": read_zxing, "opencv": read_opencv}


def decoder_versions() -> dict[str, str]:
    version = getattr(zxingcpp, "__version__", "")
    return {"zxing": f"zxing-cpp {version}".strip(), "opencv": f"OpenCV {cv2.__version__}"}

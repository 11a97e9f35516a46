"""Payloads and logos the renderer tests draw with."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

URL = "https://example.com/autumn-menu?utm_source=print"
VCARD = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Müller-Lüdenscheidt;Anna Katharina;;Dr.;",
        "FN:Dr. Anna Katharina Müller-Lüdenscheidt",
        "ORG:Kaffeerösterei Nord GmbH\\, Vertrieb;Key Accounts",
        "TITLE:Leiterin Großkunden",
        "TEL;TYPE=WORK,VOICE:+49 40 123456-78",
        "TEL;TYPE=CELL:+49 170 9876543",
        "EMAIL;TYPE=INTERNET:anna.mueller@kaffeeroesterei-nord.example",
        "ADR;TYPE=WORK:;;Speicherstadt 12\\, Block C;Hamburg;;20457;Deutschland",
        "URL:https://kaffeeroesterei-nord.example/team/anna-mueller",
        "NOTE:Termine bitte über das Buchungsportal\\; Rückruf innerhalb 24h.",
        "END:VCARD",
    ]
)


def png_logo(
    size: tuple[int, int] = (120, 80), background: tuple[int, ...] = (255, 255, 255)
) -> bytes:
    """A red ellipse with a white "Q" hole on a plain background, as PNG bytes."""
    image = Image.new("RGB", size, background[:3])
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.08, h * 0.06, w * 0.92, h * 0.94), fill=(211, 47, 47))
    draw.ellipse((w * 0.35, h * 0.3, w * 0.65, h * 0.7), fill=background[:3])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


LOGO = data_uri("image/png", png_logo())

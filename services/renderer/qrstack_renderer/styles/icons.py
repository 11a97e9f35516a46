"""Social network icons for the centre of a code, drawn as simple vector shapes.

Each icon is a badge in the network's colour with a white mark, designed in a unit box and
scaled to its place; nothing is downloaded. Pieces that overlap are separate layers, because
shapes are filled even-odd.
"""

from __future__ import annotations

from qrstack_common.render.spec import SocialIcon
from qrstack_renderer.geometry import Outline, Shape, circle, moved, polygon, rounded_rect

WHITE = "#ffffff"
Piece = tuple[Shape, str]


def _instagram() -> list[Piece]:
    return [
        ((rounded_rect(0, 0, 1, 1, (0.28,) * 4),), "#e1306c"),
        (
            (
                rounded_rect(0.2, 0.2, 0.6, 0.6, (0.17,) * 4),
                rounded_rect(0.26, 0.26, 0.48, 0.48, (0.12,) * 4),
            ),
            WHITE,
        ),
        ((circle(0.5, 0.5, 0.15), circle(0.5, 0.5, 0.095)), WHITE),
        ((circle(0.655, 0.345, 0.04),), WHITE),
    ]


def _youtube() -> list[Piece]:
    return [
        ((rounded_rect(0, 0.15, 1, 0.7, (0.2,) * 4),), "#ff0000"),
        ((polygon([(0.4, 0.33), (0.69, 0.5), (0.4, 0.67)]),), WHITE),
    ]


def _x() -> list[Piece]:
    return [
        ((rounded_rect(0, 0, 1, 1, (0.22,) * 4),), "#000000"),
        ((polygon([(0.22, 0.22), (0.4, 0.22), (0.78, 0.78), (0.6, 0.78)]),), WHITE),
        ((polygon([(0.71, 0.22), (0.78, 0.22), (0.29, 0.78), (0.22, 0.78)]),), WHITE),
    ]


def _facebook() -> list[Piece]:
    f = polygon(
        [
            (0.46, 0.98),
            (0.46, 0.57),
            (0.35, 0.57),
            (0.35, 0.45),
            (0.46, 0.45),
            (0.46, 0.36),
            (0.49, 0.27),
            (0.56, 0.215),
            (0.64, 0.2),
            (0.71, 0.2),
            (0.71, 0.31),
            (0.65, 0.31),
            (0.61, 0.33),
            (0.6, 0.37),
            (0.6, 0.45),
            (0.71, 0.45),
            (0.69, 0.57),
            (0.6, 0.57),
            (0.6, 0.98),
        ]
    )
    return [((circle(0.5, 0.5, 0.5),), "#1877f2"), ((f,), WHITE)]


def _linkedin() -> list[Piece]:
    return [
        ((rounded_rect(0, 0, 1, 1, (0.18,) * 4),), "#0a66c2"),
        ((circle(0.3, 0.28, 0.075),), WHITE),
        ((rounded_rect(0.235, 0.41, 0.13, 0.38),), WHITE),
        ((rounded_rect(0.44, 0.41, 0.125, 0.38),), WHITE),
        ((rounded_rect(0.44, 0.41, 0.35, 0.17, (0, 0.15, 0, 0)),), WHITE),
        ((rounded_rect(0.665, 0.5, 0.125, 0.29),), WHITE),
    ]


def _pinterest() -> list[Piece]:
    return [
        ((circle(0.5, 0.5, 0.5),), "#e60023"),
        ((rounded_rect(0.37, 0.24, 0.12, 0.6),), WHITE),
        (
            (
                rounded_rect(0.37, 0.24, 0.33, 0.36, (0, 0.18, 0.18, 0)),
                rounded_rect(0.49, 0.345, 0.1, 0.15, (0, 0.075, 0.075, 0)),
            ),
            WHITE,
        ),
    ]


def _note(dx: float, dy: float) -> list[Shape]:
    parts: list[Shape] = [
        (rounded_rect(0.5, 0.2, 0.11, 0.48),),
        (circle(0.41, 0.66, 0.14), circle(0.41, 0.66, 0.055)),
        (rounded_rect(0.5, 0.2, 0.22, 0.12, (0, 0.1, 0.02, 0)),),
    ]
    return [moved(part, dx, dy) for part in parts]


def _tiktok() -> list[Piece]:
    pieces: list[Piece] = [((rounded_rect(0, 0, 1, 1, (0.22,) * 4),), "#000000")]
    for (dx, dy), color in (((-0.025, -0.02), "#25f4ee"), ((0.025, 0.02), "#fe2c55")):
        pieces.extend((part, color) for part in _note(dx, dy))
    pieces.extend((part, WHITE) for part in _note(0, 0))
    return pieces


def _ghost(k: float) -> Outline:
    """The ghost, scaled by `k` about the badge centre."""
    points = [
        (0.3, 0.42),
        (0.3, 0.38),
        (0.34, 0.26),
        (0.42, 0.2),
        (0.5, 0.185),
        (0.58, 0.2),
        (0.66, 0.26),
        (0.7, 0.38),
        (0.7, 0.47),
        (0.78, 0.6),
        (0.7, 0.66),
        (0.64, 0.74),
        (0.56, 0.76),
        (0.5, 0.8),
        (0.44, 0.76),
        (0.36, 0.74),
        (0.3, 0.66),
        (0.22, 0.6),
        (0.3, 0.47),
    ]
    return polygon([(0.5 + (x - 0.5) * k, 0.5 + (y - 0.5) * k) for x, y in points])


def _snapchat() -> list[Piece]:
    return [
        ((rounded_rect(0, 0, 1, 1, (0.22,) * 4),), "#fffc00"),
        ((_ghost(1.1),), "#000000"),
        ((_ghost(1.0),), WHITE),
    ]


_ICONS = {
    "instagram": _instagram,
    "tiktok": _tiktok,
    "youtube": _youtube,
    "x": _x,
    "facebook": _facebook,
    "linkedin": _linkedin,
    "pinterest": _pinterest,
    "snapchat": _snapchat,
}


def icon_pieces(icon: SocialIcon, x: float, y: float, side: float) -> list[Piece]:
    """The icon's shapes and colours, back to front, in a `side`-wide box at (x, y)."""
    return [(moved(shape, x, y, side), color) for shape, color in _ICONS[icon]()]

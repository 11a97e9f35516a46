"""The icons a link on a hosted page can show (`LinkItem.icon`), drawn as inline SVG.

Line drawings on a 24-unit grid in the text's colour (`currentColor`), so an icon reads on a
brand-coloured button as its label does; nothing is fetched (the pages' CSP allows no
external image but the owner's own). Every name `LINK_ICONS` accepts has a drawing here:
a test keeps the two lists equal.
"""

from __future__ import annotations

from markupsafe import Markup

_DOT = 'fill="currentColor" stroke="none"'

DRAWINGS: dict[str, str] = {
    "link": '<path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1"/>'
    '<path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1"/>',
    "website": '<circle cx="12" cy="12" r="10"/><ellipse cx="12" cy="12" rx="4" ry="10"/>'
    '<path d="M2 12h20"/>',
    "email": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>',
    "phone": '<rect x="7" y="2" width="10" height="20" rx="2"/><path d="M11 18h2"/>',
    "chat": '<path d="M4 4h16v12H9l-5 4z"/>',
    "location": '<path d="M12 22s7-6.5 7-12a7 7 0 0 0-14 0c0 5.5 7 12 7 12z"/>'
    '<circle cx="12" cy="10" r="2.5"/>',
    "shop": '<path d="M5 8h14l-1 13H6z"/><path d="M9 8V6a3 3 0 0 1 6 0v2"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/>'
    '<path d="M3 10h18M8 3v4M16 3v4"/>',
    "video": f'<rect x="2" y="5" width="20" height="14" rx="3"/><path d="M10 9l5 3-5 3z" {_DOT}/>',
    "music": '<path d="M9 18V5l11-2v13"/><circle cx="6" cy="18" r="3"/>'
    '<circle cx="17" cy="16" r="3"/>',
    "document": '<path d="M6 2h8l5 5v15H6z"/><path d="M14 2v5h5M9 13h6M9 17h6"/>',
    "download": '<path d="M12 3v12M7 10l5 5 5-5M5 21h14"/>',
    "rss": '<path d="M4 11a9 9 0 0 1 9 9M4 4a16 16 0 0 1 16 16"/>'
    f'<circle cx="5" cy="19" r="1.5" {_DOT}/>',
    "star": '<path d="M12 2l3 6.5 7 .8-5.2 4.8 1.4 7-6.2-3.6-6.2 3.6 1.4-7L2 9.3l7-.8z"/>',
    "heart": '<path d="M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 6-8 11-8 11z"/>',
    "instagram": '<rect x="3" y="3" width="18" height="18" rx="5"/><circle cx="12" cy="12" r="4"/>'
    f'<circle cx="17.5" cy="6.5" r="1.2" {_DOT}/>',
    "tiktok": '<path d="M14 3v11.5a4 4 0 1 1-4-4"/><path d="M14 3c0 3 2.5 5.5 5.5 5.5"/>',
    "x": '<path d="M4 4l16 16M20 4L4 20"/>',
    "facebook": '<path d="M15 3h-2.5A3.5 3.5 0 0 0 9 6.5V10H6.5v3.5H9V21h3.5v-7.5H15l.5-3.5h-3V7'
    'a1 1 0 0 1 1-1H15z"/>',
    "linkedin": '<rect x="3" y="3" width="18" height="18" rx="2"/>'
    '<path d="M8 11v6M12 17v-6M12 13.5a2.5 2.5 0 0 1 5 0V17"/>'
    f'<circle cx="8" cy="7.5" r="1.2" {_DOT}/>',
    "youtube": '<rect x="2" y="5" width="20" height="14" rx="4"/>'
    f'<path d="M10 9l5 3-5 3z" {_DOT}/>',
    "snapchat": '<path d="M12 3a5 5 0 0 0-5 5v3l-2 1 2 1c-.8 1.8-2 3-4 3.5 1 1 3 1 3 1l1 1.5h10'
    'l1-1.5s2 0 3-1c-2-.5-3.2-1.7-4-3.5l2-1-2-1V8a5 5 0 0 0-5-5z"/>',
    "pinterest": '<circle cx="12" cy="12" r="10"/><path d="M10 21l2.2-9"/>'
    '<path d="M10.5 15.5c3 1 6-1 6-4.5a4.5 4.5 0 0 0-9 0c0 1 .3 1.8.8 2.3"/>',
    "whatsapp": '<path d="M3 21l1.6-4.6A9 9 0 1 1 7.6 19.4z"/>'
    '<path d="M9 8.5c0 3.5 3 6.5 6.5 6.5l1-1.8-2.2-1-1 1a5 5 0 0 1-2.5-2.5l1-1-1-2.2z"/>',
    "telegram": '<path d="M21 4L3 11l6 2.2L18 7l-7 7.5.5 5.5 3-3.8 4.5 3.3z"/>',
}


def icon_svg(name: str | None) -> Markup:
    """The inline SVG of icon `name` (empty for none). Decorative: the link's label says it."""
    if name is None:
        return Markup("")
    return Markup(  # noqa: S704 - the drawings above are constants, never user input
        '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"'
        ' fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"'
        f' stroke-linejoin="round">{DRAWINGS[name]}</svg>'
    )

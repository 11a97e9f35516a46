"""The RSS 2.0 feed of incidents (every change of a component's status), newest first.

Built with ElementTree, which escapes every text and attribute: details come from probe
answers (another service's body) and must never become markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any

FEED_TITLE = "qrstack status"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = text


def incidents_rss(incidents: Sequence[Any], *, link: str, now: datetime) -> bytes:
    """RSS 2.0 (UTF-8) of `incidents` (rows with id, component, from_status, to_status,
    detail, at)."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", FEED_TITLE)
    _text(channel, "link", link)
    _text(channel, "description", "Changes of status of the qrstack platform's components.")
    _text(channel, "lastBuildDate", format_datetime(now, usegmt=True))
    for incident in incidents:
        item = ET.SubElement(channel, "item")
        change = f"{incident['from_status']} → {incident['to_status']}"
        _text(item, "title", f"{incident['component']}: {change}")
        _text(item, "description", incident["detail"] or f"{incident['component']} is now "
              f"{incident['to_status']}.")  # fmt: skip
        _text(item, "category", incident["component"])
        _text(item, "pubDate", format_datetime(incident["at"], usegmt=True))
        _text(item, "guid", f"qrstack-status-incident-{incident['id']}", isPermaLink="false")
    document: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return document

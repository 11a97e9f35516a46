"""The incidents feed is well-formed RSS 2.0 whatever a probe's detail contains."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from qrstack_api.status.feed import incidents_rss

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def test_incidents_become_items_newest_first_with_escaped_text() -> None:
    hostile = '</description><script>alert("x")</script> & <b>'
    body = incidents_rss(
        [
            {"id": 7, "component": "redirect", "from_status": "operational",
             "to_status": "outage", "detail": hostile, "at": NOW},
            {"id": 6, "component": "kafka", "from_status": "outage",
             "to_status": "operational", "detail": None, "at": NOW.replace(hour=9)},
        ],
        link="https://status.example.com/?a=1&b=2",
        now=NOW,
    )  # fmt: skip
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<script>" not in body
    rss = ET.fromstring(body)  # noqa: S314 - our own output
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel is not None
    assert channel.findtext("link") == "https://status.example.com/?a=1&b=2"
    assert channel.findtext("lastBuildDate") == "Mon, 04 May 2026 12:00:00 GMT"
    first, second = channel.findall("item")
    assert first.findtext("title") == "redirect: operational → outage"
    assert first.findtext("description") == hostile
    assert first.findtext("pubDate") == "Mon, 04 May 2026 12:00:00 GMT"
    guid = first.find("guid")
    assert guid is not None and guid.get("isPermaLink") == "false"
    assert guid.text == "qrstack-status-incident-7"
    assert second.findtext("description") == "kafka is now operational."
    assert second.findtext("category") == "kafka"


def test_a_feed_without_incidents_is_a_valid_empty_channel() -> None:
    empty = incidents_rss([], link="https://status.example.com/", now=NOW)
    rss = ET.fromstring(empty)  # noqa: S314 - our own output
    channel = rss.find("channel")
    assert channel is not None and channel.findall("item") == []
    assert channel.findtext("title") == "qrstack status"

"""One example body of `POST /v1/codes` for every code type.

The same bodies are shown in the OpenAPI document (request examples, one per type) and sent by
the tests: the generated client creates, reads, updates and deletes each of them, and a unit
test keeps the set equal to the registry's types and every body valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

_CODE_EXAMPLES: dict[str, dict[str, Any]] = {
    "url": {
        "type": "url",
        "targetUrl": "https://example.com/autumn-menu",
        "slug": "autumn-menu",
        "fallbackUrl": "https://example.com/",
        "tags": ["q4", "print"],
    },
    "text": {"type": "text", "dynamic": False, "text": {"text": "Gate code 4711"}},
    "email": {
        "type": "email",
        "dynamic": False,
        "email": {"to": "hello@example.com", "subject": "Table booking", "body": "Hi!"},
    },
    "phone": {"type": "phone", "dynamic": False, "phone": {"number": "+1 555 0100"}},
    "sms": {"type": "sms", "dynamic": False, "sms": {"number": "+1 555 0100", "body": "JOIN"}},
    "whatsapp": {
        "type": "whatsapp",
        "whatsapp": {"number": "+15550100199", "message": "I'd like to book a table"},
    },
    "wifi": {
        "type": "wifi",
        "dynamic": False,
        "label": "Café guest Wi-Fi",
        "wifi": {"ssid": "Cafe Guest", "encryption": "WPA", "password": "espresso42"},
    },
    "vcard": {
        "type": "vcard",
        "dynamic": False,
        "card": {
            "firstName": "Jane",
            "lastName": "Doe",
            "organization": "Example GmbH",
            "phones": [{"number": "+49 30 1234567", "type": "work"}],
            "emails": ["jane@example.com"],
            "website": "https://example.com/",
            "address": {"street": "Hauptstr. 1", "city": "Berlin", "country": "DE"},
        },
    },
    "mecard": {
        "type": "mecard",
        "dynamic": False,
        "mecard": {"firstName": "Jane", "lastName": "Doe", "emails": ["jane@example.com"]},
    },
    "event": {
        "type": "event",
        "dynamic": False,
        "event": {
            "title": "Launch party",
            "startsAt": "2026-05-01T18:00:00Z",
            "endsAt": "2026-05-01T22:00:00Z",
            "location": "Hauptstr. 1, Berlin",
        },
    },
    "calendar": {
        "type": "calendar",
        "dynamic": False,
        "calendar": {
            "title": "Team offsite",
            "startIso": "2026-06-12",
            "endIso": "2026-06-13",
            "allDay": True,
            "location": "Lakeside Hall",
        },
    },
    "location": {
        "type": "location",
        "dynamic": False,
        "location": {"latitude": 52.52, "longitude": 13.405, "label": "Alexanderplatz"},
    },
    "crypto": {
        "type": "crypto",
        "dynamic": False,
        "crypto": {
            "chain": "bitcoin",
            "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "amount": "0.001",
        },
    },
    "social": {"type": "social", "social": {"platform": "instagram", "handle": "natgeo"}},
    "epc": {
        "type": "epc",
        "dynamic": False,
        "epc": {"name": "Example GmbH", "iban": "DE89370400440532013000", "amount": "9.99"},
    },
    "app": {
        "type": "app",
        "app": {
            "iosAppId": "id284882215",
            "androidPackageName": "com.facebook.katana",
            "fallbackUrl": "https://www.facebook.com/",
        },
    },
    "list-of-links": {
        "type": "list-of-links",
        "listOfLinks": {
            "title": "Jane's links",
            "items": [
                {"label": "Blog", "url": "https://blog.example.com/"},
                {"label": "Shop", "url": "https://shop.example.com/"},
            ],
        },
    },
    "business-page": {
        "type": "business-page",
        "businessPage": {
            "name": "Café Nord",
            "tagline": "Coffee since 1998",
            "links": [{"label": "Menu", "url": "https://cafe.example.com/menu"}],
            "socials": [{"platform": "instagram", "handle": "cafenord"}],
            "cta": {"label": "Book a table", "url": "https://cafe.example.com/book"},
            "brandColor": "#2D7A4E",
        },
    },
    "coupon": {
        "type": "coupon",
        "coupon": {
            "code": "SAVE10",
            "description": "10 % off your next order",
            "expiresAt": "2026-12-31T23:59:00Z",
            "brandColor": "#B85C00",
        },
    },
    "menu": {
        "type": "menu",
        "menu": {
            "businessName": "Café Nord",
            "sections": [
                {"title": "Drinks", "items": [{"name": "Espresso", "price": 2.5}]},
                {"title": "Cakes", "items": [{"name": "Cheesecake", "price": "€4,20"}]},
            ],
        },
    },
    "form": {
        "type": "form",
        "form": {
            "title": "RSVP",
            "fields": [
                {"id": "name", "label": "Your name", "type": "text", "required": True},
                {"id": "meal", "label": "Meal", "type": "select", "options": ["Fish", "Veg"]},
            ],
            "submitLabel": "Send",
        },
    },
    "app-download": {
        "type": "app-download",
        "appDownload": {
            "appName": "Café Nord",
            "iosUrl": "https://apps.apple.com/app/id284882215",
            "androidUrl": "https://play.google.com/store/apps/details?id=com.example.cafe",
        },
    },
    "video": {
        "type": "video",
        "video": {"videoUrl": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Our story"},
    },
    "pdf": {
        "type": "pdf",
        "pdf": {"description": "Our menu (upload the file with POST /v1/codes/{id}/pdf-file)"},
    },
    "image-carousel": {
        "type": "image-carousel",
        "imageCarousel": {"title": "The terrace"},
    },
}

CODE_EXAMPLES: Mapping[str, Mapping[str, Any]] = MappingProxyType(_CODE_EXAMPLES)

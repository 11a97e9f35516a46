"""RecodeQR ↔ the one code model, without I/O: destinations and their data, styles, the body
rules (required fields, PATCH, static codes) and the error shape."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from qrstack_api.compat.recodeqr.body import code_input, recodeqr_issue
from qrstack_api.compat.recodeqr.destinations import (
    DESTINATIONS,
    checked_data,
    data_view,
    destination_name,
    destination_type,
)
from qrstack_api.compat.recodeqr.errors import field_errors, recodeqr_error_body
from qrstack_api.compat.recodeqr.styles import styles_input, styles_view
from qrstack_api.compat.u2qr.errors import u2qr_error_body
from qrstack_common.errors import ApiError, Issue


def reasons(exc: pytest.ExceptionInfo[ApiError]) -> dict[tuple[str | int, ...], str]:
    return {issue.path: issue.reason for issue in exc.value.issues}


def test_the_ten_destinations_map_onto_the_registry() -> None:
    assert list(DESTINATIONS) == ["link", "text", "email", "vcard", "sms", "phone", "wifi",
                                  "event", "mecard", "crypto"]  # fmt: skip
    for name in DESTINATIONS:
        found = destination_type(name)
        assert found is not None
        assert destination_name(found.name) == name
    assert destination_type("list-of-links") is not None  # other qrstack types keep their name
    assert destination_type("hologram") is None
    assert destination_type(7) is None


def test_data_rules_are_the_seed_s_and_refused_values_are_not_checked_twice() -> None:
    checked, issues = checked_data("crypto", {"currency": "dogecoin", "address": "D" * 30})
    assert issues == [Issue(("data", "currency"), "must be one of bitcoin, ethereum")]
    assert checked == {"address": "D" * 30}
    _, issues = checked_data("vcard", {"last_name": "Only", "org": "o" * 256})
    assert issues == [
        Issue(("data", "first_name"), "This field is required."),
        Issue(("data", "org"), "must be at most 255 characters (got 256)"),
    ]
    _, issues = checked_data("url", {"url": "https://e.com", "target": "x"})
    assert issues == [Issue(("data", "target"), "is not a field of link data (only url)")]
    assert checked_data("list-of-links", {"anything": 1}) == ({"anything": 1}, [])


def test_stored_payloads_read_back_in_recodeqr_names() -> None:
    assert data_view("url", {"targetUrl": "https://e.com"}) == {"url": "https://e.com"}
    card = {"firstName": "A", "phones": [{"number": "+1"}], "emails": ["a@e.com"],
            "organization": "O", "website": "https://a.e", "notes": "n"}  # fmt: skip
    assert data_view("vcard", card) == {"first_name": "A", "phone": "+1", "email": "a@e.com",
                                        "org": "O", "url": "https://a.e", "note": "n"}  # fmt: skip
    several = {"firstName": "A", "phones": [{"number": "+1"}, {"number": "+2", "type": "work"}],
               "address": {"postalCode": "10115"}}  # fmt: skip
    assert data_view("vcard", several) == {
        "first_name": "A",
        "phones": [{"number": "+1"}, {"number": "+2", "type": "work"}],
        "address": {"postal_code": "10115"},
    }
    event = {"title": "E", "startsAt": "2026-01-01T10:00:00", "endsAt": "2026-01-01T11:00:00",
             "timezone": "UTC", "allDay": False}  # fmt: skip
    assert data_view("event", event) == {
        "title": "E",
        "date_start": "2026-01-01T10:00:00",
        "date_end": "2026-01-01T11:00:00",
        "timezone": "UTC",
    }
    assert data_view("sms", {"number": "+1", "body": "hi"}) == {"phone": "+1", "message": "hi"}
    assert data_view("crypto", {"chain": "bitcoin", "address": "a"}) == {
        "currency": "bitcoin",
        "address": "a",
    }


def png_uri(size: int) -> str:
    return "data:image/png;base64," + base64.b64encode(b"\0" * size).decode()


def test_styles_are_checked_under_recodeqr_names() -> None:
    style, issues = styles_input({"fg_color": "#1B4332", "remove_logo_bg": True}, None)
    assert (style, issues) == ({"foreground": "#1B4332", "removeLogoBackground": True}, [])
    _, issues = styles_input({"logo": png_uri((1 << 20) + 1)}, None)
    assert issues == [
        Issue(("styles", "logo"), "the logo is 1048577 bytes; at most 1048576 allowed")
    ]
    logo = "https://e.com/l.png"
    _, issues = styles_input({"logo": logo, "logo_url": logo}, None)
    assert issues[0].path == ("styles", "logo")
    _, issues = styles_input({"bg_color": "#000000", "fg_color": "#FFFFFF"}, None)
    assert issues[0].path == ("styles", "fg_color")
    assert "not darker" in issues[0].reason
    _, issues = styles_input({"pattern": "dots"}, None)
    assert issues[0].path == ("styles", "pattern")
    assert styles_input("blue", None) == (None, [Issue(("styles",), "must be an object")])


def test_replacing_styles_keeps_what_only_v1_has() -> None:
    current = {"pattern": "dots", "foreground": "#222222", "logo": "https://e.com/l.png"}
    assert styles_input({"bg_color": "#FFFDE7"}, current) == (
        {"pattern": "dots", "background": "#FFFDE7"},
        [],
    )
    assert styles_input(None, current) == ({"pattern": "dots"}, [])
    assert styles_input(None, None) == (None, [])
    assert styles_view(None) == {"logo_url": None, "bg_color": "#FFFFFF", "fg_color": "#000000",
                                 "remove_logo_bg": False}  # fmt: skip
    assert styles_view({"background": "transparent", "foreground": "#1b4332"})["fg_color"] == (
        "#1B4332"
    )


def stored(**fields: Any) -> dict[str, Any]:
    row = {"id": uuid.uuid4(), "type": "url", "dynamic": True, "style": None,
           "payload": {"targetUrl": "https://e.com"}}  # fmt: skip
    return {**row, **fields}


def test_patch_changes_only_what_recodeqr_allows() -> None:
    with pytest.raises(ApiError) as exc:
        code_input({"styles": {}, "dynamic": True, "name": "n"}, "patch", stored())
    assert set(reasons(exc)) == {("styles",), ("dynamic",)}
    static = stored(type="text", dynamic=False, payload={"text": "t"})
    with pytest.raises(ApiError) as exc:
        code_input({"data": {"text": "u"}, "enabled": False}, "patch", static)
    assert set(reasons(exc)) == {("data",), ("enabled",)}
    inp = code_input({"name": "Renamed", "code_id": "ignored", "total_scans": 9}, "patch", static)
    assert inp.sent == {"name"}


def test_put_sets_every_recodeqr_field_of_a_dynamic_code() -> None:
    inp = code_input(
        {"name": "n", "destination": "link", "data": {"url": "https://e.com/2"},
         "not_before": "2026-01-01T00:00:00"},
        "put",
        stored(),
    )  # fmt: skip
    assert inp.fields.status == "active"
    assert inp.fields.max_scans is None
    assert inp.fields.active_from == datetime(2026, 1, 1, tzinfo=UTC)
    assert {"status", "max_scans", "active_from", "expires_at", "style"} <= inp.sent


def test_a_static_put_may_repeat_its_content_only() -> None:
    static = stored(dynamic=False, payload={"targetUrl": "https://e.com"})
    same = code_input({"name": "n", "destination": "link", "data": {"url": "https://e.com"}},
                      "put", static)  # fmt: skip
    assert same.payload is None  # unchanged content is not sent on to the store
    with pytest.raises(ApiError) as exc:
        code_input({"name": "n", "destination": "link", "data": {"url": "https://e.com/x"},
                    "scan_limit": 3}, "put", static)  # fmt: skip
    assert set(reasons(exc)) == {("data",), ("scan_limit",)}


def test_v1_names_in_issues_become_recodeqr_names() -> None:
    assert recodeqr_issue(Issue(("targetUrl",), "r")).path == ("data", "url")
    assert recodeqr_issue(Issue(("card", "firstName"), "r"), "vcard").path == (
        "data",
        "first_name",
    )
    assert recodeqr_issue(Issue(("card", "phones", 0), "r"), "vcard", ["phones"]).path == (
        "data", "phones", 0,
    )  # fmt: skip
    assert recodeqr_issue(Issue(("style", "foreground"), "r")).path == ("styles", "fg_color")
    assert recodeqr_issue(Issue(("maxScans",), "r")).path == ("scan_limit",)
    assert recodeqr_issue(Issue(("expiresAt",), "r")).path == ("not_after",)
    assert recodeqr_issue(Issue(("status",), "r")).path == ("enabled",)


def test_errors_are_keyed_by_field_as_django_rest_framework_writes_them() -> None:
    issues = [
        Issue(("name",), "This field is required."),
        Issue(("data", "text"), "too long"),
        Issue(("data", "text"), "not text"),
        Issue(("data",), "bad"),
        Issue((), "the body must be a JSON object"),
    ]
    assert field_errors(issues) == {
        "name": ["This field is required."],
        "data": {"text": ["too long", "not text"], "non_field_errors": ["bad"]},
        "non_field_errors": ["the body must be a JSON object"],
    }
    assert field_errors([Issue(("a",), "x"), Issue(("a", "b"), "y")]) == {
        "a": {"non_field_errors": ["x"], "b": ["y"]}
    }
    missing = ApiError("not_found", "QR code not found.")
    assert recodeqr_error_body(missing) == {"error": "not_found", "message": "QR code not found."}
    assert u2qr_error_body(missing) == {"error": "QR code not found."}
    plain_400 = recodeqr_error_body(ApiError("bad_request", "Nope."))
    assert plain_400["errors"] == {"non_field_errors": ["Nope."]}

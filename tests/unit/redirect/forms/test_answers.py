"""Answers posted to a form page, read against its fields."""

from __future__ import annotations

from typing import Any

from qrstack_common.payloads.pages import FormPage
from qrstack_redirect.forms import read_answers

FORM = FormPage.model_validate(
    {
        "title": "RSVP",
        "fields": [
            {"id": "name", "label": "Name", "type": "text", "required": True},
            {"id": "email", "label": "E-mail", "type": "email", "required": True},
            {"id": "phone", "label": "Phone", "type": "phone"},
            {"id": "guests", "label": "Guests", "type": "number"},
            {"id": "day", "label": "Day", "type": "date"},
            {"id": "menu", "label": "Menu", "type": "select", "options": ["Fish", "Veggie"]},
            {"id": "terms", "label": "I agree", "type": "checkbox", "required": True},
            {"id": "note", "label": "Note", "type": "textarea"},
        ],
    },
)


def test_a_complete_submission_is_typed_by_field() -> None:
    posted = {
        "name": "  Ada  ",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0958",
        "guests": "2",
        "day": "2026-12-24",
        "menu": "Veggie",
        "terms": "on",
        "note": "line 1\nline 2",
        "unknown": "ignored",
    }
    answers, problems = read_answers(FORM, posted)
    assert problems == {}
    expected: dict[str, Any] = {
        "name": "Ada",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0958",
        "guests": 2.0,
        "day": "2026-12-24",
        "menu": "Veggie",
        "terms": True,
        "note": "line 1\nline 2",
    }
    assert answers == expected


def test_every_problem_is_named_by_field() -> None:
    posted = {
        "name": " ",
        "email": "not-an-address",
        "phone": "call me",
        "guests": "nan",
        "day": "24/12/2026",
        "menu": "Steak",
        "note": "x" * 5001,
    }
    _, problems = read_answers(FORM, posted)
    assert problems == {
        "name": "is required",
        "email": "must be an e-mail address",
        "phone": "must be a phone number",
        "guests": "must be a number",
        "day": "must be a date (YYYY-MM-DD)",
        "menu": "must be one of the listed options",
        "terms": "must be ticked",
        "note": "must be at most 5000 characters",
    }


def test_optional_fields_may_stay_empty() -> None:
    answers, problems = read_answers(
        FORM, {"name": "Bo", "email": "bo@example.com", "terms": "on", "guests": ""}
    )
    assert problems == {} and "guests" not in answers and answers["terms"] is True

"""Reading a form page's posted answers against its field definitions (pure).

Each field of the form (`FormPage.fields`) is read from the posted form by its `id`; posted
names that are not fields are ignored. Per type: text and textarea keep the text (trimmed,
at most `MAX_ANSWER_LENGTH` characters), email and phone must be an address or a number the
payload rules accept, number a finite decimal, date `YYYY-MM-DD`, select one of the field's
options, checkbox true when sent at all. A required field must be answered (a required
checkbox ticked). Problems are returned per field id with a sentence for the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

from pydantic import TypeAdapter, ValidationError

from qrstack_common.payloads.fields import EmailAddress, PhoneNumber
from qrstack_common.payloads.pages import FormField, FormPage

MAX_ANSWER_LENGTH = 5000
Answer = str | float | bool

_EMAIL: TypeAdapter[str] = TypeAdapter(EmailAddress)
_PHONE: TypeAdapter[str] = TypeAdapter(PhoneNumber)


def _answer(field: FormField, text: str) -> Answer:
    """The typed answer of a non-empty `text`; ValueError with a sentence when it is not one."""
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValueError(f"must be at most {MAX_ANSWER_LENGTH} characters")
    kind = field.type
    if kind == "email":
        try:
            return _EMAIL.validate_python(text)
        except ValidationError:
            raise ValueError("must be an e-mail address") from None
    if kind == "phone":
        try:
            return _PHONE.validate_python(text)
        except ValidationError:
            raise ValueError("must be a phone number") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(number):
            raise ValueError("must be a number")
        return number
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
    if kind == "select" and text not in (field.options or ()):
        raise ValueError("must be one of the listed options")
    return text


def read_answers(
    form: FormPage, posted: Mapping[str, str]
) -> tuple[dict[str, Answer], dict[str, str]]:
    """`(answers by field id, problems by field id)`; store the answers only when there are
    no problems."""
    answers: dict[str, Answer] = {}
    problems: dict[str, str] = {}
    for field in form.fields:
        raw = posted.get(field.id)
        if field.type == "checkbox":
            ticked = raw is not None
            if field.required and not ticked:
                problems[field.id] = "must be ticked"
            answers[field.id] = ticked
            continue
        text = (raw or "").strip()
        if not text:
            if field.required:
                problems[field.id] = "is required"
            continue
        try:
            answers[field.id] = _answer(field, text)
        except ValueError as exc:
            problems[field.id] = str(exc)
    return answers, problems

"""Answers posted to hosted form pages: checked against the form's fields, then stored."""

from qrstack_redirect.forms.answers import MAX_ANSWER_LENGTH, read_answers
from qrstack_redirect.forms.store import FormSubmissions

__all__ = ["MAX_ANSWER_LENGTH", "FormSubmissions", "read_answers"]

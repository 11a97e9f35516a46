"""Storing a form page's answers in PostgreSQL (`form_submissions`, migration 0006), where the
API reads them. Raises `DatabaseUnavailable` when they cannot be stored: the page then asks the
scanner to try again rather than pretend it kept them."""

from __future__ import annotations

import uuid

from qrstack_common import codec
from qrstack_redirect.database import RedirectDatabase
from qrstack_redirect.forms.answers import Answer
from qrstack_redirect.table.records import CodeEntry

_INSERT = """
INSERT INTO form_submissions (id, code_id, workspace_id, answers)
VALUES ($1, $2, $3, $4::jsonb)
RETURNING id
"""
STATEMENTS = (_INSERT,)  # every statement on `qrstack_common.tables.FORM_SUBMISSIONS`


class FormSubmissions:
    def __init__(self, database: RedirectDatabase) -> None:
        self._database = database

    async def store(self, entry: CodeEntry, answers: dict[str, Answer]) -> uuid.UUID:
        """Store one submission; returns its id."""
        submission_id = uuid.uuid4()
        await self._database.fetchval(
            _INSERT,
            submission_id,
            entry.code.id,
            entry.code.workspace_id,
            codec.dumps(answers).decode(),
        )
        return submission_id

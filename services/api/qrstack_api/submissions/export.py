"""The CSV of a form code's submissions: RFC 4180 (CRLF line ends, fields quoted when they hold
a comma, a quote or a line break), UTF-8 with a byte-order mark (so spreadsheets read accents
right), newest first.

Columns: `submittedAt`, `id`, then one per field of the form as it is now (headed by its label,
or "label (id)" where two labels are the same), then the answers to fields the form no longer
has (headed by their id). Text cells are spreadsheet-safe (`qrstack_common.spreadsheet`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qrstack_common.ids import public_id
from qrstack_common.spreadsheet import safe_cell

BOM = "\ufeff"


def form_fields(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field id, column heading) of the form's fields, in the form's order."""
    fields = [
        (str(f.get("id")), str(f.get("label") or f.get("id"))) for f in payload.get("fields") or []
    ]
    labels = [label for _, label in fields]
    return [
        (field_id, label if labels.count(label) == 1 else f"{label} ({field_id})")
        for field_id, label in fields
    ]


def _answer(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a number is never a formula
    return safe_cell(str(value))


class SubmissionCsv:
    """Writes the header once, then batches of rows, each as CSV text."""

    def __init__(self, fields: Sequence[tuple[str, str]], extra_ids: Iterable[str]) -> None:
        known = {field_id for field_id, _ in fields}
        self._ids = [field_id for field_id, _ in fields]
        self._ids += sorted(set(extra_ids) - known)
        self._headings = ["submittedAt", "id", *(h for _, h in fields)]
        self._headings += [safe_cell(field_id) for field_id in self._ids[len(fields) :]]

    def _text(self, rows: Iterable[Sequence[str]]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue()

    def header(self) -> str:
        return BOM + self._text([[safe_cell(h) for h in self._headings]])

    def rows(self, submissions: Iterable[Any]) -> str:
        return self._text(
            [
                row["created_at"].isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                public_id("submission", row["id"]),
                *(_answer(row["answers"].get(field_id)) for field_id in self._ids),
            ]
            for row in submissions
        )

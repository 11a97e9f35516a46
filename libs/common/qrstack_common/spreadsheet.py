"""Spreadsheet-safe CSV cells, for every CSV the platform writes (code exports, scan logs,
form answers).

Formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
would be evaluated by Excel or LibreOffice (`=HYPERLINK(...)`, `@SUM(...)`); such cells get a
leading `'`, which spreadsheets show as text and do not evaluate (OWASP's advice).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """The cell as a spreadsheet will show it, never run it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text

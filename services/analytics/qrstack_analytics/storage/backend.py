"""What the analytics service needs from ClickHouse, whichever engine answers.

Both engines run the same SQL text: values travel as server-side parameters written
`{name:Type}` in the SQL (never formatted into it), and results come back as the JSON values of
ClickHouse's `JSONCompactEachRow` format (64-bit integers as numbers), so callers see the same
rows from chDB and from a server. Identifiers (the database name) are validated once in the
settings and are the only text formatted into statements.

Every method blocks; `AnalyticsStore` runs them on its thread pool.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import orjson

Row = list[Any]
ParamValue = str | int | float | Sequence[str] | Sequence[int]
Params = Mapping[str, ParamValue]
InsertSettings = Mapping[str, str | int]

# Output settings both engines apply to every query, so both return identical JSON.
OUTPUT_SETTINGS: Mapping[str, int] = {
    "output_format_json_quote_64bit_integers": 0,
    "output_format_json_quote_decimals": 0,
    "output_format_json_quote_denormals": 0,
}


class StoreError(Exception):
    """A statement failed: ClickHouse refused it or the storage is not usable right now."""


class StoreUnavailable(StoreError):
    """The ClickHouse server could not be reached; the same statement may succeed later."""


class ClickHouse(Protocol):
    """One ClickHouse engine. Methods raise `StoreError` (or `StoreUnavailable`)."""

    database: str

    def execute(self, sql: str, params: Params | None = None) -> None:
        """Run a statement that returns nothing (DDL, ALTER, INSERT … SELECT)."""

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run a query and return all its rows."""

    def binary(self, sql: str, params: Params | None = None) -> bytes:
        """Run a query and return its result in ClickHouse's `RowBinary` format (for large
        results of fixed-width columns, which Python can read without parsing text)."""

    def stream(
        self, sql: str, params: Params | None = None
    ) -> AbstractContextManager[Iterator[list[Row]]]:
        """Run a query and hand its rows out in chunks while ClickHouse produces them."""

    def insert_json_lines(
        self,
        table: str,
        lines: bytes,
        settings: InsertSettings,
        *,
        columns: Sequence[str] | None = None,
    ) -> None:
        """Insert newline-separated JSON rows into `database.table` as one block, with
        per-insert `settings` (e.g. an `insert_deduplication_token`): objects
        (`JSONEachRow`), or with `columns` arrays of those columns (`JSONCompactEachRow`)."""

    def write_generation(self) -> int | None:
        """A number that changes with every write anyone makes, if this engine can know it
        (embedded chDB: only this process writes), else None."""

    def close(self) -> None:
        """Release the engine; later calls raise `StoreError`."""


_MUST_ESCAPE = frozenset("\\'`\t\n")


def param_text(value: ParamValue) -> str:
    """A parameter value as ClickHouse parses it for `{name:Type}` — exactly the text
    clickhouse-connect sends a server as `param_name`: strings with backslash, quote, backquote,
    tab and newline escaped by a backslash, arrays in quoted form."""
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "[" + ", ".join(_quoted(item) for item in value) + "]"


def _escaped(text: str) -> str:
    if _MUST_ESCAPE.isdisjoint(text):
        return text
    return "".join("\\" + ch if ch in _MUST_ESCAPE else ch for ch in text)


def _quoted(item: str | int) -> str:
    if isinstance(item, bool):
        return "1" if item else "0"
    if isinstance(item, int):
        return str(item)
    return "'" + _escaped(item) + "'"


def settings_clause(settings: InsertSettings) -> str:
    """`SETTINGS a = 1, b = 'x'` for per-statement settings. Names and string values are
    restricted to a safe alphabet (they are ours, never a client's), so nothing can escape."""
    parts = []
    for name, value in settings.items():
        if not name.replace("_", "").isalnum():
            raise ValueError(f"bad setting name {name!r}")
        if isinstance(value, int):
            parts.append(f"{name} = {value}")
        else:
            if not all(ch.isalnum() or ch in "_-:;|.," for ch in value):
                raise ValueError(f"bad value for setting {name}: {value!r}")
            parts.append(f"{name} = '{value}'")
    return "SETTINGS " + ", ".join(parts) if parts else ""


def decode_rows(body: bytes) -> list[Row]:
    """Rows of a `JSONCompactEachRow` body (one JSON array per line)."""
    if not body.strip():
        return []
    decoded: list[Row] = orjson.loads(b"[" + b",".join(body.splitlines()) + b"]")
    return decoded


class LineChunks:
    """Reassembles `JSONCompactEachRow` chunks that may split a line (HTTP streaming does)."""

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, chunk: bytes) -> list[Row]:
        data = self._tail + chunk
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        return decode_rows(data[:cut])

    def finish(self) -> list[Row]:
        rest, self._tail = self._tail, b""
        return decode_rows(rest)

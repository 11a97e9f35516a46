"""chDB: ClickHouse's engine inside this process, on a local directory (the embedded default).

chDB keeps one embedded server per process, bound to the first path opened: any number of
`Session` objects may share that path (each is a connection, safe to use from any thread), but a
second path fails until every session of the first is closed. So exactly one
`EmbeddedClickHouse` per process owns the path, and it holds a small pool of sessions: a
session serves one statement at a time, and several sessions let queries and inserts run in
parallel on different threads. A streaming query opens a session of its own (a statement run
on a streaming session ends the stream). chDB releases the GIL while it works.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from chdb import session as chdb_session

from qrstack_analytics.storage.backend import (
    OUTPUT_SETTINGS,
    InsertSettings,
    Params,
    Row,
    StoreError,
    decode_rows,
    param_text,
    settings_clause,
)

_FORMAT = "JSONCompactEachRow"
_SESSION: Any = chdb_session.Session  # chdb declares no types
# chDB is one server per process: every write of this process is every write there is.
_generation = itertools.count(1)
_written = 0


class EmbeddedClickHouse:
    """chDB on `path` with `sessions` connections. Raises `StoreError` if this process already
    opened chDB on another path."""

    def __init__(self, path: Path, database: str, *, sessions: int = 4) -> None:
        self.database = database
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._all: list[Any] = []
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        try:
            for _ in range(max(1, sessions)):
                session: Any = _SESSION(str(path.resolve()))
                self._all.append(session)
                for name, value in OUTPUT_SETTINGS.items():
                    session.query(f"SET {name} = {value}")
                self._idle.put(session)
        except RuntimeError as exc:
            self.close()
            raise StoreError(f"cannot open chDB on {path}: {exc}") from exc

    @contextmanager
    def _session(self) -> Iterator[Any]:
        if self._closed:
            raise StoreError("the chDB store is closed")
        session = self._idle.get()
        try:
            yield session
        finally:
            self._idle.put(session)

    def execute(self, sql: str, params: Params | None = None) -> None:
        try:
            self._query(sql, params)
        finally:
            _wrote()

    def write_generation(self) -> int | None:
        return _written

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        return decode_rows(self._query(sql, params))

    def binary(self, sql: str, params: Params | None = None) -> bytes:
        return self._query(sql, params, "RowBinary")

    def _query(self, sql: str, params: Params | None, fmt: str = _FORMAT) -> bytes:
        with self._session() as session:
            try:
                result: Any = session.query(sql, fmt, params=_bound(params))
            except RuntimeError as exc:
                raise StoreError(str(exc)) from None
            body: bytes = result.bytes()
            return body

    def stream(
        self, sql: str, params: Params | None = None
    ) -> AbstractContextManager[Iterator[list[Row]]]:
        return self._stream(sql, params)

    @contextmanager
    def _stream(self, sql: str, params: Params | None) -> Iterator[Iterator[list[Row]]]:
        # A stream gets a session of its own, opened for it: it may stay open for as long as
        # the client reads, and the pool's sessions must stay free for queries and inserts.
        if self._closed:
            raise StoreError("the chDB store is closed")
        session: Any = _SESSION(str(self.path.resolve()))
        try:
            for name, value in OUTPUT_SETTINGS.items():
                session.query(f"SET {name} = {value}")
            try:
                result: Any = session.send_query(sql, _FORMAT, params=_bound(params))
            except RuntimeError as exc:
                raise StoreError(str(exc)) from None
            try:
                yield _chunks(result)
            finally:
                result.close()
        finally:
            session.close()

    def insert_json_lines(
        self,
        table: str,
        lines: bytes,
        settings: InsertSettings,
        *,
        columns: Sequence[str] | None = None,
    ) -> None:
        try:
            self._insert(table, lines, settings, columns)
        finally:
            _wrote()

    def _insert(
        self, table: str, lines: bytes, settings: InsertSettings, columns: Sequence[str] | None
    ) -> None:
        target = f"{self.database}.{table}" + (f" ({', '.join(columns)})" if columns else "")
        statement = f"INSERT INTO {target} {settings_clause(settings)}"
        fmt = "JSONCompactEachRow" if columns else "JSONEachRow"
        with self._session() as session:
            try:
                inserter: Any = session.send_insert(statement, fmt)
            except RuntimeError as exc:
                raise StoreError(str(exc)) from None
            try:
                inserter.append(lines)
                inserter.finish()
            except RuntimeError as exc:
                with contextlib.suppress(RuntimeError):
                    inserter.cancel()
                raise StoreError(str(exc)) from None

    def close(self) -> None:
        self._closed = True
        for session in self._all:
            session.close()
        self._all.clear()


def _wrote() -> None:
    global _written
    _written = next(_generation)


def _bound(params: Params | None) -> dict[str, str]:
    return {name: param_text(value) for name, value in (params or {}).items()}


def _chunks(result: Any) -> Iterator[list[Row]]:
    try:
        for chunk in result:
            rows = decode_rows(chunk.bytes())
            if rows:
                yield rows
    except RuntimeError as exc:
        raise StoreError(str(exc)) from None

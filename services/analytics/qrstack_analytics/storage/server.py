"""A ClickHouse server over HTTP through clickhouse-connect (production and docker compose).

The statements are the ones chDB runs: parameters go to the server as `param_<name>` for the
`{name:Type}` placeholders (clickhouse-connect's server-side binding), results come back as
`JSONCompactEachRow` bytes and are decoded like chDB's. The client holds no session, so one
client serves every thread of the store's pool (its HTTP connection pool is thread-safe).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import clickhouse_connect
from clickhouse_connect.driver.exceptions import ClickHouseError, OperationalError

from qrstack_analytics.storage.backend import (
    OUTPUT_SETTINGS,
    InsertSettings,
    LineChunks,
    Params,
    Row,
    StoreError,
    StoreUnavailable,
    decode_rows,
)

_FORMAT = "JSONCompactEachRow"
_CHUNK = 1 << 16


class ServerClickHouse:
    """A ClickHouse server at `url` (`http[s]://[user[:password]@]host[:port]`). Raises
    `StoreUnavailable` when the server cannot be reached."""

    def __init__(self, url: str, database: str) -> None:
        self.database = database
        self.url = url
        # Connect without a default database (it may not exist yet: migrations create it);
        # every statement names `database` itself.
        parts = urlsplit(url)
        server = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        try:
            self._client: Any = clickhouse_connect.get_client(
                dsn=server,
                autogenerate_session_id=False,
                settings=dict(OUTPUT_SETTINGS),
                dedicated_pool=True,
                connect_timeout=5,
                send_receive_timeout=60,
                compress=False,
            )
        except OperationalError as exc:
            raise StoreUnavailable(f"cannot reach ClickHouse at {_redacted(url)}: {exc}") from None
        except ClickHouseError as exc:
            raise StoreError(f"ClickHouse at {_redacted(url)} refused the client: {exc}") from None

    def execute(self, sql: str, params: Params | None = None) -> None:
        with _translated():
            self._client.command(sql, parameters=dict(params or {}), use_database=False)

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        with _translated():
            body: bytes = self._client.raw_query(
                sql, parameters=dict(params or {}), fmt=_FORMAT, use_database=False
            )
        return decode_rows(body)

    def binary(self, sql: str, params: Params | None = None) -> bytes:
        with _translated():
            body: bytes = self._client.raw_query(
                sql, parameters=dict(params or {}), fmt="RowBinary", use_database=False
            )
        return body

    def stream(
        self, sql: str, params: Params | None = None
    ) -> AbstractContextManager[Iterator[list[Row]]]:
        return self._stream(sql, params)

    @contextmanager
    def _stream(self, sql: str, params: Params | None) -> Iterator[Iterator[list[Row]]]:
        with _translated():
            source: Any = self._client.raw_stream(
                sql, parameters=dict(params or {}), fmt=_FORMAT, use_database=False
            )
        try:
            yield _chunks(source)
        finally:
            source.close()

    def insert_json_lines(
        self,
        table: str,
        lines: bytes,
        settings: InsertSettings,
        *,
        columns: Sequence[str] | None = None,
    ) -> None:
        with _translated():
            self._client.raw_insert(
                f"{self.database}.{table}",
                column_names=list(columns) if columns else None,
                insert_block=lines,
                settings=dict(settings),
                fmt="JSONCompactEachRow" if columns else "JSONEachRow",
            )

    def write_generation(self) -> int | None:
        return None  # other processes write to a server too

    def close(self) -> None:
        self._client.close()


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise StoreUnavailable(str(exc)) from None
    except ClickHouseError as exc:
        raise StoreError(str(exc)) from None


def _chunks(source: Any) -> Iterator[list[Row]]:
    lines = LineChunks()
    with _translated():
        while chunk := source.read(_CHUNK):
            if rows := lines.feed(chunk):
                yield rows
    if rows := lines.finish():
        yield rows


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest

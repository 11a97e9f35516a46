"""The engine layer: parameters reach chDB and a server as the same text, results decode the
same, statements cannot be bent by a value, and chDB's one-path-per-process rule is reported."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from clickhouse_connect.driver.binding import format_bind_value

from qrstack_analytics.settings import AnalyticsSettings
from qrstack_analytics.storage.backend import (
    LineChunks,
    ParamValue,
    StoreError,
    decode_rows,
    param_text,
    settings_clause,
)
from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.store import AnalyticsStore

VALUES: list[ParamValue] = [
    "plain",
    "it's",
    "back\\slash",
    "tab\tnew\nline",
    "",
    "Zürich 東京",
    42,
    -7,
    2.5,
    ["a", "b'c", "d\\e"],
    [1, 2, 3],
    [],
    [str(uuid.UUID(int=1))],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_parameters_are_the_text_clickhouse_connect_sends(value: ParamValue) -> None:
    assert param_text(value) == format_bind_value(value, None)


@pytest.mark.parametrize(
    ("value", "type_"),
    [
        ("it's \\ \t\n'; DROP TABLE x; --", "String"),
        (["x'y", "\\", "]"], "Array(String)"),
        (18446744073709551615, "UInt64"),
    ],
)
async def test_nasty_values_come_back_unchanged(
    store: AnalyticsStore, value: ParamValue, type_: str
) -> None:
    rows = await store.rows(f"SELECT {{v:{type_}}}", {"v": value})
    assert rows == [[value]]


def test_per_statement_settings_refuse_anything_but_plain_values() -> None:
    assert settings_clause({"a_b": 1, "token": "scans|t:0:1-2|3|ff"}) == (
        "SETTINGS a_b = 1, token = 'scans|t:0:1-2|3|ff'"
    )
    assert settings_clause({}) == ""
    with pytest.raises(ValueError, match="bad value"):
        settings_clause({"token": "x' , readonly = '0"})
    with pytest.raises(ValueError, match="bad setting name"):
        settings_clause({"a b": 1})


def test_result_lines_split_anywhere_decode_once() -> None:
    body = b'[1,"a\\nb"]\n[2,null]\n[3,[1,2]]\n'
    for cut in range(len(body)):
        chunks = LineChunks()
        rows = chunks.feed(body[:cut]) + chunks.feed(body[cut:]) + chunks.finish()
        assert rows == [[1, "a\nb"], [2, None], [3, [1, 2]]]
    assert decode_rows(b"") == [] and decode_rows(b"\n") == []


def test_chdb_refuses_a_second_path_in_the_same_process(
    store: AnalyticsStore, tmp_path: Path
) -> None:
    if not isinstance(store.engine, EmbeddedClickHouse):
        pytest.skip("a chDB property")
    with pytest.raises(StoreError, match="cannot open chDB"):
        EmbeddedClickHouse(tmp_path / "elsewhere", "other")


def test_the_database_can_be_named_by_the_server_url() -> None:
    url = "http://qrstack:secret@clickhouse:8123/analytics"
    assert AnalyticsSettings(clickhouse_url=url).database == "analytics"
    assert AnalyticsSettings(clickhouse_url="http://clickhouse:8123").database == "qrstack"
    with pytest.raises(ValueError, match="identifier"):
        AnalyticsSettings(clickhouse_url="http://clickhouse:8123/bad-name")
    with pytest.raises(ValueError, match="http"):
        AnalyticsSettings(clickhouse_url="tcp://clickhouse:9000")

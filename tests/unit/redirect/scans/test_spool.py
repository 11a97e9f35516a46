"""The scan spool keeps events across restarts, in order, within its bound."""

from __future__ import annotations

from pathlib import Path

from qrstack_redirect.scans.spool import ScanSpool


def test_events_come_back_in_write_order_after_a_restart(tmp_path: Path) -> None:
    spool = ScanSpool(tmp_path, max_bytes=1 << 20)
    spool.append([b'{"n":1}', b'{"n":2}'])
    spool.append([b'{"n":3}'])
    reopened = ScanSpool(tmp_path, max_bytes=1 << 20)
    segment = reopened.oldest_segment()
    assert segment is not None
    path, events = segment
    assert events == [b'{"n":1}', b'{"n":2}', b'{"n":3}']
    reopened.append([b'{"n":4}'])  # goes to a new segment while the old one is replayed
    reopened.remove(path)
    following = reopened.oldest_segment()
    assert following is not None and following[1] == [b'{"n":4}']


def test_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    spool = ScanSpool(tmp_path, max_bytes=1 << 20)
    spool.append([b'{"n":1}'])
    with next(tmp_path.glob("scans-*.jsonl")).open("ab") as out:
        out.write(b'{"n":2')  # crash mid-write
    segment = ScanSpool(tmp_path, max_bytes=1 << 20).oldest_segment()
    assert segment is not None and segment[1] == [b'{"n":1}']


def test_past_its_bound_the_oldest_segment_is_dropped_and_counted(tmp_path: Path) -> None:
    spool = ScanSpool(tmp_path, max_bytes=100)
    spool.append([b"a" * 60])
    spool.oldest_segment()  # closes the first segment: the next append opens another
    spool.append([b"b" * 60])
    assert spool.dropped_events == 1
    segment = spool.oldest_segment()
    assert segment is not None and segment[1] == [b"b" * 60]


def test_a_replayed_spool_is_empty_and_leaves_no_files(tmp_path: Path) -> None:
    spool = ScanSpool(tmp_path, max_bytes=1 << 20)
    spool.append([b'{"n":1}'])
    segment = spool.oldest_segment()
    assert segment is not None
    spool.remove(segment[0])
    assert not spool and spool.oldest_segment() is None
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "scans-000000000007.jsonl").touch()  # an empty segment left by a crash
    reopened = ScanSpool(tmp_path, max_bytes=1 << 20)
    assert not reopened and list(tmp_path.iterdir()) == []
    reopened.append([b'{"n":2}'])
    assert [p.name for p in tmp_path.iterdir()] == ["scans-000000000008.jsonl"]

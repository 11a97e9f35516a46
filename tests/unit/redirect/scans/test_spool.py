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
    drops: list[tuple[str, int]] = []
    spool = ScanSpool(tmp_path, max_bytes=100, on_drop=lambda r, n: drops.append((r, n)))
    spool.append([b"a" * 60])
    spool.append([b"b" * 60])  # a segment of at least 4 KiB holds both: nothing to drop
    assert spool.dropped_events == 0
    spool.oldest_segment()  # closes the segment: the next append opens another
    spool.append([b"c" * 60])
    assert spool.size_bytes > 100 and spool.dropped_events == 0  # the replayed one is kept
    spool.append([b"d" * 4100])  # fills the second segment past its size: a third opens
    spool.append([b"e" * 60])
    assert drops == [("spool_full", 2)] and spool.dropped_events == 2  # the second one
    segment = spool.oldest_segment()
    assert segment is not None and segment[1] == [b"a" * 60, b"b" * 60]


def _event(n: int) -> bytes:
    return b'{"n":%d,"pad":"%s"}' % (n, b"x" * 180)


def _replay_all(spool: ScanSpool) -> list[bytes]:
    events: list[bytes] = []
    while (segment := spool.oldest_segment()) is not None:
        events += segment[1]
        spool.remove(segment[0])
    return events


def test_a_bound_below_one_segment_is_kept_and_every_dropped_event_counted(
    tmp_path: Path,
) -> None:
    # 64 KiB: far below the 16 MiB a segment used to hold before anything could be dropped.
    drops: list[tuple[str, int]] = []
    spool = ScanSpool(tmp_path, max_bytes=64 << 10, on_drop=lambda r, n: drops.append((r, n)))
    written = [_event(n) for n in range(2000)]  # ~400 KB, in batches as the emitter spills
    for start in range(0, len(written), 150):
        spool.append(written[start : start + 150])
        assert spool.size_bytes <= 64 << 10
        assert sum(p.stat().st_size for p in tmp_path.iterdir()) == spool.size_bytes
    kept = _replay_all(spool)
    assert {r for r, _ in drops} == {"spool_full"}
    assert sum(n for _, n in drops) == spool.dropped_events == len(written) - len(kept)
    assert kept == written[-len(kept) :]  # the newest kept, in order; the oldest dropped
    assert len(kept) > 0.8 * (64 << 10) / len(written[0])  # drops an eighth at a time


def test_a_segment_left_by_a_crash_is_not_appended_to(tmp_path: Path) -> None:
    ScanSpool(tmp_path, max_bytes=1 << 20).append([b'{"n":1}'])
    with next(tmp_path.glob("scans-*.jsonl")).open("ab") as out:
        out.write(b'{"n":2')  # crash mid-write
    drops: list[tuple[str, int]] = []
    reopened = ScanSpool(tmp_path, max_bytes=1 << 20, on_drop=lambda r, n: drops.append((r, n)))
    reopened.append([b'{"n":3}'])  # must not be glued to the torn line
    assert _replay_all(reopened) == [b'{"n":1}', b'{"n":3}']
    assert drops == [("torn", 1)]


def test_a_refused_write_is_counted_as_dropped_not_raised(tmp_path: Path) -> None:
    drops: list[tuple[str, int]] = []
    spool = ScanSpool(tmp_path, max_bytes=1 << 20, on_drop=lambda r, n: drops.append((r, n)))
    # The next segment is the kernel's full device: every write fails with ENOSPC.
    (tmp_path / "scans-000000000000.jsonl").symlink_to("/dev/full")
    spool.append([b'{"n":1}', b'{"n":2}'])
    assert drops == [("write_failed", 2)] and spool.dropped_events == 2
    assert not spool and list(tmp_path.iterdir()) == []
    spool.append([b'{"n":3}'])  # the disk is back
    assert _replay_all(spool) == [b'{"n":3}']


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

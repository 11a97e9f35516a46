"""What an import reads: rows of a CSV, or the codes and folders of our own export."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from qrstack_api.portability.csvio import header_issues, read_rows, row_body
from qrstack_api.portability.export import FORMAT
from qrstack_common.errors import Issue, validation_failed


@dataclass
class ImportRow:
    number: int
    """1-based: the CSV's data row or the export's code line."""
    body: dict[str, Any]
    folder: str | None
    rules: list[Any] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ImportSource:
    kind: str
    """"csv" or "export"."""
    rows: list[ImportRow]
    folders: list[dict[str, Any]]
    """An export's folders (name, colour, position), made before the codes."""


def is_zip(body: bytes) -> bool:
    return body.startswith(b"PK\x03\x04")


def read_source(body: bytes) -> ImportSource:
    """Parse an upload; 400 when it is neither a CSV with known columns nor our export."""
    if is_zip(body):
        return _export(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise validation_failed(
            [Issue(("csv",), f"not UTF-8 text: {exc.reason} at byte {exc.start}")]
        ) from exc
    header, reader = read_rows(text)
    if issues := header_issues(header):
        raise validation_failed(issues)
    rows = []
    for number, raw in enumerate(reader, start=1):
        body_, folder, row_issues = row_body(raw)
        rows.append(ImportRow(number, body_, folder, issues=row_issues))
    return ImportSource("csv", rows, [])


MAX_UNPACKED_BYTES = 256 << 20
"""What one file of an archive may unpack to: a few kilobytes of zip can claim gigabytes."""


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    """The file `name`, refused (400) before unpacking when its size says it is too big (the
    size in the archive also bounds what unpacking returns)."""
    try:
        size = archive.getinfo(name).file_size
    except KeyError as exc:
        raise validation_failed([Issue((name,), "missing from the archive")]) from exc
    if size > MAX_UNPACKED_BYTES:
        raise validation_failed(
            [Issue((name,), f"unpacks to more than {MAX_UNPACKED_BYTES >> 20} MiB")]
        )
    return archive.read(name)


def _lines(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[int, Any]]:
    data = _read(archive, name)
    for number, line in enumerate(io.BytesIO(data), start=1):
        if line.strip():
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise validation_failed([Issue((name, number), f"not JSON: {exc}")]) from exc


def _export(body: bytes) -> ImportSource:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise validation_failed([Issue(("archive",), f"not a readable zip: {exc}")]) from exc
    with archive:
        try:
            manifest = orjson.loads(_read(archive, "manifest.json"))
        except orjson.JSONDecodeError as exc:
            raise validation_failed([Issue(("manifest.json",), "missing or not JSON")]) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise validation_failed([Issue(("manifest.json", "format"), f"not a {FORMAT} archive")])
        folders = [f for _, f in _lines(archive, "folders.jsonl") if isinstance(f, dict)]
        rows = []
        for number, line in _lines(archive, "codes.jsonl"):
            if not isinstance(line, dict) or not isinstance(line.get("code"), dict):
                rows.append(
                    ImportRow(number, {}, None, issues=[Issue(("code",), "must be an object")])
                )
                continue
            rules = line.get("rules") or []
            folder = line.get("folder")
            rows.append(ImportRow(number, line["code"], folder if isinstance(folder, str) else None,
                                  rules=rules if isinstance(rules, list) else []))  # fmt: skip
    return ImportSource("export", rows, folders)

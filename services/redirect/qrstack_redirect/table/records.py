"""The slug table's records: one compact `bytes` per plain code, a `CodeEntry` for the rest.

Every replica holds the whole table, so a code costs what it must and no more (DESIGN §6).
Most codes are plain: an active URL code with no schedule, cap, password, fallback, rules or
page. A plain code is one immutable `bytes` object (no per-field Python objects, invisible to
the garbage collector)::

    [0:16]  code id (UUID bytes)
    [16:20] workspace number (uint32, little endian; `WorkspaceNames` maps it to the id text)
    [20:24] snapshot version (uint32)
    [24]    flags: bits 0-1 redirect status (301, 302, 307, 308), bit 2 forward query,
            bit 3 scan tracking, bit 4 target starts with "https://" (not stored)
    [25:]   target URL, UTF-8, without its "https://" when bit 4 is set

Any other code is a `CodeEntry`: its validated snapshot, its routing rules compiled once, its
hosted page or app payload validated once. A snapshot that cannot be made into either (an
unknown page type, page content that no longer validates) is refused with `InvalidRecord`.
"""

from __future__ import annotations

import logging
import struct
from typing import Final
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import ValidationError

from qrstack_common.events import CodeSnapshot
from qrstack_common.payloads import PAYLOAD_TYPES, Payload, redirect_target
from qrstack_common.payloads.web import AppPayload
from qrstack_common.rules import NO_RULES, CompiledRules, compile_rules

log = logging.getLogger(__name__)

_HEAD = struct.Struct("<16sIIB")
HEADER_SIZE: Final = _HEAD.size  # 25
_STATUSES: Final = (301, 302, 307, 308)
_STATUS_BITS: Final = {status: n for n, status in enumerate(_STATUSES)}
_FORWARD_QUERY: Final = 0b100
_SCAN_TRACKING: Final = 0b1000
_HTTPS: Final = 0b10000
_HTTPS_PREFIX: Final = "https://"
_MAX_UINT32: Final = 0xFFFFFFFF

# Types whose scan is a redirect to the snapshot's `target_url` whatever the scanner: these can
# be plain. `app` picks its store by the scanner's OS and hosted pages render, so they cannot.
_FIXED_TARGET_TYPES: Final = frozenset({"url", "social", "whatsapp"})


class InvalidRecord(ValueError):
    """A snapshot the redirect cannot serve; the message says which field and why."""


class CodeEntry:
    """A code that is not plain: its snapshot plus everything derived from it once.

    `cap_reached` is the replica's own knowledge that the scan cap of this snapshot is used up
    (set after the counter store refused a scan). It starts false with every new snapshot, so a
    raised cap is asked about again; it lets the handler answer without a round trip and lets
    scans that never consume a cap (bots, HEAD) see the cap as reached.
    """

    __slots__ = (
        "app",
        "cap_reached",
        "checked_urls",
        "code",
        "code_id",
        "id_bytes",
        "page",
        "rules",
        "workspace",
    )

    def __init__(self, code: CodeSnapshot) -> None:
        """Raises `InvalidRecord` when the page content does not fit the code's type."""
        self.code = code
        self.id_bytes = code.id.bytes
        self.code_id = str(code.id)
        self.workspace = str(code.workspace_id)
        self.rules: CompiledRules = compile_rules(code.rules) if code.rules else NO_RULES
        for rejected in self.rules.rejected:
            log.error(
                "routing rule left out",
                extra={"code": self.code_id, "rule": str(rejected.rule_id), "why": rejected.reason},
            )
        self.page: Payload | None = None
        self.app: AppPayload | None = None
        kind = PAYLOAD_TYPES.get(code.type)
        if kind is not None and kind.hosted_page:
            self.page = _validated_page(kind.model, code.page, code.type)
        elif code.type == "app" and code.page is not None:
            app = _validated_page(AppPayload, code.page, code.type)
            assert isinstance(app, AppPayload)
            self.app = app
        self.cap_reached = False
        # Every URL this code can send a scanner to, checked once (`checked_url`).
        urls = {code.target_url, code.fallback_url, *(rule.target_url for rule in code.rules)}
        if self.app is not None:
            urls.update(redirect_target(self.app, os) for os in ("iOS", "Android", None))
        self.checked_urls = {url: web_target(url) for url in urls if url is not None}

    def checked_url(self, url: str | None) -> str | None:
        """`url` if it is an absolute http(s) URL (`web_target`), else None; cheap for the
        URLs of this code's snapshot, which were checked when the entry was made."""
        if url is None:
            return None
        checked = self.checked_urls.get(url, _UNCHECKED)
        return web_target(url) if checked is _UNCHECKED else checked

    @property
    def version(self) -> int:
        return self.code.version


_UNCHECKED = "\x00unchecked"


def web_target(url: str | None) -> str | None:
    """Only absolute http(s) URLs are redirect targets (no open redirect to other schemes)."""
    if url is None:
        return None
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in ("http", "https") else None


def _validated_page(model: type[Payload], content: dict[str, object] | None, kind: str) -> Payload:
    if content is None:
        raise InvalidRecord(f"a {kind} code needs its page content")
    try:
        return model.model_validate(content, context={"stored": True})
    except ValidationError as exc:
        raise InvalidRecord(f"page content of a {kind} code does not validate: {exc}") from None


CodeRecord = bytes | CodeEntry
"""What the table holds for one code."""


class WorkspaceNames:
    """Workspace ids as small numbers: each id's text is kept once for all its codes."""

    __slots__ = ("_numbers", "_texts")

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._numbers: dict[str, int] = {}

    def number(self, workspace_id: UUID) -> int:
        text = str(workspace_id)
        found = self._numbers.get(text)
        if found is None:
            found = self._numbers[text] = len(self._texts)
            self._texts.append(text)
        return found

    def text(self, number: int) -> str:
        return self._texts[number]

    def __len__(self) -> int:
        return len(self._texts)


def is_plain(code: CodeSnapshot) -> bool:
    """Whether a snapshot fits the compact form (see the module docstring)."""
    return (
        code.status == "active"
        and code.type in _FIXED_TARGET_TYPES
        and code.target_url is not None
        and code.fallback_url is None
        and code.active_from is None
        and code.expires_at is None
        and code.max_scans is None
        and code.password_hash is None
        and not code.rules
        and code.version <= _MAX_UINT32
    )


def compact_record(code: CodeSnapshot, workspaces: WorkspaceNames) -> CodeRecord:
    """The table's record for a snapshot: plain `bytes` when it fits, else a `CodeEntry`.
    Raises `InvalidRecord` for a snapshot that cannot be served (see `CodeEntry`)."""
    if not is_plain(code):
        return CodeEntry(code)
    target = code.target_url
    assert target is not None
    flags = _STATUS_BITS[code.redirect_status]
    if code.forward_query:
        flags |= _FORWARD_QUERY
    if code.scan_tracking:
        flags |= _SCAN_TRACKING
    if target.startswith(_HTTPS_PREFIX):
        flags |= _HTTPS
        target = target[len(_HTTPS_PREFIX) :]
    head = _HEAD.pack(code.id.bytes, workspaces.number(code.workspace_id), code.version, flags)
    return head + target.encode()


# --- reading plain records (hot path: plain functions over the bytes) -----------------------


def plain_target(record: bytes) -> str:
    if record[24] & _HTTPS:
        return _HTTPS_PREFIX + record[HEADER_SIZE:].decode()
    return record[HEADER_SIZE:].decode()


def plain_status(record: bytes) -> int:
    return _STATUSES[record[24] & 0b11]


def plain_forwards_query(record: bytes) -> bool:
    return bool(record[24] & _FORWARD_QUERY)


def plain_tracks_scans(record: bytes) -> bool:
    return bool(record[24] & _SCAN_TRACKING)


def plain_workspace(record: bytes) -> int:
    number: int = int.from_bytes(record[16:20], "little")
    return number


def record_version(record: CodeRecord) -> int:
    if isinstance(record, bytes):
        return int.from_bytes(record[20:24], "little")
    return record.code.version


def record_id(record: CodeRecord) -> bytes:
    """The code id's 16 bytes."""
    return record[:16] if isinstance(record, bytes) else record.id_bytes


def owned_by(record: CodeRecord, code_id: bytes) -> bool:
    """Whether `record` is the code whose id bytes are `code_id` (no allocation for bytes)."""
    if isinstance(record, bytes):
        return record.startswith(code_id)
    return record.id_bytes == code_id


def uuid_text(id_bytes: bytes) -> str:
    """The canonical text of a UUID given as 16 bytes (faster than `str(UUID(bytes=...))`)."""
    h = id_bytes.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

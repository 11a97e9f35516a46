"""The password gate's parts: the unlock cookie, the attempt counter, the Argon2id check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from argon2 import PasswordHasher

from qrstack_common.events import CodeSnapshot
from qrstack_redirect.gate import Attempts, PasswordChecker, UnlockCookies, gate_key
from qrstack_redirect.table.records import CodeEntry

NOW = 1_800_000_000.0
# Cheap parameters keep the test fast; the checker reads them from the PHC string.
HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def entry(password: str = "open sesame") -> CodeEntry:  # noqa: S107
    return CodeEntry(
        CodeSnapshot(
            id=uuid.uuid4(), workspace_id=uuid.uuid4(), slug="s", type="url",
            target_url="https://example.com/", password_hash=HASHER.hash(password),
            version=1, updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )  # fmt: skip


def test_a_cookie_opens_its_code_until_it_expires() -> None:
    cookies = UnlockCookies(gate_key("s3cret", ""), ttl_s=900)
    code = entry()
    value = cookies.issue(code, NOW)
    assert cookies.opens(value, code, NOW + 899)
    assert not cookies.opens(value, code, NOW + 900)
    assert not cookies.opens(value, entry(), NOW)  # another code
    changed = CodeEntry(code.code.model_copy(update={"password_hash": HASHER.hash("new")}))
    assert not cookies.opens(value, changed, NOW)  # the password changed
    expiry, mac = value.split(".")
    assert not cookies.opens(f"{int(expiry) + 3600}.{mac}", code, NOW)  # extended by hand
    for junk in (None, "", "x", "1.2.3", f"{expiry}.", "99999999999999.abc"):
        assert not cookies.opens(junk, code, NOW)


def test_replicas_sharing_the_salt_accept_each_others_cookies() -> None:
    code = entry()
    one = UnlockCookies(gate_key("", "shared-salt"), ttl_s=60)
    two = UnlockCookies(gate_key("", "shared-salt"), ttl_s=60)
    other = UnlockCookies(gate_key("", "other-salt"), ttl_s=60)
    value = one.issue(code, NOW)
    assert two.opens(value, code, NOW) and not other.opens(value, code, NOW)
    assert gate_key("", "") != gate_key("", "")  # nothing configured: random per process


def test_attempts_are_limited_per_address_and_code_within_the_window() -> None:
    attempts = Attempts(limit=3, window_s=60)
    for n in range(3):
        assert attempts.retry_after("198.51.100.7", "code", NOW + n) is None
        attempts.record("198.51.100.7", "code", NOW + n)
    assert attempts.retry_after("198.51.100.7", "code", NOW + 10) == 50
    assert attempts.retry_after("198.51.100.8", "code", NOW + 10) is None
    assert attempts.retry_after("198.51.100.7", "other", NOW + 10) is None
    assert attempts.retry_after("198.51.100.7", "code", NOW + 60) is None  # a new window
    attempts.forget("198.51.100.7", "code")
    assert attempts.retry_after("198.51.100.7", "code", NOW + 10) is None


def test_the_attempt_counter_forgets_the_oldest_addresses_past_its_capacity() -> None:
    attempts = Attempts(limit=1, window_s=60, capacity=2)
    for ip in ("a", "b", "c"):
        attempts.record(ip, "code", NOW)
    assert attempts.retry_after("a", "code", NOW) is None
    assert attempts.retry_after("c", "code", NOW) is not None


async def test_the_password_check_accepts_only_the_password() -> None:
    checker = PasswordChecker()
    code = entry("correct horse")
    assert code.code.password_hash is not None
    assert await checker.matches(code.code.password_hash, "correct horse")
    assert not await checker.matches(code.code.password_hash, "Correct horse")
    assert not await checker.matches(code.code.password_hash, "x" * 5000)
    assert not await checker.matches("not a hash", "correct horse")

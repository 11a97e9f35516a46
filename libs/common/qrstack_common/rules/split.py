"""Sticky A/B assignment: the same scanner always lands in the same arm of the same rule.

The bucket (0–99) is the first 8 bytes of BLAKE2b(scanner id ‖ rule id) modulo 100: stable
across processes and replicas (no seed, unlike `hash()`), independent between rules (a scanner
in the B arm of one test is not thereby in the B arm of every test), uniform enough that a
weight of w % sends w % ± 1 of scanners to B. The scanner id is whatever identifies a scanner
over time: the redirect's scanner cookie, else the visitor hash.
"""

from __future__ import annotations

from hashlib import blake2b
from uuid import UUID


def split_bucket(scanner_id: str, rule_key: bytes) -> int:
    """The bucket 0–99 of `scanner_id` for the rule whose 16-byte id is `rule_key`."""
    digest = blake2b(scanner_id.encode("utf-8", "surrogatepass") + rule_key, digest_size=8)
    return int.from_bytes(digest.digest(), "big") % 100


def ab_bucket(scanner_id: str, rule_id: UUID) -> int:
    """The bucket 0–99 of `scanner_id` for rule `rule_id`; the scanner is in the rule's
    B arm when the bucket is below the rule's weight."""
    return split_bucket(scanner_id, rule_id.bytes)

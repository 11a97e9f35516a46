"""Which (host, slug) each code id holds: what a tombstone or a slug change needs to find.

Kafka keys the table topics by code id, but scans look codes up by slug, so the table needs
both directions. A dict from id to slug would cost a second 16-byte key object and a dict slot
per code (~90 bytes); this open-addressing table costs one 8-byte slot and one reference
(~33 bytes per code at a million codes), which is what keeps a million codes under 250 MB.

Slots hold the low 64 bits of the id (0 means empty; an id whose low bits are 0 is stored as
1) and, alongside, the slug (platform host) or a `(host, slug)` pair. Two ids that share their
low 64 bits are told apart by `owns(key, id)`, which asks the slug table whether the record at
`key` belongs to `id`. The caller keeps the invariant that makes this exact: a slot exists only
while the record at its key belongs to its id (when a code takes a key from another code, the
other code's slot is removed first). Linear probing, backward-shift deletion, growth at 70 %.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable
from typing import Final

TableKey = tuple[str, str]  # (host, slug)
Owns = Callable[[TableKey, bytes], bool]

_PLATFORM_HOST: Final = ""
_MIN_SLOTS: Final = 1024
_MAX_LOAD: Final = 0.7


_GOLDEN: Final = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: Fibonacci hashing
_WORD: Final = (1 << 64) - 1


def _low_bits(code_id: bytes) -> int:
    return int.from_bytes(code_id[8:], "big") or 1


class CodeIndex:
    __slots__ = ("_count", "_keys", "_mask", "_owns", "_places", "_shift")

    def __init__(self, owns: Owns) -> None:
        self._owns = owns
        self._count = 0
        self._allocate(_MIN_SLOTS)

    def _allocate(self, slots: int) -> None:
        self._keys = array("Q", bytes(8 * slots))
        self._places: list[str | TableKey | None] = [None] * slots
        self._mask = slots - 1
        self._shift = 64 - (slots.bit_length() - 1)

    def __len__(self) -> int:
        return self._count

    def footprint(self) -> int:
        """Bytes of the index's arrays (the slugs they point at belong to the table)."""
        return sys.getsizeof(self._keys) + sys.getsizeof(self._places)

    @staticmethod
    def _key(place: str | TableKey) -> TableKey:
        return (_PLATFORM_HOST, place) if isinstance(place, str) else place

    def _slot(self, code_id: bytes) -> int:
        """The slot holding `code_id`, or -1."""
        bits = _low_bits(code_id)
        keys, places, mask, shift = self._keys, self._places, self._mask, self._shift
        i = ((bits * _GOLDEN) & _WORD) >> shift
        while True:
            found = keys[i]
            if found == 0:
                return -1
            if found == bits:
                place = places[i]
                assert place is not None
                if self._owns(self._key(place), code_id):
                    return i
            i = (i + 1) & mask

    def find(self, code_id: bytes) -> TableKey | None:
        """The (host, slug) the code holds, or None."""
        i = self._slot(code_id)
        if i < 0:
            return None
        place = self._places[i]
        assert place is not None
        return self._key(place)

    def put(self, code_id: bytes, key: TableKey) -> None:
        """Record that the code holds `key`, which must now hold the code's record. A code
        that held another key must be `remove`d first, while that key still held it."""
        place: str | TableKey = key[1] if key[0] == _PLATFORM_HOST else key
        i = self._slot(code_id)
        if i >= 0:
            self._places[i] = place
            return
        if (self._count + 1) > _MAX_LOAD * len(self._places):
            self._grow()
        bits = _low_bits(code_id)
        keys, mask, shift = self._keys, self._mask, self._shift
        i = ((bits * _GOLDEN) & _WORD) >> shift
        while keys[i] != 0:
            i = (i + 1) & mask
        keys[i] = bits
        self._places[i] = place
        self._count += 1

    def remove(self, code_id: bytes) -> None:
        """Forget the code (nothing happens if it is not held)."""
        i = self._slot(code_id)
        if i < 0:
            return
        keys, places, mask, shift = self._keys, self._places, self._mask, self._shift
        # Backward-shift deletion: move later members of the probe run into the hole so that
        # every remaining id stays reachable from its home slot without tombstones.
        hole = i
        j = i
        while True:
            j = (j + 1) & mask
            bits = keys[j]
            if bits == 0:
                break
            home = ((bits * _GOLDEN) & _WORD) >> shift
            if (j - home) & mask >= (j - hole) & mask:
                keys[hole] = bits
                places[hole] = places[j]
                hole = j
        keys[hole] = 0
        places[hole] = None
        self._count -= 1

    def _grow(self) -> None:
        old_keys, old_places = self._keys, self._places
        self._allocate(len(old_places) * 2)
        keys, places, mask, shift = self._keys, self._places, self._mask, self._shift
        for bits, place in zip(old_keys, old_places, strict=True):
            if bits == 0:
                continue
            i = ((bits * _GOLDEN) & _WORD) >> shift
            while keys[i] != 0:
                i = (i + 1) & mask
            keys[i] = bits
            places[i] = place

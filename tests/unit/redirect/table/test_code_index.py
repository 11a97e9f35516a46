"""The id → (host, slug) index the slug table keeps for tombstones and slug changes."""

from __future__ import annotations

import random
import uuid

from qrstack_redirect.table.code_index import CodeIndex, TableKey


class Held:
    """The slug table's side of the contract: which code holds each key."""

    def __init__(self) -> None:
        self.by_key: dict[TableKey, bytes] = {}

    def owns(self, key: TableKey, code_id: bytes) -> bool:
        return self.by_key.get(key) == code_id


def test_put_find_move_and_remove() -> None:
    held = Held()
    index = CodeIndex(held.owns)
    code = uuid.uuid4().bytes
    held.by_key[("", "a")] = code
    index.put(code, ("", "a"))
    assert index.find(code) == ("", "a") and len(index) == 1
    held.by_key[("qr.acme.com", "b")] = code
    index.put(code, ("qr.acme.com", "b"))
    assert index.find(code) == ("qr.acme.com", "b") and len(index) == 1
    index.remove(code)
    assert index.find(code) is None and len(index) == 0
    index.remove(code)  # removing what is not held is nothing


def test_ids_sharing_their_last_eight_bytes_are_told_apart() -> None:
    held = Held()
    index = CodeIndex(held.owns)
    tail = uuid.uuid4().bytes[8:]
    ids = [uuid.uuid4().bytes[:8] + tail for _ in range(5)]
    for n, code in enumerate(ids):
        held.by_key[("", f"s{n}")] = code
        index.put(code, ("", f"s{n}"))
    assert [index.find(code) for code in ids] == [("", f"s{n}") for n in range(5)]
    index.remove(ids[2])
    del held.by_key[("", "s2")]
    assert index.find(ids[2]) is None
    assert [index.find(ids[n]) for n in (0, 1, 3, 4)] == [("", f"s{n}") for n in (0, 1, 3, 4)]


def test_random_puts_and_removes_agree_with_a_dict_across_growth() -> None:
    rng = random.Random(11)
    held = Held()
    index = CodeIndex(held.owns)
    model: dict[bytes, TableKey] = {}
    ids = [uuid.UUID(int=rng.getrandbits(128)).bytes for _ in range(6000)]
    for step in range(30_000):
        code = rng.choice(ids)
        if code in model and rng.random() < 0.4:
            index.remove(code)
            del held.by_key[model.pop(code)]
        else:
            if code in model:  # a move: forget the old key while it is still the code's
                index.remove(code)
                del held.by_key[model[code]]
            key = ("", f"k{step}")
            held.by_key[key] = code
            index.put(code, key)
            model[code] = key
    assert len(index) == len(model)
    for code in ids:
        assert index.find(code) == model.get(code)

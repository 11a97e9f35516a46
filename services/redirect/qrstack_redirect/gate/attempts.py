"""Counting attempts per (client IP, code) in a fixed window: wrong passwords at the gate,
posts to a form page.

Held in memory by each replica (a guesser spread over N replicas gets N times the attempts;
`limit` is set with that in mind). Bounded: the least recently used keys are forgotten past
`capacity`, so a flood of addresses cannot grow memory without bound.
"""

from __future__ import annotations

from collections import OrderedDict


class Attempts:
    def __init__(self, limit: int, window_s: float, *, capacity: int = 100_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self._capacity = capacity
        self._seen: OrderedDict[tuple[str, str], tuple[float, int]] = OrderedDict()

    def retry_after(self, ip: str | None, code_id: str, now: float) -> float | None:
        """Seconds until `ip` may try `code_id` again, None if it may now."""
        found = self._seen.get((ip or "", code_id))
        if found is None:
            return None
        start, count = found
        if now >= start + self.window_s:
            return None
        return start + self.window_s - now if count >= self.limit else None

    def record(self, ip: str | None, code_id: str, now: float) -> None:
        """Count one attempt."""
        key = (ip or "", code_id)
        found = self._seen.pop(key, None)
        if found is None or now >= found[0] + self.window_s:
            found = (now, 0)
        self._seen[key] = (found[0], found[1] + 1)
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)

    def forget(self, ip: str | None, code_id: str) -> None:
        """Clear the count (the password was right)."""
        self._seen.pop((ip or "", code_id), None)

"""API keys recently looked up, so that a busy key does not cost every request a query.

`key_for_auth` reads a key with its workspace's plan and its issuer's lock and role: one round
trip, a quarter of a code read's CPU. `KeyCache` keeps what it answered for `ttl_s` (0.5 s),
per secret hash, in this process; concurrent requests presenting the same key while its
lookup runs wait for that one lookup. Unknown secrets are never kept (a caller spraying
guesses cannot fill the cache), and the cache holds at most `max_keys` keys.

How fast a change reaches a request (docs/authentication.md, "API keys"):
- Revoking or changing a key, a member, a workspace or a plan through this process's own
  routes (`auth.AUTHORITY_PREFIXES`): at once here, the cache is cleared when the write succeeds.
- Any change made elsewhere (another replica, the admin command, the database itself): within
  `ttl_s` on every process, since no entry is older than that. A revoked key is refused within
  0.5 s everywhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from qrstack_api.accounts.api_keys import KeyForAuth, key_for_auth
from qrstack_api.accounts.secrets import api_key_hash
from qrstack_api.accounts.users import Executor

KEY_CACHE_TTL_S = 0.5
MAX_KEYS = 10_000


class KeyCache:
    def __init__(
        self,
        ttl_s: float = KEY_CACHE_TTL_S,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max = max_keys
        self._clock = clock
        self._keys: dict[bytes, tuple[float, KeyForAuth]] = {}  # hash → (looked up at, key)
        self._pending: dict[bytes, asyncio.Future[KeyForAuth | None]] = {}
        self._generation = 0  # bumped by `clear`: a lookup begun before it is not kept

    def __len__(self) -> int:
        return len(self._keys)

    async def key(self, db: Executor, secret: str) -> KeyForAuth | None:
        """The key `secret` names as `key_for_auth` reads it, at most `ttl_s` old."""
        digest = api_key_hash(secret)
        kept = self._keys.get(digest)
        if kept is not None and self._clock() - kept[0] < self._ttl_s:
            return kept[1]
        pending = self._pending.get(digest)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this request was cancelled, not the lookup it waited for
            # The request that was looking the key up went away: look it up here.
        future: asyncio.Future[KeyForAuth | None] = asyncio.get_running_loop().create_future()
        self._pending[digest] = future
        generation, started = self._generation, self._clock()
        try:
            found = await key_for_auth(db, secret)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # marked retrieved: nobody else may be waiting
            raise
        finally:
            if self._pending.get(digest) is future:
                del self._pending[digest]
        future.set_result(found)
        if found is None:
            self._keys.pop(digest, None)
        elif generation == self._generation:
            if len(self._keys) >= self._max and digest not in self._keys:
                self._forget_oldest()
            self._keys[digest] = (started, found)
        return found

    def clear(self) -> None:
        """Forget every key, and every lookup under way (its answer may predate a change)."""
        self._keys.clear()
        self._generation += 1

    def _forget_oldest(self) -> None:
        now = self._clock()
        for digest in [d for d, (at, _) in self._keys.items() if now - at >= self._ttl_s]:
            del self._keys[digest]
        if len(self._keys) >= self._max:  # every entry is fresh: drop the older half
            for digest in list(self._keys)[: len(self._keys) // 2 + 1]:
                del self._keys[digest]

"""The content-addressed cache of rendered images, bounded by bytes.

Keys are spec digests, so an entry never goes stale: the same key always means the same
image. When the byte budget is exceeded the least recently used entries go first. Not
thread-safe by design: only the event loop touches it (renders run in threads, but their
results are stored back on the loop).
"""

from __future__ import annotations

from collections import OrderedDict

from qrstack_renderer.render import RenderedImage

ENTRY_OVERHEAD = 200
"""Approximate bytes of bookkeeping per entry (key, tuple, dict slot)."""


class RenderCache:
    """An LRU of `RenderedImage`s by digest holding at most `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, RenderedImage] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> RenderedImage | None:
        image = self._entries.get(key)
        if image is not None:
            self._entries.move_to_end(key)
        return image

    def put(self, key: str, image: RenderedImage) -> None:
        """Store `image`; one larger than the whole budget is not stored."""
        cost = len(image.body) + ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old.body) + ENTRY_OVERHEAD
        self._entries[key] = image
        self.bytes += cost
        while self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= len(evicted.body) + ENTRY_OVERHEAD

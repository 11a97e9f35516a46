"""The rendered-image cache stays within its byte budget, evicting least recently used."""

from __future__ import annotations

from qrstack_renderer.cache import ENTRY_OVERHEAD, RenderCache
from qrstack_renderer.render import RenderedImage


def _image(size: int) -> RenderedImage:
    return RenderedImage(b"x" * size, "image/png", '"e"')


def test_cache_evicts_least_recently_used_within_budget() -> None:
    cache = RenderCache(max_bytes=3 * (1000 + ENTRY_OVERHEAD))
    for key in "abc":
        cache.put(key, _image(1000))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("d", _image(1000))
    assert cache.get("b") is None
    assert {k for k in "acd" if cache.get(k) is not None} == {"a", "c", "d"}
    assert cache.bytes <= cache.max_bytes


def test_image_larger_than_the_budget_is_not_cached() -> None:
    cache = RenderCache(max_bytes=500)
    cache.put("big", _image(1000))
    assert cache.get("big") is None
    assert cache.bytes == 0


def test_replacing_a_key_keeps_the_byte_count_right() -> None:
    cache = RenderCache(max_bytes=10_000)
    cache.put("a", _image(100))
    cache.put("a", _image(300))
    assert len(cache) == 1
    assert cache.bytes == 300 + ENTRY_OVERHEAD
